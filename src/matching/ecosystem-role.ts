/**
 * Relation of an affected entry's ecosystem to the host's:
 * - `host`: the host's own release (`Debian:12`; `Ubuntu:22.04:LTS` or `Ubuntu:22.04`);
 * - `ubuntu-pro`: Ubuntu Pro (ESM) updates for the host's release, `Ubuntu:Pro:22.04:LTS`;
 * - `ubuntu-pro-variant`: another Pro channel of that release, such as
 *   `Ubuntu:Pro:FIPS-updates:22.04:LTS` or `Ubuntu:Pro:Realtime:22.04:LTS`.
 */
export type EcosystemRole = "host" | "ubuntu-pro" | "ubuntu-pro-variant";

/** An Ubuntu ecosystem string split into its parts. */
export interface UbuntuEcosystem {
  /** `22.04`. */
  release: string;
  /**
   * `standard` for `Ubuntu:22.04[:LTS]`, `pro` for `Ubuntu:Pro:22.04[:LTS]`,
   * `pro-variant` for other `Ubuntu:Pro:…` channels, `other` for the rest
   * (`Ubuntu:Nvidia-BlueField:22.04:LTS`).
   */
  channel: "standard" | "pro" | "pro-variant" | "other";
}

const UBUNTU_RELEASE = /^\d{2}\.\d{2}$/;

/**
 * Splits an OSV Ubuntu ecosystem: `Ubuntu:<release>[:LTS]`, with `Pro` and
 * optionally a channel (`FIPS`, `FIPS-updates`, `FIPS-preview`, `Realtime`)
 * before the release, or words after it (`Ubuntu:Pro:24.04:LTS:Realtime:Kernel`).
 * Returns null for non-Ubuntu ecosystems and for strings without a `YY.MM` release.
 */
export function parseUbuntuEcosystem(ecosystem: string): UbuntuEcosystem | null {
  const parts = ecosystem.split(":");
  if (parts[0] !== "Ubuntu") {
    return null;
  }
  const releaseIndex = parts.findIndex((part) => UBUNTU_RELEASE.test(part));
  if (releaseIndex === -1) {
    return null;
  }

  const release = parts[releaseIndex] as string;
  const before = parts.slice(1, releaseIndex);
  const after = parts.slice(releaseIndex + 1);
  const plainSuffix = after.length === 0 || (after.length === 1 && after[0] === "LTS");

  if (before.length === 0) {
    return { release, channel: plainSuffix ? "standard" : "other" };
  }
  if (before[0] !== "Pro") {
    return { release, channel: "other" };
  }
  return { release, channel: before.length === 1 && plainSuffix ? "pro" : "pro-variant" };
}

/**
 * Classifies an affected entry's ecosystem against the host's, or returns null
 * when the entry does not apply to the host (another release, distro, or an
 * upstream ecosystem). Matching is exact, except that an Ubuntu release matches
 * with or without its `:LTS` suffix, because Ubuntu's records spell a new LTS
 * release both ways (`Ubuntu:26.04` and `Ubuntu:26.04:LTS`).
 *
 * NOTE: a host ecosystem in a Pro channel (`Ubuntu:Pro:22.04:LTS`) matches only
 * entries of exactly that channel, not the standard release's entries.
 */
export function ecosystemRole(hostEcosystem: string, entryEcosystem: string): EcosystemRole | null {
  if (entryEcosystem === hostEcosystem) {
    return "host";
  }
  const host = parseUbuntuEcosystem(hostEcosystem);
  if (host === null || host.channel !== "standard") {
    return null;
  }
  const entry = parseUbuntuEcosystem(entryEcosystem);
  if (entry === null || entry.release !== host.release) {
    return null;
  }

  switch (entry.channel) {
    case "standard":
      return "host";
    case "pro":
      return "ubuntu-pro";
    case "pro-variant":
      return "ubuntu-pro-variant";
    default:
      return null;
  }
}
