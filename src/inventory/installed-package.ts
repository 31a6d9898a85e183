/**
 * One installed binary package as dpkg records it. Multi-arch copies
 * (`libc6:amd64`, `libc6:i386`) are separate entries.
 */
export interface InstalledPackage {
  /** Binary package name (`libssl3`). */
  name: string;
  /** Architecture as dpkg records it: `amd64`, `i386`, `all`. */
  arch: string;
  /** Installed version of the binary package. */
  version: string;
  /** Source package name (`openssl`); the binary name when `Source:` is absent. */
  sourceName: string;
  /** Source version: from `Source: name (version)`, else the binary version. */
  sourceVersion: string;
  /**
   * The full `Status:` field, for example `hold ok installed`; empty for a `status.d/` entry
   * of a distroless image, which has no `Status:` field.
   */
  status: string;
  /** True when the selection state (first word of `Status:`) is `hold`. */
  held: boolean;
  /** True for `Essential: yes` packages. */
  essential: boolean;
  /** `Multi-Arch:` field when present (`same`, `foreign`, `allowed`). */
  multiArch?: string;
  /** Remarks that every finding on this package carries, such as how its source was chosen. */
  notes?: string[];
}

/** Identifies a binary package on one architecture, as dpkg and apt spell it: `libc6:i386`. */
export function packageKey(pkg: Pick<InstalledPackage, "name" | "arch">): string {
  return `${pkg.name}:${pkg.arch}`;
}
