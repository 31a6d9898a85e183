import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  classifyJson,
  type JsonDocumentKind,
  listNvdCves,
} from "../../../src/advisories/import/classify-json.ts";
import { parseNvdTimestamp } from "../../../src/advisories/import/nvd-cve-writer.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures");

function readFixture(path: string): Promise<unknown> {
  return Bun.file(join(FIXTURES, path)).json();
}

describe("classifyJson", () => {
  const cases: { name: string; load: () => Promise<unknown>; kind: JsonDocumentKind }[] = [
    {
      name: "OSV record with a CVE id",
      load: () => readFixture("import/mixed-directory/CVE-2020-3810.json"),
      kind: "osv-record",
    },
    {
      name: "OSV record without modified",
      load: () => readFixture("import/mixed-directory/missing-modified.json"),
      kind: "osv-record",
    },
    {
      name: "NVD response page",
      load: () => readFixture("nvd/responses/osv.dev-vulnfeeds-test.json"),
      kind: "nvd-response",
    },
    {
      name: "empty NVD response page",
      load: () => readFixture("nvd/responses/vuln-list-update-emptyResp.json"),
      kind: "nvd-response",
    },
    {
      name: "array of NVD response pages",
      load: async () => [
        await readFixture("nvd/responses/vuln-list-update-respPage1.json"),
        await readFixture("nvd/responses/vuln-list-update-respPage2.json"),
      ],
      kind: "nvd-response-list",
    },
    {
      name: "bare NVD cve object",
      load: () => readFixture("nvd/cve-objects/CVE-2024-5732.json"),
      kind: "nvd-cve",
    },
    {
      name: "unrelated JSON object",
      load: () => readFixture("import/mixed-directory/not-osv.json"),
      kind: "unknown",
    },
    { name: "empty array", load: async () => [], kind: "unknown" },
    {
      name: "array of OSV records",
      load: async () => [{ id: "A", modified: "x" }],
      kind: "unknown",
    },
    { name: "string", load: async () => "CVE-2024-0727", kind: "unknown" },
    { name: "null", load: async () => null, kind: "unknown" },
  ];
  for (const { name, load, kind } of cases) {
    test(name, async () => {
      expect(classifyJson(await load())).toBe(kind);
    });
  }
});

describe("listNvdCves", () => {
  test("cves carry their page timestamp", async () => {
    const pages = [
      await readFixture("nvd/responses/vuln-list-update-respPage1.json"),
      await readFixture("nvd/responses/vuln-list-update-respPage2.json"),
    ];
    const listed = listNvdCves(pages).map(({ cve, responseTimestamp }) => [
      (cve as { id: string }).id,
      responseTimestamp,
    ]);

    expect(listed).toHaveLength(3);
    expect(listed[2]).toEqual(["CVE-2024-5732", "2023-11-27T04:36:56.737"]);
  });

  test("bare cve has no timestamp", async () => {
    const cve = await readFixture("nvd/cve-objects/CVE-2024-5732.json");

    expect(listNvdCves(cve)).toEqual([{ cve, responseTimestamp: null }]);
  });
});

describe("parseNvdTimestamp", () => {
  const cases: [string | null, string | null][] = [
    ["2024-06-11T17:57:13.767", "2024-06-11T17:57:13.767Z"],
    ["2025-08-07T03:01:40.660439", "2025-08-07T03:01:40.660Z"],
    ["2024-06-11T17:57:13Z", "2024-06-11T17:57:13.000Z"],
    ["2024-06-11T19:57:13+02:00", "2024-06-11T17:57:13.000Z"],
    ["yesterday", null],
    [null, null],
  ];
  for (const [text, expected] of cases) {
    test(`${text} is read as UTC`, () => {
      expect(parseNvdTimestamp(text)?.toISOString() ?? null).toBe(expected);
    });
  }
});
