import type { Severity, SeveritySource } from "../severity/severity.ts";

/**
 * Why a finding stays unfixed or how it is fixed:
 * - `fixed`: the record names a fixed version in the host's ecosystem.
 * - `no-fix`: an affected entry with no `fixed` event ("no fix available").
 * - `ubuntu-pro`: the only fix is in an `Ubuntu:Pro:…` ecosystem.
 */
export type FixStatus = "fixed" | "no-fix" | "ubuntu-pro";

/**
 * One (installed binary package, vulnerability) pair on this host. The field
 * names are the `--json` schema documented in docs/json-schema.md.
 */
export interface Finding {
  /** Binary package name. */
  package: string;
  arch: string;
  installedVersion: string;
  sourcePackage: string;
  sourceVersion: string;
  /** OSV record id (`DSA-5000-1`, `CVE-2024-1234`, `UBUNTU-CVE-…`). */
  vulnerabilityId: string;
  /** Other ids of the same flaw, usually CVE ids. */
  aliases: string[];
  /**
   * The record's `upstream` ids: the flaws a DLA, USN or UBUNTU-CVE record derives
   * from, usually CVE ids. Used to look up NVD ratings for such records.
   */
  upstream?: string[];
  summary: string | null;
  severity: Severity;
  severitySource: SeveritySource;
  /** CVSS base score when a vector rated it, else null. */
  cvssScore: number | null;
  /** First version without the flaw in the host's ecosystem; null when there is none. */
  fixedVersion: string | null;
  fixStatus: FixStatus;
  /** Version that fixes it in Ubuntu Pro, when `fixStatus` is `ubuntu-pro`. */
  proFixedVersion: string | null;
  /** The ecosystem whose affected entry matched (`Debian:12`). */
  ecosystem: string;
  /** Human-readable remarks: "installed, not running" kernels, rating pending, needs review. */
  notes: string[];
}
