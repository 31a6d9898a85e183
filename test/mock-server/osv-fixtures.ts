import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { packageVersionKey, type VulnerabilitySummary } from "./osv-mock-data.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");

/** Recorded `POST /v1/querybatch` pairs: request and response files side by side. */
export const QUERYBATCH_DIR = join(FIXTURES, "osv-api", "querybatch");
/** Full OSV records, one `{id}.json` each, as `GET /v1/vulns/{id}` returns them. */
export const VULNS_DIR = join(FIXTURES, "osv-api", "vulns");
export const NVD_DIR = join(FIXTURES, "nvd");

interface RecordedQuery {
  package?: { ecosystem?: string; name?: string };
  version?: string;
}

interface RecordedResult {
  vulns?: VulnerabilitySummary[];
}

/**
 * Reads every recorded querybatch pair and maps each (ecosystem, name, version)
 * query to the ids its response listed. Queries by purl or commit are skipped.
 */
export function loadRecordedQueryBatches(
  dir = QUERYBATCH_DIR,
): Map<string, VulnerabilitySummary[]> {
  const results = new Map<string, VulnerabilitySummary[]>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".request.json"))) {
    const request = readJson(join(dir, file)) as { queries: RecordedQuery[] };
    const response = readJson(join(dir, file.replace(".request.json", ".response.json"))) as {
      results: RecordedResult[];
    };
    request.queries.forEach((query, index) => {
      const { ecosystem, name } = query.package ?? {};
      if (!ecosystem || !name || query.version === undefined) return;
      results.set(
        packageVersionKey(ecosystem, name, query.version),
        response.results[index]?.vulns ?? [],
      );
    });
  }
  return results;
}

/** Reads every `{id}.json` record file of a directory, keyed by id, as text. */
export function loadRecordTexts(dir = VULNS_DIR): Map<string, string> {
  const records = new Map<string, string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
    records.set(file.slice(0, -".json".length), readFileSync(join(dir, file), "utf8"));
  }
  return records;
}

/** Reads the `{id}.json` members at the root of an OSV `all.zip`, keyed by id, as text. */
export function loadZipRecordTexts(zipPath: string): Map<string, string> {
  const members = unzipSync(readFileSync(zipPath));
  const decoder = new TextDecoder();
  const records = new Map<string, string>();
  for (const [name, bytes] of Object.entries(members)) {
    if (!name.endsWith(".json") || name.includes("/")) continue;
    records.set(name.slice(0, -".json".length), decoder.decode(bytes));
  }
  return records;
}

/**
 * Reads the NVD CVE API 2.0 `cve` objects of the fixtures: the single objects of
 * `cve-objects/` and every `vulnerabilities[].cve` of the recorded responses.
 */
export function loadNvdCves(dir = NVD_DIR): Map<string, unknown> {
  const cves = new Map<string, unknown>();
  const responsesDir = join(dir, "responses");
  for (const file of readdirSync(responsesDir)) {
    const response = readJson(join(responsesDir, file)) as {
      vulnerabilities?: { cve: { id: string } }[];
    };
    for (const { cve } of response.vulnerabilities ?? []) cves.set(cve.id, cve);
  }
  const objectsDir = join(dir, "cve-objects");
  for (const file of readdirSync(objectsDir)) {
    const cve = readJson(join(objectsDir, file)) as { id: string };
    cves.set(cve.id, cve);
  }
  return cves;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}
