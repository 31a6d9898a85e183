import { type InstalledPackage, packageKey } from "../inventory/installed-package.ts";
import type { Finding } from "../scan/finding.ts";
import type { AptClient } from "./apt-client.ts";
import { findPolicyEntry, parseAptCachePolicy } from "./parse-apt-cache-policy.ts";
import { type AptPackageRecord, parseAptCacheShow } from "./parse-apt-cache-show.ts";
import type { CandidateVersion } from "./patch-plan.ts";

export interface CandidateLookup {
  /** Candidate of each installed binary of every source package with a finding, by `name:arch`. */
  candidates: Map<string, CandidateVersion>;
  /** `apt-cache show` records of the candidates, by `name:arch`, for sizes. */
  records: Map<string, AptPackageRecord>;
  nativeArch: string;
}

/**
 * Asks apt for the candidate of every installed binary of each source package that has a
 * finding (all architectures), then for each candidate's source version and sizes.
 */
export async function lookupCandidates(
  apt: AptClient,
  findings: readonly Finding[],
  installed: readonly InstalledPackage[],
): Promise<CandidateLookup> {
  const sources = new Set(findings.map((finding) => finding.sourcePackage));
  const findingKeys = new Set(findings.map((finding) => `${finding.package}:${finding.arch}`));
  const binaries = installed.filter(
    (pkg) => sources.has(pkg.sourceName) || findingKeys.has(packageKey(pkg)),
  );
  const nativeArch = await apt.nativeArch();
  const candidates = new Map<string, CandidateVersion>();
  const records = new Map<string, AptPackageRecord>();
  if (binaries.length === 0) return { candidates, records, nativeArch };

  const policy = parseAptCachePolicy(await apt.policy(binaries.map(packageKey)));
  const specs: string[] = [];
  for (const pkg of binaries) {
    const entry = findPolicyEntry(policy, pkg.name, pkg.arch, nativeArch);
    const version = entry?.candidate ?? null;
    candidates.set(packageKey(pkg), { version, sourceVersion: null });
    if (version !== null && version !== pkg.version) specs.push(`${packageKey(pkg)}=${version}`);
  }

  for (const record of parseAptCacheShow(await apt.show(specs))) {
    const key = `${record.name}:${record.arch}`;
    const candidate = candidates.get(key);
    if (!candidate || candidate.version !== record.version) continue;
    candidate.sourceVersion = record.sourceVersion;
    records.set(key, record);
  }
  return { candidates, records, nativeArch };
}
