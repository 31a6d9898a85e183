import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertHistoryEntry } from "../../src/history/history-store.ts";
import { acquireRunLock } from "../../src/platform/run-lock.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { createRecordingRunner, runCli } from "../helpers/cli-harness.ts";
import { historyPackage, patchEntry } from "../history/history-fixtures.ts";

const NOW = new Date("2026-12-04T12:00:00Z");
const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

/** Creates a data directory with two patch entries: #1 ten days old, #2 one hour old. */
function dataDirWithEntries(): { dataDir: string; savedFile: string } {
  const dataDir = mkdtempSync(join(tmpdir(), "cortex-cli-history-"));
  directories.push(dataDir);
  const savedFile = join(dataDir, "packages/2/archive/foo_1.0-1_all.deb");
  mkdirSync(join(savedFile, ".."), { recursive: true });
  writeFileSync(savedFile, "deb");
  const db = openDatabase(dataDir);
  for (const [hoursAgo, file] of [
    [240, join(dataDir, "packages/1/archive/foo_1.0-1_all.deb")],
    [1, savedFile],
  ] as const) {
    const {
      id: _id,
      rolledBackBy: _r,
      ...entry
    } = patchEntry({
      root: "/srv/chroot",
      startedAt: new Date(NOW.getTime() - hoursAgo * 3_600_000),
      finishedAt: new Date(NOW.getTime() - hoursAgo * 3_600_000 + 60_000),
      packages: [historyPackage({ savedFile: file })],
    });
    insertHistoryEntry(db, entry);
  }
  db.$client.close();
  return { dataDir, savedFile };
}

const cli = (args: string[], runner = createRecordingRunner()) =>
  runCli(["security", ...args], { now: () => NOW, runner, uid: 1000 });

describe("history command", () => {
  test("json lists entries newest first", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(["history", "--json", "--data-dir", dataDir]);
    expect(result.exitCode).toBe(0);
    const { entries } = JSON.parse(result.stdout);
    expect(entries.map((e: { id: number }) => e.id)).toEqual([2, 1]);
    expect(entries[0]).toMatchObject({
      id: 2,
      kind: "patch",
      status: "succeeded",
      root: "/srv/chroot",
      startedAt: "2026-12-04T11:00:00.000Z",
      finishedAt: "2026-12-04T11:01:00.000Z",
      packages: [{ package: "foo", arch: "all", versionBefore: "1.0-1", versionAfter: "1.0-2" }],
    });
  });

  test("limit", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(["history", "--limit", "1", "--data-dir", dataDir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toContain("#2");
  });

  test("show prints one entry", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(["history", "show", "2", "--data-dir", dataDir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Entry #2: patch, succeeded");
    expect(result.stdout).toContain("foo:all  1.0-1 -> 1.0-2, reached 1.0-2");
  });

  test("show of a missing entry is exit 3", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(["history", "show", "9", "--data-dir", dataDir]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("no history entry #9");
  });

  test("prune removes old entries", async () => {
    const { dataDir, savedFile } = dataDirWithEntries();
    const result = await cli(["history", "prune", "--older-than", "2d", "--data-dir", dataDir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Removed 1 entries");
    const listed = await cli(["history", "--json", "--data-dir", dataDir]);
    expect(JSON.parse(listed.stdout).entries.map((e: { id: number }) => e.id)).toEqual([2]);
    expect(existsSync(savedFile)).toBe(true);
  });

  test("prune waits for the patch lock", async () => {
    // A rollback holding the lock may be reading the saved .deb files that prune deletes.
    const { dataDir } = dataDirWithEntries();
    const lock = await acquireRunLock(dataDir, "patch", { waitMs: 0 });
    let released = false;
    setTimeout(() => {
      released = true;
      lock.release();
    }, 300);
    const result = await cli(["history", "prune", "--older-than", "2d", "--data-dir", dataDir]);
    expect(released).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  test("prune rejects a bad duration", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli([
      "history",
      "prune",
      "--older-than",
      "30 days",
      "--data-dir",
      dataDir,
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("prune rejects a huge duration", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli([
      "history",
      "prune",
      "--older-than",
      "99999999999999999999d",
      "--data-dir",
      dataDir,
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toContain("internal error");
  });
});

describe("rollback command", () => {
  const dpkgQuery = (version: string) =>
    createRecordingRunner((argv) =>
      argv[0] === "dpkg-query"
        ? { exitCode: 0, stdout: `foo\tall\t${version}\tii \n`, stderr: "" }
        : { exitCode: 1, stdout: "", stderr: "unexpected" },
    );

  test("dry run on the recorded root", async () => {
    const { dataDir, savedFile } = dataDirWithEntries();
    const runner = dpkgQuery("1.0-2");
    const result = await cli(["rollback", "2", "--data-dir", dataDir], runner);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Rollback of entry #2 on /srv/chroot");
    expect(result.stdout).toContain(`foo:all  1.0-2 -> 1.0-1  from ${savedFile}`);
    expect(result.stdout).toContain("Dry run");
    expect(runner.calls[0]?.argv).toContain("--root=/srv/chroot");
  });

  test("missing saved file is exit 12", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(["rollback", "1", "--data-dir", dataDir], dpkgQuery("1.0-2"));
    expect(result.exitCode).toBe(12);
    expect(result.stderr).toContain("saved .deb of foo:all 1.0-1 is missing");
  });

  test("package changed since is exit 12", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(["rollback", "2", "--data-dir", dataDir], dpkgQuery("1.0-3"));
    expect(result.exitCode).toBe(12);
    expect(result.stderr).toContain("changed again since entry #2");
  });

  test("dry run of an interrupted run", async () => {
    const { dataDir, savedFile } = dataDirWithEntries();
    const db = openDatabase(dataDir);
    const {
      id: _id,
      rolledBackBy: _r,
      ...killed
    } = patchEntry({
      status: "running",
      root: "/srv/chroot",
      startedAt: new Date(NOW.getTime() - 600_000),
      finishedAt: null,
      packages: [historyPackage({ savedFile, versionReached: null })],
    });
    const id = insertHistoryEntry(db, killed);
    db.$client.close();

    const result = await cli(["rollback", String(id), "--data-dir", dataDir], dpkgQuery("1.0-2"));
    expect(result.stderr).toContain(`history entry #${id} was still marked running`);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`foo:all  1.0-2 -> 1.0-1  from ${savedFile}`);
    const listed = await cli(["history", "--json", "--data-dir", dataDir]);
    const entry = JSON.parse(listed.stdout).entries.find((e: { id: number }) => e.id === id);
    expect(entry.status).toBe("succeeded");
    expect(entry.packages[0].versionAfter).toBe("1.0-2");
    expect(entry.messages.join("\n")).toContain("interrupted");
  });

  test("apply without root is exit 5", async () => {
    const { dataDir } = dataDirWithEntries();
    const result = await cli(
      ["rollback", "2", "--apply", "--data-dir", dataDir],
      dpkgQuery("1.0-2"),
    );
    expect(result.exitCode).toBe(5);
  });
});
