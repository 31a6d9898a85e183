import type { InstalledPackage } from "./installed-package.ts";

/**
 * Debian builds its signed kernel images (`linux-image-6.1.0-18-amd64`) from
 * `linux-signed-amd64`, `linux-signed-arm64` and so on, at a source version of
 * their own (`6.1.76+1`), while its advisories name the `linux` source. The
 * binaries carry the version of the `linux` upload they were signed from (`6.1.76-1`).
 */
const DEBIAN_SIGNED_KERNEL_SOURCE = /^linux-signed-[a-z0-9]+$/;

/** Note on findings of a signed kernel image judged as the `linux` source. */
export const SIGNED_KERNEL_NOTE =
  "signed kernel image: judged as source linux at the binary's version, since Debian advisories name linux";

/**
 * Returns the package as advisories see it. On Debian a signed kernel image is
 * judged as source `linux` at its binary version; every other package is unchanged.
 * NOTE: other signed sources (grub-efi-amd64-signed, shim-signed) carry versions that do not
 * order against grub2 and shim, so they are still matched under their own names.
 */
export function withAdvisorySource(pkg: InstalledPackage, ecosystem: string): InstalledPackage {
  if (!ecosystem.startsWith("Debian:") || !DEBIAN_SIGNED_KERNEL_SOURCE.test(pkg.sourceName)) {
    return pkg;
  }
  return {
    ...pkg,
    sourceName: "linux",
    sourceVersion: pkg.version,
    notes: [...(pkg.notes ?? []), SIGNED_KERNEL_NOTE],
  };
}
