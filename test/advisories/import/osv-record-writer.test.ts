import { expect, test } from "bun:test";
import { OsvRecordWriter } from "../../../src/advisories/import/osv-record-writer.ts";
import { openMemoryDatabase } from "../../../src/store/open-database.ts";

const NOW = new Date("2026-12-05T08:00:00Z");

function largeRecord(id: string, summaryBytes: number): string {
  return JSON.stringify({
    id,
    modified: "2026-01-01T00:00:00Z",
    summary: "x".repeat(summaryBytes),
  });
}

test("large records flush before 500", () => {
  const writer = new OsvRecordWriter(openMemoryDatabase(), NOW, () => {});

  // Two 20 MiB records pass the batch limit of 32 Mi characters, so the second one stores the batch.
  writer.addText("A.json", "A.json", largeRecord("A", 20 * 1024 * 1024));
  writer.addText("B.json", "B.json", largeRecord("B", 20 * 1024 * 1024));

  expect(writer.imported).toBe(2);
  expect(writer.recordsRead).toBe(2);
});

test("small records wait for the batch", () => {
  const writer = new OsvRecordWriter(openMemoryDatabase(), NOW, () => {});

  writer.addText("A.json", "A.json", largeRecord("A", 100));
  writer.addText("B.json", "B.json", largeRecord("B", 100));

  expect(writer.imported).toBe(0);
  writer.flush();
  expect(writer.imported).toBe(2);
});
