import { inputError } from "../../platform/errors.ts";
import { parseDebianVersion } from "../../versioning/debian-version.ts";
import { InvalidVersionError } from "../../versioning/invalid-version-error.ts";
import { type InstalledPackage, packageKey } from "../installed-package.ts";
import { type ControlStanza, parseControlStanzas } from "./parse-control-stanzas.ts";
import { INTERRUPTED_STATES, isInstalledState, parseStatusField } from "./parse-status-field.ts";

export interface ParseDpkgStatusOptions {
  /**
   * Meaning of a stanza without a `Status:` field. dpkg writes `Status:` into every record
   * of `/var/lib/dpkg/status`, so there a stanza without it is damaged and is skipped with
   * a warning ("skip", the default). Distroless images copy each package's control file
   * into `/var/lib/dpkg/status.d/` without one, so there it means installed ("installed").
   */
  missingStatus?: "skip" | "installed";
}

export interface DpkgStatusContents {
  /** Installed packages in file order; of two stanzas with the same name and architecture, the later. */
  packages: InstalledPackage[];
  /** One line per skipped or doubtful stanza, naming the file, line and package. */
  warnings: string[];
}

/** Fields whose value ends up in `InstalledPackage`; a stanza cut inside one of them is skipped. */
const RECORDED_FIELDS = new Set([
  "package",
  "status",
  "version",
  "source",
  "architecture",
  "essential",
  "multi-arch",
]);

/** Package names of deb-control(5); dpkg also accepts upper-case letters and `_` in old records. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;

const RECOVERY_HINT =
  "Check that the path names a dpkg status file; dpkg keeps a backup of /var/lib/dpkg/status in status-old beside it and in /var/backups/dpkg.status.*.";

/** `Source: name` or `Source: name (version)`. */
const SOURCE_FIELD = /^(\S+)(?:\s+\((\S+)\))?$/;

/**
 * Parses the text of a dpkg status file (`/var/lib/dpkg/status`, or one file of
 * `status.d/`) and returns its installed packages. `fileName` only labels messages.
 *
 * A package counts as installed when the third word of `Status:` is `installed`,
 * `triggers-pending` or `triggers-awaited` (see `parse-status-field.ts`), whatever the
 * selection: `hold ok installed` is installed and held, `deinstall ok config-files` is not
 * installed. A stanza that cannot be used (missing or invalid Package, Version, Status or
 * Source, duplicate fields, cut off by the end of the file) is skipped with a warning.
 *
 * Throws `inputError` when the text contains NUL bytes, has no stanzas, or has no stanza
 * with a valid Package, Version and Status: such a file is not a status file or is damaged.
 */
export function parseDpkgStatus(
  text: string,
  fileName: string,
  options: ParseDpkgStatusOptions = {},
): DpkgStatusContents {
  if (text.includes("\u0000")) {
    throw inputError(
      `${fileName} contains NUL bytes, so it is not a dpkg status file. ${RECOVERY_HINT}`,
    );
  }
  const stanzas = parseControlStanzas(text);
  if (stanzas.length === 0) {
    throw inputError(
      `${fileName} contains no package stanzas, but a dpkg database lists at least dpkg itself. ${RECOVERY_HINT}`,
    );
  }

  const byKey = new Map<string, InstalledPackage>();
  const warnings: string[] = [];
  const problems: string[] = [];
  let validStanzas = 0;
  for (const stanza of stanzas) {
    const result = readStanza(stanza, options.missingStatus ?? "skip");
    const label = stanzaLabel(fileName, stanza);
    warnings.push(...result.warnings.map((warning) => `${label}: ${warning}`));
    problems.push(...result.warnings.map((warning) => `line ${stanza.line}: ${warning}`));
    if (result.valid) validStanzas += 1;
    if (result.installed === null) continue;

    const key = packageKey(result.installed);
    if (byKey.has(key)) {
      warnings.push(`${label}: ${key} is listed a second time; keeping this later stanza`);
      byKey.delete(key);
    }
    byKey.set(key, result.installed);
  }

  if (validStanzas === 0) {
    const examples = problems.slice(0, 3).join("; ");
    throw inputError(
      `${fileName} has no stanza with a valid Package, Version and Status field (${stanzas.length} stanzas; ${examples}). ${RECOVERY_HINT}`,
    );
  }
  return { packages: [...byKey.values()], warnings };
}

interface StanzaResult {
  /**
   * True for a usable record: a valid Package, a valid Status (unless it may be absent),
   * and a valid Version when the state counts as installed.
   */
  valid: boolean;
  /** The package when the stanza is valid and its state counts as installed. */
  installed: InstalledPackage | null;
  warnings: string[];
}

function readStanza(stanza: ControlStanza, missingStatus: "skip" | "installed"): StanzaResult {
  const warnings: string[] = [];
  const skip = (problem: string): StanzaResult => ({
    valid: false,
    installed: null,
    warnings: [...warnings, `${problem}; stanza skipped`],
  });

  const shapeProblem = checkStanzaShape(stanza, warnings);
  if (shapeProblem !== null) return skip(shapeProblem);

  const fields = stanza.fields;
  const name = fields.get("package");
  if (name === undefined || name === "") return skip("missing Package field");
  if (!PACKAGE_NAME.test(name)) return skip(`invalid package name "${name}"`);

  const statusValue = fields.get("status");
  if (statusValue === undefined && missingStatus === "skip") return skip("missing Status field");
  const status = statusValue === undefined ? null : parseStatusField(statusValue);
  if (statusValue !== undefined && status === null) {
    return skip(
      `invalid Status "${statusValue}": expected three words such as "install ok installed"`,
    );
  }
  if (status !== null && !isInstalledState(status.state)) {
    if (INTERRUPTED_STATES.has(status.state)) {
      warnings.push(
        `state ${status.state}: dpkg did not finish installing, configuring or removing it, so it is not counted as installed; run "dpkg --audit" on that system for the fix`,
      );
    }
    return { valid: true, installed: null, warnings };
  }
  if (status?.eflag.endsWith("reinstreq")) {
    warnings.push("dpkg marks it as broken (reinstreq); counted as installed, reinstall it");
  }

  // Checked after Status because dpkg keeps records without a version for packages that
  // are not installed (`purge ok not-installed`).
  const version = fields.get("version");
  if (version === undefined || version === "") return skip("missing Version field");
  const versionProblem = findVersionProblem(version);
  if (versionProblem !== null) return skip(`invalid Version "${version}": ${versionProblem}`);

  const source = parseSource(fields.get("source"), name, version);
  if (typeof source === "string") return skip(source);

  const arch = fields.get("architecture") ?? "";
  if (arch === "") warnings.push("missing Architecture field; recorded with an empty architecture");

  const installed: InstalledPackage = {
    name,
    arch,
    version,
    sourceName: source.name,
    sourceVersion: source.version,
    status: statusValue === undefined ? "" : statusValue.trim().replace(/\s+/g, " "),
    held: status?.want === "hold",
    essential: fields.get("essential")?.toLowerCase() === "yes",
  };
  const multiArch = fields.get("multi-arch");
  if (multiArch !== undefined && multiArch !== "") installed.multiArch = multiArch;
  return { valid: true, installed, warnings };
}

/**
 * Adds warnings for damage the stanza survives (stray lines, a cut in a field that is not
 * recorded) and returns the reason to skip it for damage it does not, else null.
 */
function checkStanzaShape(stanza: ControlStanza, warnings: string[]): string | null {
  if (stanza.cutField !== null) {
    const where = stanza.cutField === "" ? "a line" : `the ${stanza.cutField} field`;
    const problem = `the file ends in the middle of ${where} (truncated file)`;
    if (stanza.cutField === "" || RECORDED_FIELDS.has(stanza.cutField)) return problem;
    warnings.push(problem);
  }
  if (stanza.malformedLines.length > 0) {
    const lines = stanza.malformedLines.join(", ");
    warnings.push(
      `ignored line(s) ${lines}: neither a "Name: value" field nor a continuation line`,
    );
  }
  const duplicates = stanza.duplicateFields.filter((name) => RECORDED_FIELDS.has(name));
  if (duplicates.length > 0) return `field ${duplicates.join(", ")} appears twice`;
  return null;
}

/**
 * Reads the three forms of `Source:`: absent (the binary's name and version), `Source: name`
 * (the binary's version) and `Source: name (version)`. Returns a problem description when
 * the field is invalid.
 */
function parseSource(
  value: string | undefined,
  binaryName: string,
  binaryVersion: string,
): { name: string; version: string } | string {
  if (value === undefined) return { name: binaryName, version: binaryVersion };

  const match = SOURCE_FIELD.exec(value);
  if (match === null) return `invalid Source "${value}": expected "name" or "name (version)"`;
  const sourceName = match[1] as string;
  const sourceVersion = match[2] ?? binaryVersion;
  if (!PACKAGE_NAME.test(sourceName)) return `invalid source package name in Source "${value}"`;
  const versionProblem = findVersionProblem(sourceVersion);
  if (versionProblem !== null) return `invalid version in Source "${value}": ${versionProblem}`;
  return { name: sourceName, version: sourceVersion };
}

/**
 * Returns why dpkg would reject the version, or null. Like dpkg reading its database, this
 * accepts what dpkg only warns about, such as an upstream version not starting with a digit.
 */
function findVersionProblem(version: string): string | null {
  try {
    parseDebianVersion(version);
    return null;
  } catch (error) {
    if (error instanceof InvalidVersionError) return error.reason;
    throw error;
  }
}

function stanzaLabel(fileName: string, stanza: ControlStanza): string {
  const name = stanza.fields.get("package");
  const packagePart = name ? ` (package ${name})` : "";
  return `${fileName} line ${stanza.line}${packagePart}`;
}
