import { versionSchemeFor } from "../../versioning/schemes.ts";
import type { OsvAffected, OsvEvent, OsvRecord } from "./osv-record.ts";

// RFC 3339 date-time, as the OSV schema's `timestamp` requires. The schema's own
// pattern allows only `Z`; numeric offsets are accepted here because they are
// unambiguous and some producers write them.
const RFC3339_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const EVENT_FIELDS = ["introduced", "fixed", "last_affected", "limit"] as const;

/** Checks whether `text` is an RFC 3339 date-time that names a real instant. */
export function isOsvTimestamp(text: string): boolean {
  return RFC3339_DATE_TIME.test(text) && Number.isFinite(Date.parse(text));
}

/**
 * Lists what makes a shape-checked record unusable, each as `path: problem`.
 * Stops after `limit` problems, because only the first few go into a message.
 */
export function findRecordProblems(record: OsvRecord, limit: number): string[] {
  const problems: string[] = [];

  if (!isOsvTimestamp(record.modified)) {
    problems.push(`modified: ${JSON.stringify(record.modified)} is not an RFC 3339 date-time`);
  }
  if (record.withdrawn !== undefined && !isOsvTimestamp(record.withdrawn)) {
    problems.push(`withdrawn: ${JSON.stringify(record.withdrawn)} is not an RFC 3339 date-time`);
  }

  const affected = record.affected ?? [];
  for (let index = 0; index < affected.length && problems.length < limit; index++) {
    const entry = affected[index] as OsvAffected;
    findAffectedProblems(entry, `affected[${index}]`, problems);
  }
  return problems.slice(0, limit);
}

function findAffectedProblems(entry: OsvAffected, path: string, problems: string[]): void {
  const ecosystem = entry.package?.ecosystem;
  const scheme = ecosystem === undefined ? undefined : versionSchemeFor(ecosystem);
  const ranges = entry.ranges ?? [];

  for (let rangeIndex = 0; rangeIndex < ranges.length; rangeIndex++) {
    const range = ranges[rangeIndex];
    // GIT and SEMVER ranges never decide a distro package, so only their shape is checked.
    if (range === undefined || range.type !== "ECOSYSTEM") {
      continue;
    }
    const rangePath = `${path}.ranges[${rangeIndex}]`;
    if (range.events.length === 0) {
      problems.push(`${rangePath}.events: an ECOSYSTEM range has no events`);
      continue;
    }

    for (let eventIndex = 0; eventIndex < range.events.length; eventIndex++) {
      const event = range.events[eventIndex] as OsvEvent;
      const eventPath = `${rangePath}.events[${eventIndex}]`;
      const fields = EVENT_FIELDS.filter((field) => event[field] !== undefined);
      if (fields.length !== 1) {
        problems.push(
          `${eventPath}: an event must set exactly one of ${EVENT_FIELDS.join(", ")}, ` +
            `found ${fields.length === 0 ? "none" : fields.join(", ")}`,
        );
        continue;
      }

      const field = fields[0] as (typeof EVENT_FIELDS)[number];
      const version = event[field] as string;
      if (scheme === undefined || isSpecialEventVersion(field, version)) {
        continue;
      }
      if (!scheme.isValid(version)) {
        problems.push(
          `${eventPath}.${field}: ${JSON.stringify(version)} is not a valid ${scheme.name} version ` +
            `(ecosystem ${ecosystem})`,
        );
      }
    }
  }
}

/** `introduced: "0"` (before every version) and a `limit` containing `*` (infinity) are not versions. */
function isSpecialEventVersion(field: (typeof EVENT_FIELDS)[number], version: string): boolean {
  return (
    (field === "introduced" && version === "0") || (field === "limit" && version.includes("*"))
  );
}
