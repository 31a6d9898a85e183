import { compareDebianVersions } from "../versioning/debian-version.ts";
import type { InstalledPackage } from "./installed-package.ts";

/**
 * - `running`: the package installs the kernel release that `uname -r` reports.
 * - `installed-not-running`: it installs another release, which runs only after a reboot into it.
 * - `unknown`: the running release is not known, as when scanning a mounted root with `--root`.
 */
export type KernelImageState = "running" | "installed-not-running" | "unknown";

/**
 * - `image`: a bootable kernel of one release (`linux-image-6.1.0-18-amd64`, Ubuntu's
 *   `linux-image-unsigned-6.8.0-31-generic`, Debian's `linux-image-6.1.0-18-amd64-unsigned`).
 * - `debug-symbols`: debugging symbols of one release (`-dbg`, `-dbgsym`), never booted.
 * - `meta-package`: depends on the newest image of a flavour (`linux-image-amd64`,
 *   `linux-image-generic`) and installs no kernel itself.
 */
export type KernelPackageKind = "image" | "debug-symbols" | "meta-package";

export interface KernelPackage {
  package: InstalledPackage;
  kind: KernelPackageKind;
  /** Kernel release the package belongs to, as `uname -r` prints it; null for a meta-package. */
  release: string | null;
  /** Null for a meta-package, which belongs to no release. */
  state: KernelImageState | null;
}

export interface KernelStatus {
  /** `uname -r` of the running kernel, or null when unknown. */
  runningRelease: string | null;
  /** Every installed `linux-image-*` package, in input order. */
  packages: KernelPackage[];
  /** Installed, not running images whose package version is higher than the running image's. */
  newerImages: KernelPackage[];
  /**
   * True when a newer kernel image is installed but not booted. Null when the running
   * release is unknown, or when no installed image package matches it (a custom kernel, or
   * its package was removed).
   */
  rebootRequired: boolean | null;
}

const IMAGE_PREFIX = "linux-image-";
/** Ubuntu's unsigned images and the extra modules of Ubuntu 16.04 and older. */
const INFIXES = ["unsigned-", "extra-"];
/** Debian's unsigned images. */
const UNSIGNED_SUFFIX = "-unsigned";
const DEBUG_SUFFIXES = ["-dbgsym", "-dbg"];

/**
 * Classifies the installed `linux-image-*` packages against the running kernel release
 * (`uname -r`, for example `6.1.0-18-amd64`, or null when unknown) and reports whether a
 * newer image than the running one is installed, which means a reboot is required.
 * "Newer" compares the packages' Debian versions, so `linux-image-6.1.0-21-amd64`
 * 6.1.90-1 is newer than `linux-image-6.1.0-18-amd64` 6.1.76-1 whatever the flavour.
 *
 * `compare` orders two Debian versions; it defaults to `compareDebianVersions`.
 *
 * NOTE: an image package upgraded in place (same release, new package version) after the
 * kernel booted is reported as running: telling that apart needs the build date from
 * `uname -v`, which this function does not take.
 */
export function classifyKernels(
  packages: readonly InstalledPackage[],
  runningRelease: string | null,
  compare: (a: string, b: string) => number = compareDebianVersions,
): KernelStatus {
  const kernelPackages = packages
    .filter((pkg) => pkg.name.startsWith(IMAGE_PREFIX))
    .map((pkg) => classifyPackage(pkg, runningRelease));

  const runningImages = kernelPackages.filter(
    (kernel) => kernel.kind === "image" && kernel.state === "running",
  );
  if (runningRelease === null || runningImages.length === 0) {
    return { runningRelease, packages: kernelPackages, newerImages: [], rebootRequired: null };
  }

  const runningVersion = runningImages
    .map((kernel) => kernel.package.version)
    .reduce((highest, version) => (compare(version, highest) > 0 ? version : highest));
  const newerImages = kernelPackages.filter(
    (kernel) =>
      kernel.kind === "image" &&
      kernel.state === "installed-not-running" &&
      compare(kernel.package.version, runningVersion) > 0,
  );
  return {
    runningRelease,
    packages: kernelPackages,
    newerImages,
    rebootRequired: newerImages.length > 0,
  };
}

function classifyPackage(pkg: InstalledPackage, runningRelease: string | null): KernelPackage {
  let rest = pkg.name.slice(IMAGE_PREFIX.length);
  const infix = INFIXES.find((candidate) => rest.startsWith(candidate));
  if (infix !== undefined) rest = rest.slice(infix.length);

  const debugSuffix = DEBUG_SUFFIXES.find((suffix) => rest.endsWith(suffix));
  if (debugSuffix !== undefined) rest = rest.slice(0, -debugSuffix.length);
  if (rest.endsWith(UNSIGNED_SUFFIX)) rest = rest.slice(0, -UNSIGNED_SUFFIX.length);

  // A release starts with the upstream version (`6.1.0-18-amd64`); a flavour name does not.
  if (!/^\d/.test(rest)) {
    return { package: pkg, kind: "meta-package", release: null, state: null };
  }
  const kind: KernelPackageKind = debugSuffix === undefined ? "image" : "debug-symbols";
  let state: KernelImageState = "unknown";
  if (runningRelease !== null) {
    state = rest === runningRelease ? "running" : "installed-not-running";
  }
  return { package: pkg, kind, release: rest, state };
}
