import { describe, expect, test } from "bun:test";
import { insertHistoryEntry, loadHistoryEntry } from "../../src/history/history-store.ts";
import { recordInterruptedRuns } from "../../src/history/record-interrupted-runs.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";
import { historyPackage, patchEntry } from "./history-fixtures.ts";

const NOW = new Date("2026-12-04T12:00:00Z");

/** Stores a patch entry that a killed process left `running`, and returns its id. */
function insertRunning(db: ReturnType<typeof openMemoryDatabase>, root = "/srv/chroot"): number {
  const {
    id: _id,
    rolledBackBy: _rolledBackBy,
    ...entry
  } = patchEntry({
    status: "running",
    root,
    finishedAt: null,
    packages: [
      historyPackage({ versionReached: null }),
      historyPackage({ package: "bar", versionReached: null }),
    ],
  });
  return insertHistoryEntry(db, entry);
}

const installed = (entries: Record<string, [string, string]>) => async () =>
  new Map(Object.entries(entries).map(([key, [version, status]]) => [key, { version, status }]));

describe("recordInterruptedRuns", () => {
  test("records the versions reached", async () => {
    const db = openMemoryDatabase();
    const id = insertRunning(db);
    const roots: string[] = [];
    const read = installed({ "foo:all": ["1.0-2", "ii"], "bar:all": ["1.0-2", "iF"] });

    const ended = await recordInterruptedRuns(
      db,
      async (root) => {
        roots.push(root);
        return read();
      },
      NOW,
    );

    expect(ended).toEqual([{ id, status: "partial" }]);
    expect(roots).toEqual(["/srv/chroot"]);
    const entry = loadHistoryEntry(db, id);
    expect(entry?.status).toBe("partial");
    expect(entry?.finishedAt).toBeNull();
    expect(entry?.packages.map((pkg) => `${pkg.package} ${pkg.versionReached}`)).toEqual([
      "foo 1.0-2",
      "bar null",
    ]);
    expect(entry?.messages.join("\n")).toContain("interrupted");
    expect(entry?.messages.join("\n")).toContain('bar:all 1.0-2 is in dpkg state "iF"');
  });

  test("every planned version reached", async () => {
    const db = openMemoryDatabase();
    const id = insertRunning(db);
    const read = installed({ "foo:all": ["1.0-2", "ii"], "bar:all": ["1.0-2", "ii"] });

    expect(await recordInterruptedRuns(db, read, NOW)).toEqual([{ id, status: "succeeded" }]);
  });

  test("unreadable versions mark it failed", async () => {
    const db = openMemoryDatabase();
    const id = insertRunning(db);
    const read = async () => {
      throw new Error("dpkg-query: cannot open /srv/chroot/var/lib/dpkg/status");
    };

    expect(await recordInterruptedRuns(db, read, NOW)).toEqual([{ id, status: "failed" }]);
    const messages = loadHistoryEntry(db, id)?.messages.join("\n") ?? "";
    expect(messages).toContain("cannot open /srv/chroot/var/lib/dpkg/status");
    expect(messages).toContain("dpkg-query");
  });

  test("busy dpkg leaves it running", async () => {
    const db = openMemoryDatabase();
    const id = insertRunning(db);

    expect(await recordInterruptedRuns(db, async () => null, NOW)).toEqual([]);
    expect(loadHistoryEntry(db, id)?.status).toBe("running");
  });

  test("finished entries are left alone", async () => {
    const db = openMemoryDatabase();
    const { id: _id, rolledBackBy: _rolledBackBy, ...entry } = patchEntry();
    const id = insertHistoryEntry(db, entry);

    expect(await recordInterruptedRuns(db, installed({}), NOW)).toEqual([]);
    expect(loadHistoryEntry(db, id)?.status).toBe("succeeded");
  });
});
