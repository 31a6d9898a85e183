import type { OsvAffected, OsvRecord } from "../advisories/osv/osv-record.ts";
import type { InstalledPackage } from "../inventory/installed-package.ts";
import { classifyKernels, type KernelStatus } from "../inventory/kernel.ts";
import { inputError } from "../platform/errors.ts";
import type { Finding } from "../scan/finding.ts";
import { rateAffected } from "../severity/rate-finding.ts";
import type { SeverityRating } from "../severity/severity.ts";
import type { CompareVersions } from "./affected-range.ts";
import { packageNotes, rebootRequiredNote } from "./finding-notes.ts";
import { judgeSourceVersion, type SourceVerdict } from "./judge-source-version.ts";
import { indexRecordsBySource, type RecordEntries } from "./record-index.ts";

export interface MatchOptions {
  /** The host's OSV ecosystem: `Debian:12`, `Ubuntu:22.04:LTS`. */
  ecosystem: string;
  /** Version order of the ecosystem, `compareDebianVersions` for Debian and Ubuntu. */
  compare: CompareVersions;
  /**
   * `uname -r` of the running kernel, to note kernel images that are installed
   * but not running, and a reboot that a newer fixed image needs. Null when
   * unknown, as in a scan of another root (`--root`).
   */
  runningKernelRelease?: string | null;
  /** Time at which `withdrawn` is judged. Without it, any record with a `withdrawn` time is dropped. */
  now?: Date;
}

/**
 * Matches installed packages against OSV records and returns one finding per
 * (binary package, architecture, record id), sorted by package, architecture and id.
 *
 * Records name source packages, so each binary is matched by its source name
 * and judged by its source version. Every binary of an affected source is a
 * finding of its own, on each architecture, and binaries of one source at
 * different source versions are judged separately. Only entries of the host's
 * release (and its Ubuntu Pro channels) apply; see `judgeSourceVersion` for how
 * fixes are chosen. Withdrawn records never match. Fixed versions are taken
 * from the records as written.
 *
 * @throws {CortexError} (unusable input) when an installed source version cannot be compared.
 */
export function matchPackages(
  packages: readonly InstalledPackage[],
  records: readonly OsvRecord[],
  options: MatchOptions,
): Finding[] {
  const index = indexRecordsBySource(records, options.ecosystem, options.now);
  const verdicts = new Map<RecordEntries, Map<string, SourceVerdict | null>>();
  const ratings = new Map<OsvAffected, SeverityRating>();
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const kernels = classifyKernels(packages, options.runningKernelRelease ?? null, options.compare);

  for (const pkg of packages) {
    const candidates = index.get(pkg.sourceName);
    if (candidates === undefined) {
      continue;
    }
    const notes = packageNotes(pkg, options.runningKernelRelease);

    for (const entries of candidates) {
      const key = `${pkg.name}\0${pkg.arch}\0${entries.record.id}`;
      if (seen.has(key)) {
        continue;
      }
      const verdict = judgeCached(verdicts, entries, pkg, options.compare);
      if (verdict === null) {
        continue;
      }

      let rating = ratings.get(verdict.entry);
      if (rating === undefined) {
        rating = rateAffected(entries.record, verdict.entry);
        ratings.set(verdict.entry, rating);
      }
      seen.add(key);
      const rebootNotes = rebootRequiredNotes(kernels, pkg, entries, verdicts, options.compare);
      findings.push(buildFinding(pkg, entries.record, verdict, rating, [...notes, ...rebootNotes]));
    }
  }
  return findings.sort(compareFindings);
}

/**
 * Lists a "reboot required" note for each newer kernel image, installed but not
 * booted, that the record does not affect, when `pkg` is the running kernel image.
 * An image built from another source package than the record names is not judged.
 */
function rebootRequiredNotes(
  kernels: KernelStatus,
  pkg: InstalledPackage,
  entries: RecordEntries,
  verdicts: Map<RecordEntries, Map<string, SourceVerdict | null>>,
  compare: CompareVersions,
): string[] {
  const isRunningImage = kernels.packages.some(
    (kernel) => kernel.package === pkg && kernel.kind === "image" && kernel.state === "running",
  );
  if (!isRunningImage) {
    return [];
  }
  return kernels.newerImages
    .map((kernel) => kernel.package)
    .filter((image) => image.sourceName === pkg.sourceName)
    .filter((image) => judgeCached(verdicts, entries, image, compare) === null)
    .map(rebootRequiredNote);
}

/** Judges each (record, source version) once, because all binaries of a source share the verdict. */
function judgeCached(
  verdicts: Map<RecordEntries, Map<string, SourceVerdict | null>>,
  entries: RecordEntries,
  pkg: InstalledPackage,
  compare: CompareVersions,
): SourceVerdict | null {
  let byVersion = verdicts.get(entries);
  if (byVersion === undefined) {
    byVersion = new Map();
    verdicts.set(entries, byVersion);
  }
  const cached = byVersion.get(pkg.sourceVersion);
  if (cached !== undefined) {
    return cached;
  }

  let verdict: SourceVerdict | null;
  try {
    verdict = judgeSourceVersion(entries, pkg.sourceVersion, compare);
  } catch (error) {
    throw inputError(
      `Failed to compare source version ${JSON.stringify(pkg.sourceVersion)} of ${pkg.sourceName} ` +
        `(binary ${pkg.name}:${pkg.arch}) with record ${entries.record.id}: ` +
        `${error instanceof Error ? error.message : String(error)} ` +
        "Check the package's Version and Source fields in the dpkg status file.",
      error,
    );
  }
  byVersion.set(pkg.sourceVersion, verdict);
  return verdict;
}

function buildFinding(
  pkg: InstalledPackage,
  record: OsvRecord,
  verdict: SourceVerdict,
  rating: SeverityRating,
  packageNotes: readonly string[],
): Finding {
  return {
    package: pkg.name,
    arch: pkg.arch,
    installedVersion: pkg.version,
    sourcePackage: pkg.sourceName,
    sourceVersion: pkg.sourceVersion,
    vulnerabilityId: record.id,
    aliases: uniqueAliases(record),
    upstream: [...new Set(record.upstream ?? [])],
    summary: record.summary ?? null,
    severity: rating.severity,
    severitySource: rating.source,
    cvssScore: rating.score,
    fixedVersion: verdict.fixedVersion,
    fixStatus: verdict.fixStatus,
    proFixedVersion: verdict.proFixedVersion,
    ecosystem: verdict.entry.package?.ecosystem ?? "",
    notes: [...packageNotes, ...verdict.notes],
  };
}

/**
 * Returns the record's `aliases` without repeats and without its own id.
 * `upstream` ids are not aliases (they name the flaws a DLA or USN derives
 * from), so a record that lists its CVE only there has no alias.
 */
function uniqueAliases(record: OsvRecord): string[] {
  const aliases = new Set(record.aliases ?? []);
  aliases.delete(record.id);
  return [...aliases];
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.package, b.package) ||
    compareText(a.arch, b.arch) ||
    compareText(a.vulnerabilityId, b.vulnerabilityId)
  );
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
