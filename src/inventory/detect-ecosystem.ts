import { inputError, usageError } from "../platform/errors.ts";

/** Debian releases with security support in the advisory data: 9 (stretch) to 13 (trixie). */
export const SUPPORTED_DEBIAN_RELEASES = ["9", "10", "11", "12", "13"] as const;

/** Ubuntu long-term support releases, from 14.04 (trusty) to 26.04. */
export const UBUNTU_LTS_RELEASES = [
  "14.04",
  "16.04",
  "18.04",
  "20.04",
  "22.04",
  "24.04",
  "26.04",
] as const;

/**
 * Ubuntu interim releases from 23.10 (mantic) on. Each has nine months of support, so the
 * list needs a new entry every six months.
 */
export const UBUNTU_INTERIM_RELEASES = ["23.10", "24.10", "25.04", "25.10"] as const;

const OVERRIDE_EXAMPLE = "--ecosystem Debian:12 or --ecosystem Ubuntu:22.04:LTS";

/**
 * Maps os-release(5) values to the host's OSV ecosystem: `Debian:12`, `Ubuntu:22.04:LTS`
 * for a long-term support release, `Ubuntu:23.10` for an interim one. Only `ID=debian`
 * and `ID=ubuntu` are recognised: a derivative (Raspbian, Linux Mint, Pop!_OS) names its
 * parent only in `ID_LIKE`, and its versions differ from the parent's, so it is not guessed.
 * `sourceFile` only labels messages.
 *
 * Throws `inputError`, naming the file, ID and VERSION_ID it read and the `--ecosystem`
 * override, for any other distribution, a missing VERSION_ID (Debian testing and unstable
 * have none) and a release outside the supported lists.
 */
export function detectEcosystem(
  osRelease: Record<string, string>,
  sourceFile = "/etc/os-release",
): string {
  // os-release(5): a missing ID means "linux".
  const id = osRelease.ID ?? "linux";
  const versionId = osRelease.VERSION_ID;
  const read = describeRead(osRelease, sourceFile);

  if (id !== "debian" && id !== "ubuntu") {
    throw inputError(
      `${read}: only Debian (ID=debian) and Ubuntu (ID=ubuntu) are supported. A derivative's package versions differ from its parent's, so ID_LIKE is not used to guess a release. If the system's packages come from a Debian or Ubuntu release, pass it with ${OVERRIDE_EXAMPLE}.`,
    );
  }
  if (versionId === undefined || versionId === "") {
    const hint =
      id === "debian"
        ? "Debian testing and unstable (sid) have no VERSION_ID and no security advisories of their own"
        : "the file gives no release number";
    throw inputError(
      `${read}: VERSION_ID is missing, and ${hint}. Pass the release to check against with ${OVERRIDE_EXAMPLE}.`,
    );
  }

  if (id === "debian") {
    if (!(SUPPORTED_DEBIAN_RELEASES as readonly string[]).includes(versionId)) {
      throw unsupportedRelease(read, `Debian ${SUPPORTED_DEBIAN_RELEASES.join(", ")}`);
    }
    return `Debian:${versionId}`;
  }
  if ((UBUNTU_LTS_RELEASES as readonly string[]).includes(versionId)) {
    return `Ubuntu:${versionId}:LTS`;
  }
  if ((UBUNTU_INTERIM_RELEASES as readonly string[]).includes(versionId)) {
    return `Ubuntu:${versionId}`;
  }
  const supported = `Ubuntu ${UBUNTU_LTS_RELEASES.join(", ")} (LTS) and ${UBUNTU_INTERIM_RELEASES.join(", ")}`;
  throw unsupportedRelease(read, supported);
}

/**
 * Checks an `--ecosystem` value: `Debian:<release number>`, or `Ubuntu:<YY.MM>` with
 * `:LTS` exactly when YY is even and MM is 04. Returns the value; throws `usageError`
 * otherwise. Any release number is accepted, because the override exists for systems that
 * detection does not cover.
 */
export function validateEcosystem(value: string): string {
  if (/^Debian:\d+$/.test(value)) return value;

  const ubuntu = /^Ubuntu:(\d\d)\.(\d\d)(:LTS)?$/.exec(value);
  if (ubuntu === null) {
    throw usageError(
      `Invalid --ecosystem "${value}": expected Debian:<release> or Ubuntu:<YY.MM>[:LTS], for example ${OVERRIDE_EXAMPLE}.`,
    );
  }
  const [, year, month, lts] = ubuntu;
  const isLts = Number(year) % 2 === 0 && month === "04";
  if (isLts && lts === undefined) {
    throw usageError(
      `Invalid --ecosystem "${value}": Ubuntu ${year}.${month} is a long-term support release, so its ecosystem is Ubuntu:${year}.${month}:LTS.`,
    );
  }
  if (!isLts && lts !== undefined) {
    throw usageError(
      `Invalid --ecosystem "${value}": Ubuntu ${year}.${month} is not a long-term support release, so its ecosystem is Ubuntu:${year}.${month}.`,
    );
  }
  return value;
}

function describeRead(osRelease: Record<string, string>, sourceFile: string): string {
  const parts = [`ID=${osRelease.ID ?? "(missing)"}`];
  if (osRelease.ID_LIKE !== undefined) parts.push(`ID_LIKE="${osRelease.ID_LIKE}"`);
  parts.push(`VERSION_ID=${osRelease.VERSION_ID ?? "(missing)"}`);
  if (osRelease.PRETTY_NAME !== undefined) parts.push(`PRETTY_NAME="${osRelease.PRETTY_NAME}"`);
  return `Unsupported system in ${sourceFile} (${parts.join(", ")})`;
}

function unsupportedRelease(read: string, supported: string) {
  return inputError(
    `${read}: this release is not supported (supported: ${supported}). Releases outside this list have no advisory data here, and another release's data would give wrong verdicts. To check against another release anyway, pass it with ${OVERRIDE_EXAMPLE}.`,
  );
}
