import type { z } from "zod";
import { inputError } from "../../platform/errors.ts";
import { findRecordProblems } from "./osv-record-checks.ts";
import { osvRecordSchema } from "./osv-record-schema.ts";

/**
 * One event of an affected range. The parser checks that an ECOSYSTEM range's
 * events set exactly one of the four fields, as the OSV schema requires.
 * `introduced: "0"` sorts before every version; a `limit` containing `*` is infinity.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** An affected range: `ECOSYSTEM` (distro versions), `SEMVER` or `GIT` (commit hashes). */
export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

/** The package an affected entry is about. For Debian and Ubuntu, `name` is the source package. */
export interface OsvPackage {
  /** `Debian:12`, `Ubuntu:22.04:LTS`, `Ubuntu:Pro:20.04:LTS`, `Alpine:v3.20`. */
  ecosystem: string;
  name: string;
  purl?: string;
}

/** A severity rating: a CVSS vector (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`) or an `Ubuntu` priority word. */
export interface OsvSeverity {
  type: string;
  score: string;
}

/** One `affected[]` entry: a package in one ecosystem, with its ranges and versions. */
export interface OsvAffected {
  /** Missing on upstream entries that only carry GIT ranges. */
  package?: OsvPackage;
  severity?: OsvSeverity[] | null;
  ranges?: OsvRange[];
  /** Explicitly listed affected versions. */
  versions?: string[];
  /** Debian: `urgency`. Ubuntu: `ubuntu_priority`, `binaries`, `availability`. */
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

/**
 * An OSV vulnerability record as the OSV schema (https://ossf.github.io/osv-schema/)
 * defines it. Fields this interface does not name are kept as they were read.
 */
export interface OsvRecord {
  schema_version?: string;
  /** `DSA-5000-1`, `DLA-3008-1`, `USN-7287-1`, `UBUNTU-CVE-2025-1390`, `CVE-2025-26519`. */
  id: string;
  /** RFC 3339 timestamp of the last change. */
  modified: string;
  published?: string;
  /** RFC 3339 timestamp after which the record no longer applies. */
  withdrawn?: string;
  aliases?: string[] | null;
  related?: string[];
  /** Ids this record derives from; Debian DLA and Ubuntu records put the CVE id here. */
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: OsvReference[] | null;
  credits?: Record<string, unknown>[];
  database_specific?: Record<string, unknown>;
}

/** Result of `tryParseOsvRecord`: the record, or why it was rejected. */
export type OsvRecordParseResult =
  | { ok: true; record: OsvRecord }
  | {
      ok: false;
      /** The record's id when it has a string one, else null. */
      id: string | null;
      /** Full message naming the record, its origin and the first problems. */
      reason: string;
    };

// Fails to compile when the schema and the interfaces above drift apart.
type SchemaOutputIsOsvRecord = z.infer<typeof osvRecordSchema> extends OsvRecord ? true : never;
const schemaOutputIsOsvRecord: SchemaOutputIsOsvRecord = true;
void schemaOutputIsOsvRecord;

const MAX_PROBLEMS_IN_MESSAGE = 3;

/**
 * Validates one OSV record. Returns the input object itself, not a copy, so
 * `JSON.stringify` of the record gives back the input, unknown fields included.
 *
 * Beyond the schema's shape it rejects these records:
 * - `modified` or `withdrawn` is not an RFC 3339 date-time;
 * - an ECOSYSTEM range has no events, or an event that does not set exactly one
 *   of introduced, fixed, last_affected and limit;
 * - an event version that the ecosystem's version scheme cannot parse, for
 *   ecosystems with a known scheme (Debian, Ubuntu).
 *
 * One bad affected entry rejects the whole record, because half a record would
 * report its other packages as unaffected.
 *
 * @param origin where the record came from, for messages (`all.zip:DSA-5000-1.json`).
 */
export function tryParseOsvRecord(value: unknown, origin: string): OsvRecordParseResult {
  const parsed = osvRecordSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${formatIssuePath(issue.path)}: ${issue.message}`,
    );
    return reject(idOf(value), origin, problems);
  }

  const record = value as OsvRecord;
  const problems = findRecordProblems(record, MAX_PROBLEMS_IN_MESSAGE + 1);
  if (problems.length > 0) {
    return reject(record.id, origin, problems);
  }
  return { ok: true, record };
}

/**
 * Validates one OSV record like `tryParseOsvRecord` and returns it.
 *
 * @throws {CortexError} (unusable input) naming the record id, the origin and the first problems.
 */
export function parseOsvRecord(value: unknown, origin: string): OsvRecord {
  const result = tryParseOsvRecord(value, origin);
  if (!result.ok) {
    throw inputError(result.reason);
  }
  return result.record;
}

function reject(
  id: string | null,
  origin: string,
  problems: string[],
): Extract<OsvRecordParseResult, { ok: false }> {
  const firstProblems = problems.slice(0, MAX_PROBLEMS_IN_MESSAGE).join("; ");
  const more = problems.length > MAX_PROBLEMS_IN_MESSAGE ? "; and more" : "";
  const name = id === null ? "OSV record without an id" : `OSV record ${id}`;
  const reason =
    `Invalid ${name} from ${origin}: ${firstProblems}${more}. ` +
    "The record was not used; check it against the OSV schema (https://ossf.github.io/osv-schema/).";
  return { ok: false, id, reason };
}

/**
 * Maximum length of an id quoted whole in messages. A longer id is cut to this length and
 * ends in `…` (ids up to 255 characters are valid, see `osv-record-schema.ts`).
 */
const MAX_QUOTED_ID = 100;

function idOf(value: unknown): string | null {
  if (typeof value === "object" && value !== null && "id" in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === "string" && id !== "") {
      return id.length > MAX_QUOTED_ID ? `${id.slice(0, MAX_QUOTED_ID)}…` : id;
    }
  }
  return null;
}

/** Formats a zod issue path as `affected[0].ranges[1].events`, or `record` for the root. */
function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    text +=
      typeof segment === "number" ? `[${segment}]` : `${text === "" ? "" : "."}${String(segment)}`;
  }
  return text === "" ? "record" : text;
}
