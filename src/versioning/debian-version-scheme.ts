import { compareDebianVersions, tryParseDebianVersion } from "./debian-version.ts";
import type { VersionScheme } from "./version-scheme.ts";

/**
 * dpkg's version order (deb-version(7)), used by Debian and Ubuntu. Accepts
 * what `dpkg --compare-versions` accepts, including versions dpkg only warns about.
 */
export const debianVersionScheme: VersionScheme = {
  name: "Debian",
  compare: compareDebianVersions,
  isValid: (version) => tryParseDebianVersion(version) !== null,
};
