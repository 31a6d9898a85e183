/**
 * The three words of a dpkg `Status:` field, as dpkg-query prints them in
 * `${db:Status-Want}`, `${db:Status-Eflag}` and `${db:Status-Status}`.
 * Sample: `Status: hold ok installed`.
 */
export interface DpkgStatus {
  /** Selection state: `unknown`, `install`, `hold`, `deinstall` or `purge`. */
  want: string;
  /** Error flag: `ok` or `reinstreq` (older dpkg also wrote `hold` and `hold-reinstreq`). */
  eflag: string;
  /** Package state, for example `installed`, `config-files` or `unpacked`; see dpkg(1). */
  state: string;
}

const WANTS = new Set(["unknown", "install", "hold", "deinstall", "purge"]);
const EFLAGS = new Set(["ok", "reinstreq", "hold", "hold-reinstreq"]);

/** Package states of dpkg(1), plus two aliases that dpkg still reads from old databases. */
const STATE_ALIASES: Record<string, string> = {
  "not-installed": "not-installed",
  "config-files": "config-files",
  "half-installed": "half-installed",
  unpacked: "unpacked",
  "half-configured": "half-configured",
  "triggers-awaited": "triggers-awaited",
  "triggers-pending": "triggers-pending",
  installed: "installed",
  "post-inst-failed": "half-configured",
  "removal-failed": "half-installed",
};

/**
 * Package states that count as installed. `triggers-awaited` and `triggers-pending` come
 * after a successful `postinst configure`: the package's files of this version are on disk
 * and in use, and only trigger processing is outstanding (dpkg's triggers specification
 * places both between `half-configured` and `installed`). Leaving them out would hide a
 * vulnerable package until the next dpkg run, and upgrading one does not reinstall anything
 * that was removed.
 */
const INSTALLED_STATES = new Set(["installed", "triggers-pending", "triggers-awaited"]);

/**
 * States in which dpkg stopped half-way through installing, configuring or removing a
 * package: its files may be on disk, but its version is not reliably the installed one.
 */
export const INTERRUPTED_STATES = new Set(["half-installed", "unpacked", "half-configured"]);

/** Parses a `Status:` value; returns null unless it is three known words. */
export function parseStatusField(value: string): DpkgStatus | null {
  const words = value.trim().split(/\s+/);
  if (words.length !== 3) return null;

  const [want, eflag, stateWord] = words as [string, string, string];
  const state = STATE_ALIASES[stateWord];
  if (!WANTS.has(want) || !EFLAGS.has(eflag) || state === undefined) return null;
  return { want, eflag, state };
}

export function isInstalledState(state: string): boolean {
  return INSTALLED_STATES.has(state);
}
