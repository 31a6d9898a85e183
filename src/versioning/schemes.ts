import { debianVersionScheme } from "./debian-version-scheme.ts";
import type { VersionScheme } from "./version-scheme.ts";

// OSV ecosystem names are case-sensitive: `Debian`, `Debian:12`, `Ubuntu:22.04:LTS`,
// `Ubuntu:Pro:20.04:LTS`. Alpine (`1.6_rc1 < 1.6`) and RPM order versions
// differently from dpkg, so they stay unregistered until they have their own scheme.
const schemesByDistribution: ReadonlyMap<string, VersionScheme> = new Map([
  ["Debian", debianVersionScheme],
  ["Ubuntu", debianVersionScheme],
]);

/**
 * Returns the version scheme of an OSV ecosystem, matched on the part before
 * the first colon, or undefined when the ecosystem is not supported.
 */
export function versionSchemeFor(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(":");
  const distribution = colon === -1 ? ecosystem : ecosystem.slice(0, colon);
  return schemesByDistribution.get(distribution);
}
