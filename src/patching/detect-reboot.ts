import { existsSync, readFileSync } from "node:fs";
import type { RebootStatus } from "../history/history-entry.ts";
import type { InstalledPackage } from "../inventory/installed-package.ts";
import { classifyKernels } from "../inventory/kernel.ts";
import type { CommandRunner } from "../platform/command-runner.ts";

/** Files the Debian and Ubuntu update hooks create when a reboot is due. */
export const REBOOT_REQUIRED_FILE = "/var/run/reboot-required";
export const REBOOT_REQUIRED_PACKAGES_FILE = "/var/run/reboot-required.pkgs";

export interface RebootInputs {
  installed: readonly InstalledPackage[];
  runningKernelRelease: string | null;
  runner: CommandRunner;
  /** Reads a host file, or returns null when it does not exist; replaced in tests. */
  readHostFile?: (path: string) => string | null;
}

/**
 * Tells whether this host (root `/` only) needs a reboot after patching: the update hooks'
 * `/var/run/reboot-required`, or an installed kernel image newer than the running one. Adds
 * the batch output of `needrestart -b` (services and kernel) where needrestart is installed.
 */
export async function detectReboot(inputs: RebootInputs): Promise<RebootStatus> {
  const read = inputs.readHostFile ?? readHostFile;
  const reasons: string[] = [];
  if (read(REBOOT_REQUIRED_FILE) !== null) {
    const packages = (read(REBOOT_REQUIRED_PACKAGES_FILE) ?? "").split("\n").filter(Boolean);
    reasons.push(
      `${REBOOT_REQUIRED_FILE} exists${packages.length ? ` (packages: ${packages.join(", ")})` : ""}`,
    );
  }
  const kernels = classifyKernels(inputs.installed, inputs.runningKernelRelease);
  if (kernels.rebootRequired) {
    const newer = kernels.newerImages.map((kernel) => kernel.release).join(", ");
    reasons.push(`kernel ${newer} is installed but ${inputs.runningKernelRelease} is running`);
  }

  const result = await inputs.runner.run(["needrestart", "-b"], { env: { LC_ALL: "C" } });
  const needrestart = result.exitCode === 127 ? null : result.stdout.trim();
  return { rebootRequired: reasons.length > 0, reasons, needrestart };
}

/** Reads a file of this host as text, or returns null when it does not exist. */
export function readHostFile(path: string): string | null {
  if (!existsSync(path)) return null;
  return readFileSync(path, "utf8");
}
