import type { InstalledPackage } from "../inventory/installed-package.ts";
import { classifyKernels } from "../inventory/kernel.ts";
import { REBOOT_REQUIRED_FILE, REBOOT_REQUIRED_PACKAGES_FILE } from "../patching/detect-reboot.ts";
import type { RebootStatus } from "./status-sources.ts";

export interface RebootStatusInputs {
  /** Reads a host file, or returns null when it does not exist. */
  readHostFile: (path: string) => string | null;
  /** Installed packages of the host, for the kernel check. */
  readInstalledPackages: () => Promise<readonly InstalledPackage[]>;
  /** `uname -r` of the running kernel, or null when unknown. */
  runningKernelRelease: string | null;
}

/**
 * Reads whether the host needs a reboot: `/var/run/reboot-required` exists, or
 * a kernel image newer than the running one is installed. Unlike the check
 * after patching, it does not run needrestart, whose output the patch history
 * keeps.
 */
export async function readRebootStatus(inputs: RebootStatusInputs): Promise<RebootStatus> {
  const reasons: string[] = [];
  if (inputs.readHostFile(REBOOT_REQUIRED_FILE) !== null) {
    const packages = (inputs.readHostFile(REBOOT_REQUIRED_PACKAGES_FILE) ?? "")
      .split("\n")
      .filter((line) => line.trim() !== "");
    const listed = packages.length > 0 ? ` (packages: ${packages.join(", ")})` : "";
    reasons.push(`${REBOOT_REQUIRED_FILE} exists${listed}`);
  }

  const kernels = classifyKernels(
    await inputs.readInstalledPackages(),
    inputs.runningKernelRelease,
  );
  if (kernels.rebootRequired === true) {
    const newer = kernels.newerImages.map((kernel) => kernel.release).join(", ");
    reasons.push(`kernel ${newer} is installed but ${inputs.runningKernelRelease} is running`);
  }
  return { pending: reasons.length > 0, reasons };
}
