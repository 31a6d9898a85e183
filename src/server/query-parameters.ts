import { isSeverity, SEVERITIES, type Severity } from "../severity/severity.ts";

/** Maximum `limit` of `/history`, so that one request cannot read the whole table. */
export const MAX_HISTORY_LIMIT = 1000;

/** Entries `/history` returns without `limit`. */
export const DEFAULT_HISTORY_LIMIT = 50;

/**
 * Maximum length of a `package` value. Debian sets no maximum for package
 * names, so this is a cap that real names stay far below.
 */
export const MAX_PACKAGE_NAME_LENGTH = 128;

/** Maximum length of any query value, checked before a value is parsed. */
const MAX_QUERY_VALUE_LENGTH = 256;

/**
 * Debian package name syntax (Debian Policy 5.6.1): lowercase letters, digits,
 * `+`, `-` and `.`, starting with a letter or digit.
 */
const PACKAGE_NAME_PATTERN = /^[a-z0-9][a-z0-9+.-]*$/;

/** A query string the server rejects with 400. The message names the parameter and the fix. */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidQueryError";
  }
}

/** Filters of `GET /vulnerabilities`, each null when not given. */
export interface VulnerabilityQuery {
  severities: ReadonlySet<Severity> | null;
  /** Binary or source package name. */
  packageName: string | null;
}

/** Parses `severity` (comma-separated) and `package` of `GET /vulnerabilities`. */
export function parseVulnerabilityQuery(params: URLSearchParams): VulnerabilityQuery {
  checkParameters(params, ["severity", "package"]);
  return {
    severities: parseSeverities(params.get("severity")),
    packageName: parsePackageName(params.get("package")),
  };
}

/** Parses `limit` of `GET /history`: a whole number from 1 to MAX_HISTORY_LIMIT. */
export function parseHistoryQuery(params: URLSearchParams): { limit: number } {
  checkParameters(params, ["limit"]);
  const value = params.get("limit");
  if (value === null) return { limit: DEFAULT_HISTORY_LIMIT };
  const limit = /^[0-9]{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_HISTORY_LIMIT)) {
    throw new InvalidQueryError(
      `invalid limit "${value}": use a whole number from 1 to ${MAX_HISTORY_LIMIT}`,
    );
  }
  return { limit };
}

/** Rejects a query with no parameters of its own: an unknown, repeated or overlong one. */
export function checkParameters(params: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (!allowed.includes(name)) {
      const accepted = allowed.length > 0 ? allowed.join(", ") : "none";
      throw new InvalidQueryError(
        `unknown query parameter "${truncate(name)}": this path accepts ${accepted}`,
      );
    }
    if (seen.has(name)) {
      throw new InvalidQueryError(
        `query parameter "${name}" is given more than once: give it once`,
      );
    }
    seen.add(name);
    if (value.length > MAX_QUERY_VALUE_LENGTH) {
      throw new InvalidQueryError(
        `query parameter "${name}" is ${value.length} characters long, more than the maximum of ${MAX_QUERY_VALUE_LENGTH}`,
      );
    }
  }
}

function parseSeverities(value: string | null): ReadonlySet<Severity> | null {
  if (value === null) return null;
  const items = value.split(",").map((item) => item.trim().toLowerCase());
  const invalid = items.filter((item) => !isSeverity(item));
  if (invalid.length > 0) {
    throw new InvalidQueryError(
      `invalid severity "${truncate(value)}": use a comma-separated list of ${SEVERITIES.join(", ")}`,
    );
  }
  return new Set(items as Severity[]);
}

function parsePackageName(value: string | null): string | null {
  if (value === null) return null;
  if (value.length > MAX_PACKAGE_NAME_LENGTH) {
    throw new InvalidQueryError(
      `package name is ${value.length} characters long, more than the maximum of ${MAX_PACKAGE_NAME_LENGTH}`,
    );
  }
  if (!PACKAGE_NAME_PATTERN.test(value)) {
    throw new InvalidQueryError(
      `invalid package name "${truncate(value)}": use a Debian package name (lowercase letters, digits, "+", "-", "."), such as openssl or libssl3`,
    );
  }
  return value;
}

/** Shortens a value echoed in an error message, so that a client cannot make the reply large. */
function truncate(value: string): string {
  return value.length <= 64 ? value : `${value.slice(0, 64)}…`;
}
