import type { InstalledPackage } from "../inventory/installed-package.ts";
import { classifyKernels } from "../inventory/kernel.ts";

/** Note on a `linux-image-*` kernel that is installed but is not the running kernel. */
export const KERNEL_NOT_RUNNING_NOTE = "installed, not running";

/** Note on a backport: a rebuild of the next release's package, judged against this release's records. */
export const BACKPORT_NOTE =
  "needs review: backport (~bpo), built from the next release's package and judged against this release's records";

/** Note on a derivative's rebuild (Raspberry Pi OS `+rpt`, Raspbian `+rpi`), often with a bumped epoch. */
export const DERIVATIVE_NOTE =
  "needs review: derivative rebuild (+rpt/+rpi), its version may not order against Debian's fixed version";

const DERIVATIVE_REBUILD = /\+rp[it]\d/;

/**
 * Formats the note on a running kernel's finding when `image`, a newer kernel
 * image that the same record does not affect, is installed but not booted.
 */
export function rebootRequiredNote(image: InstalledPackage): string {
  return `reboot required: the fixed kernel ${image.name} ${image.version} is installed but not running`;
}

/**
 * Lists the notes every finding on this package carries: backport and
 * derivative rebuilds need review, and a kernel image that is not the running
 * kernel is "installed, not running". With `runningKernelRelease` null (a scan
 * of another root with `--root`) the running kernel is unknown and no kernel note is added.
 */
export function packageNotes(
  pkg: InstalledPackage,
  runningKernelRelease: string | null | undefined,
): string[] {
  const notes: string[] = [...(pkg.notes ?? [])];
  const versions = [pkg.version, pkg.sourceVersion];

  if (versions.some((version) => version.includes("~bpo"))) {
    notes.push(BACKPORT_NOTE);
  }
  if (versions.some((version) => DERIVATIVE_REBUILD.test(version))) {
    notes.push(DERIVATIVE_NOTE);
  }

  // Meta-packages (linux-image-amd64) and debug symbols (-dbg) never run, so they get no note.
  const [kernel] = classifyKernels([pkg], runningKernelRelease ?? null).packages;
  if (kernel?.kind === "image" && kernel.state === "installed-not-running") {
    notes.push(KERNEL_NOT_RUNNING_NOTE);
  }
  return notes;
}
