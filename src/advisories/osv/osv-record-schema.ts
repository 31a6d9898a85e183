import { z } from "zod";

// Zod schema for the shape of an OSV record (https://ossf.github.io/osv-schema/,
// validation/schema.json of ossf/osv-schema). It checks the fields the scanner reads
// and lets every other field through untouched: objects are `looseObject`s, and
// `ecosystem_specific`, `database_specific` and `credits` are free-form. Rules that
// depend on the ecosystem (version syntax, event kinds) are in `osv-record-checks.ts`.

const jsonObject = z.record(z.string(), z.unknown());
// A plain loop instead of `z.array(z.string())`: `versions` lists run to
// thousands of entries, and zod's per-element parsing made records with long
// lists about three times slower to validate.
const stringList = z.custom<string[]>(
  (value) => Array.isArray(value) && value.every((item) => typeof item === "string"),
  { message: "expected an array of strings" },
);

const severitySchema = z.looseObject({
  // Not an enum: CVSS_V2, CVSS_V3, CVSS_V4 and Ubuntu today, and a new type in a
  // later schema version must not reject the whole record.
  type: z.string(),
  score: z.string(),
});

const eventSchema = z.looseObject({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});

const rangeSchema = z.looseObject({
  type: z.string(),
  repo: z.string().optional(),
  events: z.array(eventSchema),
  database_specific: jsonObject.optional(),
});

const packageSchema = z.looseObject({
  ecosystem: z.string(),
  name: z.string(),
  purl: z.string().optional(),
});

const affectedSchema = z.looseObject({
  package: packageSchema.optional(),
  severity: z.array(severitySchema).nullable().optional(),
  ranges: z.array(rangeSchema).optional(),
  versions: stringList.optional(),
  ecosystem_specific: jsonObject.optional(),
  database_specific: jsonObject.optional(),
});

const referenceSchema = z.looseObject({
  type: z.string(),
  url: z.string(),
});

/**
 * Record ids: the OSV schema gives only a prefix pattern, and real ids are short (at most
 * 21 characters in the sample data of this repository, such as `UBUNTU-CVE-2026-54369`).
 * Whitespace, control characters and a huge length are rejected because ids are printed
 * in tables and logs.
 */
const recordId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s\p{Cc}]+$/u, "contains whitespace or a control character");

/** Shape of one OSV record. `modified` and `withdrawn` get a date check after this schema. */
export const osvRecordSchema = z.looseObject({
  schema_version: z.string().optional(),
  id: recordId,
  modified: z.string(),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: stringList.nullable().optional(),
  related: stringList.optional(),
  upstream: stringList.optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(severitySchema).nullable().optional(),
  affected: z.array(affectedSchema).nullable().optional(),
  references: z.array(referenceSchema).nullable().optional(),
  credits: z.array(jsonObject).optional(),
  database_specific: jsonObject.optional(),
});
