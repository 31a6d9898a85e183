/** One version line of `apt-cache policy`'s version table. */
export interface AptPolicyVersion {
  version: string;
  /** Pin priority of the version (500 for an ordinary source, 100 for the installed copy). */
  priority: number;
  /** True on the line marked `***`, the installed version. */
  installed: boolean;
  /** Origins of the version: `500 file:/srv/repo ./ Packages`, `100 /var/lib/dpkg/status`. */
  origins: string[];
}

/** Output of `apt-cache policy` for one package. */
export interface AptPolicyEntry {
  /** Binary package name. */
  name: string;
  /**
   * Architecture qualifier of the header line (`libc6:i386:`), or null when the header has
   * none, which apt prints for the native architecture and for `all`.
   */
  arch: string | null;
  /** Installed version, or null for `(none)`. */
  installed: string | null;
  /** Version apt would install, or null for `(none)`. */
  candidate: string | null;
  versions: AptPolicyVersion[];
}

const HEADER = /^(\S+):$/;
const INSTALLED = /^ {2}Installed: (.+)$/;
const CANDIDATE = /^ {2}Candidate: (.+)$/;
/** Sample: ` *** 1.0-1 500` (installed) or `     1.0-2 500`. */
const VERSION_LINE = /^ (\*\*\*| {3}) (\S+) (-?\d+)$/;
/** Sample: `        500 file:/srv/repo ./ Packages`. */
const ORIGIN_LINE = /^ {8}(-?\d+ .+)$/;

/**
 * Parses the output of `apt-cache policy NAME...` run under `LC_ALL=C` (other locales
 * translate the field names). Packages apt does not know produce no output at all, so
 * callers look entries up by name and architecture rather than by position. Lines this
 * parser does not know (`Package pin:`, `Version table:`) are skipped.
 */
export function parseAptCachePolicy(text: string): AptPolicyEntry[] {
  const entries: AptPolicyEntry[] = [];
  let current: AptPolicyEntry | null = null;
  let currentVersion: AptPolicyVersion | null = null;

  for (const line of text.split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      const qualified = header[1] as string;
      const colon = qualified.indexOf(":");
      current = {
        name: colon === -1 ? qualified : qualified.slice(0, colon),
        arch: colon === -1 ? null : qualified.slice(colon + 1),
        installed: null,
        candidate: null,
        versions: [],
      };
      currentVersion = null;
      entries.push(current);
      continue;
    }
    if (current === null) continue;

    const installed = INSTALLED.exec(line);
    if (installed) {
      current.installed = noneToNull(installed[1] as string);
      continue;
    }
    const candidate = CANDIDATE.exec(line);
    if (candidate) {
      current.candidate = noneToNull(candidate[1] as string);
      continue;
    }
    const versionLine = VERSION_LINE.exec(line);
    if (versionLine) {
      currentVersion = {
        version: versionLine[2] as string,
        priority: Number(versionLine[3]),
        installed: versionLine[1] === "***",
        origins: [],
      };
      current.versions.push(currentVersion);
      continue;
    }
    const origin = ORIGIN_LINE.exec(line);
    if (origin && currentVersion) currentVersion.origins.push((origin[1] as string).trim());
  }
  return entries;
}

/**
 * Finds the entry of binary package `name` on `arch` (as dpkg records it). A header without
 * an architecture qualifier stands for the native architecture and for `all`.
 */
export function findPolicyEntry(
  entries: readonly AptPolicyEntry[],
  name: string,
  arch: string,
  nativeArch: string,
): AptPolicyEntry | null {
  const exact = entries.find((entry) => entry.name === name && entry.arch === arch);
  if (exact) return exact;
  if (arch !== nativeArch && arch !== "all") return null;
  return entries.find((entry) => entry.name === name && entry.arch === null) ?? null;
}

function noneToNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "(none)" ? null : trimmed;
}
