import { compareVersionPart } from "./compare-version-part.ts";
import { InvalidVersionError } from "./invalid-version-error.ts";

/**
 * A Debian package version, `[epoch:]upstream_version[-debian_revision]`
 * as deb-version(7) defines it.
 */
export interface DebianVersion {
  /** Epoch, 0 when the version has none. */
  readonly epoch: number;
  /** Upstream version: after the epoch's colon, before the last hyphen. */
  readonly upstream: string;
  /** Debian revision after the last hyphen, "" when there is none (which compares equal to "0"). */
  readonly revision: string;
}

export interface ParseDebianVersionOptions {
  /**
   * Also reject what dpkg only warns about (an upstream version that does not
   * start with a digit, characters outside deb-version(7)), as
   * `dpkg --validate-version` does. The default accepts them, as dpkg does
   * when it reads its status database and in `dpkg --compare-versions`.
   */
  readonly strict?: boolean;
}

const SCHEME = "Debian";
const MAX_EPOCH = 2147483647; // dpkg stores the epoch in a C int.
const UPSTREAM_PUNCTUATION = ".+-~:";
const REVISION_PUNCTUATION = ".+~";

function isBlank(character: string): boolean {
  return character === " " || character === "\t";
}

function isDigit(character: string): boolean {
  return character >= "0" && character <= "9";
}

function isAsciiAlphanumeric(character: string): boolean {
  return (
    isDigit(character) ||
    (character >= "a" && character <= "z") ||
    (character >= "A" && character <= "Z")
  );
}

/** Whitespace that C's `strtol()`, which dpkg uses for the epoch, skips. */
function isCSpace(character: string): boolean {
  return isBlank(character) || (character >= "\n" && character <= "\r");
}

/**
 * Reads the epoch before `colon` with the rules of dpkg's `strtol()` call:
 * leading whitespace and one sign are accepted, so `+1:` and `-0:` are valid.
 */
function parseEpoch(original: string, text: string, colon: number): number {
  let position = 0;
  while (position < colon && isCSpace(text.charAt(position))) {
    position++;
  }
  const negative = text.charAt(position) === "-";
  if (negative || text.charAt(position) === "+") {
    position++;
  }
  const digitsStart = position;
  while (position < colon && isDigit(text.charAt(position))) {
    position++;
  }
  if (colon === 0) {
    throw new InvalidVersionError(SCHEME, original, "the epoch before ':' is empty");
  }
  if (position === digitsStart || position !== colon) {
    throw new InvalidVersionError(SCHEME, original, "the epoch before ':' is not a number");
  }

  // Skip leading zeros, keeping one digit, so that "-0" is zero and "00001" fits 10 digits.
  let significantStart = digitsStart;
  while (significantStart < colon - 1 && text.charAt(significantStart) === "0") {
    significantStart++;
  }
  const digits = text.slice(significantStart, colon);
  if (negative && digits !== "0") {
    throw new InvalidVersionError(SCHEME, original, "the epoch is negative");
  }
  if (digits.length > 10 || Number(digits) > MAX_EPOCH) {
    throw new InvalidVersionError(SCHEME, original, `the epoch is larger than ${MAX_EPOCH}`);
  }
  return Number(digits);
}

/** Returns why dpkg would warn about this version, or undefined when it would not. */
function findSyntaxWarning(upstream: string, revision: string): string | undefined {
  if (!isDigit(upstream.charAt(0))) {
    return "the upstream version does not start with a digit";
  }
  for (const character of upstream) {
    if (!isAsciiAlphanumeric(character) && !UPSTREAM_PUNCTUATION.includes(character)) {
      return `the upstream version contains the invalid character ${JSON.stringify(character)}`;
    }
  }
  for (const character of revision) {
    if (!isAsciiAlphanumeric(character) && !REVISION_PUNCTUATION.includes(character)) {
      return `the revision contains the invalid character ${JSON.stringify(character)}`;
    }
  }
  return undefined;
}

/**
 * Parses a Debian version with the checks of dpkg 1.21's `parseversion()`.
 * Leading and trailing spaces and tabs are ignored.
 *
 * @throws {InvalidVersionError} naming the value when dpkg would reject it:
 *   empty, a space or tab inside, an epoch that is empty, not a number, negative
 *   or above 2147483647, nothing after the epoch, an empty revision after a
 *   trailing hyphen, an empty upstream version, a NUL character; with
 *   `strict`, also what dpkg only warns about.
 */
export function parseDebianVersion(
  text: string,
  options: ParseDebianVersionOptions = {},
): DebianVersion {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charAt(start))) {
    start++;
  }
  while (end > start && isBlank(text.charAt(end - 1))) {
    end--;
  }
  const trimmed = text.slice(start, end);
  if (trimmed === "") {
    throw new InvalidVersionError(SCHEME, text, "the version is empty");
  }
  if (trimmed.includes(" ") || trimmed.includes("\t")) {
    throw new InvalidVersionError(SCHEME, text, "the version contains a space or tab");
  }
  if (trimmed.includes("\0")) {
    throw new InvalidVersionError(SCHEME, text, "the version contains a NUL character");
  }

  // The first colon ends the epoch. The upstream version may contain more colons.
  const colon = trimmed.indexOf(":");
  const epoch = colon === -1 ? 0 : parseEpoch(text, trimmed, colon);
  const afterEpoch = trimmed.slice(colon + 1);
  if (colon !== -1 && afterEpoch === "") {
    throw new InvalidVersionError(SCHEME, text, "nothing follows the epoch's ':'");
  }

  // The revision starts after the last hyphen. The upstream version may contain hyphens.
  const hyphen = afterEpoch.lastIndexOf("-");
  const upstream = hyphen === -1 ? afterEpoch : afterEpoch.slice(0, hyphen);
  const revision = hyphen === -1 ? "" : afterEpoch.slice(hyphen + 1);
  if (hyphen !== -1 && revision === "") {
    throw new InvalidVersionError(SCHEME, text, "the revision after the last '-' is empty");
  }
  if (upstream === "") {
    throw new InvalidVersionError(SCHEME, text, "the upstream version is empty");
  }

  if (options.strict) {
    const warning = findSyntaxWarning(upstream, revision);
    if (warning !== undefined) {
      throw new InvalidVersionError(SCHEME, text, warning);
    }
  }
  return { epoch, upstream, revision };
}

/** Parses like `parseDebianVersion`, but returns null for an invalid version. */
export function tryParseDebianVersion(
  text: string,
  options: ParseDebianVersionOptions = {},
): DebianVersion | null {
  try {
    return parseDebianVersion(text, options);
  } catch (error) {
    if (error instanceof InvalidVersionError) {
      return null;
    }
    throw error;
  }
}

/** Orders two parsed versions: epoch, then upstream version, then revision. Returns -1, 0 or 1. */
export function compareParsedDebianVersions(a: DebianVersion, b: DebianVersion): number {
  if (a.epoch !== b.epoch) {
    return a.epoch < b.epoch ? -1 : 1;
  }
  const upstreamOrder = compareVersionPart(a.upstream, b.upstream);
  if (upstreamOrder !== 0) {
    return Math.sign(upstreamOrder);
  }
  return Math.sign(compareVersionPart(a.revision, b.revision));
}

// Parsed versions by text. A scan compares the same few thousand versions
// hundreds of thousands of times, so each is parsed once. The map is emptied
// when it reaches the limit, which bounds memory for long-running servers.
const PARSE_CACHE_LIMIT = 50_000;
const parseCache = new Map<string, DebianVersion>();

function parseCached(text: string): DebianVersion {
  let version = parseCache.get(text);
  if (version === undefined) {
    version = parseDebianVersion(text);
    if (parseCache.size >= PARSE_CACHE_LIMIT) {
      parseCache.clear();
    }
    parseCache.set(text, version);
  }
  return version;
}

/**
 * Orders two Debian versions exactly as `dpkg --compare-versions` does.
 * Returns -1 when `a` sorts before `b`, 0 when they are equal
 * (`1.0 = 1.0-0 = 0:1.0`), and 1 when `a` sorts after `b`.
 *
 * @throws {InvalidVersionError} when either version is invalid (see `parseDebianVersion`).
 *   This includes "", which `dpkg --compare-versions` treats as a version below all others.
 */
export function compareDebianVersions(a: string, b: string): number {
  return compareParsedDebianVersions(parseCached(a), parseCached(b));
}
