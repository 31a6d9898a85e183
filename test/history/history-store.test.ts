import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  insertHistoryEntry,
  listHistory,
  loadHistoryEntry,
  recordRunError,
  updateHistoryEntry,
} from "../../src/history/history-store.ts";
import { pruneHistory } from "../../src/history/prune-history.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";
import { historyPackage, patchEntry } from "./history-fixtures.ts";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe("history store", () => {
  test("round-trips an entry", () => {
    const db = openMemoryDatabase();
    const {
      id: _id,
      rolledBackBy: _rolledBackBy,
      ...entry
    } = patchEntry({
      messages: ["rescan: no findings left on the patched packages"],
      reboot: { rebootRequired: true, reasons: ["x"], needrestart: null },
    });
    const id = insertHistoryEntry(db, entry);
    expect(loadHistoryEntry(db, id)).toEqual({ ...entry, id, rolledBackBy: null });
    expect(loadHistoryEntry(db, id + 1)).toBeNull();
  });

  test("lists newest first with a limit", () => {
    const db = openMemoryDatabase();
    for (const day of [1, 3, 2]) {
      const {
        id: _id,
        rolledBackBy: _r,
        ...entry
      } = patchEntry({
        startedAt: new Date(`2026-12-0${day}T00:00:00Z`),
      });
      insertHistoryEntry(db, entry);
    }
    expect(listHistory(db).map((e) => e.startedAt.getUTCDate())).toEqual([3, 2, 1]);
    expect(listHistory(db, { limit: 2 })).toHaveLength(2);
  });

  test("updates status and link", () => {
    const db = openMemoryDatabase();
    const { id: _id, rolledBackBy: _r, ...entry } = patchEntry({ status: "running" });
    const id = insertHistoryEntry(db, entry);
    updateHistoryEntry(db, id, { status: "partial", rolledBackBy: 9 });
    expect(loadHistoryEntry(db, id)).toMatchObject({ status: "partial", rolledBackBy: 9 });
  });

  test("run error marks the entry failed", () => {
    const db = openMemoryDatabase();
    const { id: _id, rolledBackBy: _r, ...entry } = patchEntry({ status: "running" });
    const id = insertHistoryEntry(db, entry);
    const finishedAt = new Date("2026-12-01T10:05:00Z");
    recordRunError(db, id, new Error("spawn failed"), [], finishedAt);
    const stored = loadHistoryEntry(db, id);
    expect(stored?.status).toBe("failed");
    expect(stored?.finishedAt).toEqual(finishedAt);
    expect(stored?.messages[0]).toContain("spawn failed");
  });

  test("prune removes old entries and their files", () => {
    const db = openMemoryDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "cortex-prune-"));
    directories.push(dataDir);
    const ids: number[] = [];
    for (const [day, status] of [
      [1, "succeeded"],
      [2, "running"],
      [20, "succeeded"],
    ] as const) {
      const savedFile = join(dataDir, "packages", String(day), "archive", "foo_1.0-1_all.deb");
      mkdirSync(join(savedFile, ".."), { recursive: true });
      writeFileSync(savedFile, "deb");
      const {
        id: _id,
        rolledBackBy: _r,
        ...entry
      } = patchEntry({
        status,
        startedAt: new Date(Date.UTC(2026, 10, day)),
        packages: [historyPackage({ savedFile })],
      });
      ids.push(insertHistoryEntry(db, entry));
    }
    const outside = join(dataDir, "elsewhere.deb");
    writeFileSync(outside, "deb");
    const {
      id: _id,
      rolledBackBy: _r,
      ...pointingOutside
    } = patchEntry({
      startedAt: new Date(Date.UTC(2026, 10, 3)),
      packages: [historyPackage({ savedFile: outside })],
    });
    ids.push(insertHistoryEntry(db, pointingOutside));

    const result = pruneHistory(db, dataDir, new Date(Date.UTC(2026, 10, 10)));
    expect(result.removedEntries).toEqual([ids[0] as number, ids[3] as number]);
    expect(result.removedFiles).toBe(1);
    expect(existsSync(join(dataDir, "packages/1/archive/foo_1.0-1_all.deb"))).toBe(false);
    expect(existsSync(outside)).toBe(true);
    expect(listHistory(db).map((e) => e.status)).toEqual(["succeeded", "running"]);
  });
});
