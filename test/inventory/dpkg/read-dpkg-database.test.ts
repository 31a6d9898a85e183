import { afterAll, describe, expect, test } from "bun:test";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { readDpkgDatabase } from "../../../src/inventory/dpkg/read-dpkg-database.ts";
import { packageKey } from "../../../src/inventory/installed-package.ts";
import { isCortexError } from "../../../src/platform/errors.ts";
import { createRootTrees, DIRECTORY, type TreeEntry } from "../root-tree.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/inventory/dpkg");
const trees = createRootTrees();
afterAll(() => trees.removeAll());

async function fixture(name: string): Promise<string> {
  return Bun.file(join(FIXTURES, name)).text();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => new Error("expected a rejection, but the promise resolved"),
    (caught: unknown) => caught as Error,
  );
  return error;
}

/** Builds tree entries from the syft status.d fixtures, plus the `.md5sums` file that distroless images keep beside each entry. */
async function syftStatusDirectory(): Promise<Record<string, TreeEntry>> {
  const entries: Record<string, TreeEntry> = {
    "var/lib/dpkg/status.d/libsqlite3-0.md5sums": "0123 usr/lib/libsqlite3.so.0\n",
  };
  for (const name of await readdir(join(FIXTURES, "syft-status.d"))) {
    entries[`var/lib/dpkg/status.d/${name}`] = await fixture(`syft-status.d/${name}`);
  }
  return entries;
}

describe("readDpkgDatabase", () => {
  test("status file only", async () => {
    const root = await trees.create({
      "var/lib/dpkg/status": await fixture("debian12-chroot-multiarch.status"),
    });
    const database = await readDpkgDatabase(root);

    expect(database.packages.length).toBe(167);
    expect(database.warnings).toEqual([]);
    expect(database.statusPaths).toEqual([`${root}/var/lib/dpkg/status`]);
  });

  test("status.d only, as in distroless", async () => {
    const root = await trees.create(await syftStatusDirectory());
    const database = await readDpkgDatabase(root);
    const keys = database.packages.map(packageKey);

    expect(database.packages.length).toBe(20);
    expect(keys).toContain("libsqlite3-0:arm64");
    expect(keys).toContain("linux-image-6.14.0-1012-aws:amd64");
    expect(keys).not.toContain("linux-image-6.8.0-1029-aws:amd64");
    expect(keys).toContain("tzdata:all");
    expect(database.statusPaths).not.toContain(`${root}/var/lib/dpkg/status.d/corrupt`);
    expect(database.statusPaths).not.toContain(
      `${root}/var/lib/dpkg/status.d/libsqlite3-0.md5sums`,
    );
    expect(database.statusPaths.length).toBe(8);

    const corrupt = database.warnings.filter((warning) => warning.includes("status.d/corrupt"));
    expect(corrupt.length).toBe(1);
    expect(corrupt[0]).toEndWith("File skipped.");
    const empty = database.warnings.filter((warning) => warning.includes("status.d/empty"));
    expect(empty.length).toBe(1);
    expect(empty[0]).toContain("truncated file");
    expect(database.warnings).toContain(
      `${root}/var/lib/dpkg/status.d/single: apt:amd64 is also listed in an earlier file; keeping this one`,
    );
  });

  test("status file and status.d together", async () => {
    const root = await trees.create({
      "var/lib/dpkg/status": await fixture("scalibr/valid"),
      "var/lib/dpkg/status.d/foo": await fixture("scalibr/status.d/foo"),
    });
    const database = await readDpkgDatabase(root);
    const keys = database.packages.map(packageKey);

    expect(keys).toContain("acl:amd64");
    expect(keys).toContain("foo:amd64");
    expect(keys).not.toContain("bar:");
    expect(database.statusPaths).toEqual([
      `${root}/var/lib/dpkg/status`,
      `${root}/var/lib/dpkg/status.d/foo`,
    ]);
  });

  test("dpkg directory behind an absolute link", async () => {
    const root = await trees.create({
      "srv/dpkg/status": await fixture("scalibr/single"),
      "var/lib/dpkg": { symlink: "/srv/dpkg" },
    });
    const database = await readDpkgDatabase(root);

    expect(database.packages.map(packageKey)).toEqual(["acl:amd64"]);
  });

  test("neither status nor status.d fails", async () => {
    const root = await trees.create({ "etc/hostname": "box\n" });
    const error = await rejection(readDpkgDatabase(root));

    expect(isCortexError(error)).toBe(true);
    expect(error.message).toContain(`${root}/var/lib/dpkg/status`);
    expect(error.message).toContain(`${root}/var/lib/dpkg/status.d`);
    expect(error.message).toContain("--root");
  });

  const unusableStatusCases: Array<[string, string, string]> = [
    ["empty status file", "", "contains no package stanzas"],
    ["garbage status file", "asdf\n\nyolo\n", "has no stanza with a valid Package"],
    [
      "only removed packages",
      "Package: cron\nStatus: deinstall ok config-files\nVersion: 3.0pl1-162\n",
      "no package is in state installed",
    ],
  ];
  test.each(unusableStatusCases)("%s fails", async (_name, status, message) => {
    const root = await trees.create({ "var/lib/dpkg/status": status });
    const error = await rejection(readDpkgDatabase(root));

    expect(isCortexError(error)).toBe(true);
    expect(error.message).toContain("No installed packages found");
    expect(error.message).toContain(message);
  });

  test("empty status file beside status.d warns", async () => {
    const root = await trees.create({
      "var/lib/dpkg/status": "",
      "var/lib/dpkg/status.d/foo": await fixture("scalibr/status.d/foo"),
    });
    const database = await readDpkgDatabase(root);

    expect(database.packages.map(packageKey)).toEqual(["foo:amd64"]);
    expect(database.warnings.length).toBe(1);
    expect(database.warnings[0]).toContain("contains no package stanzas");
    expect(database.warnings[0]).toContain(`Using ${root}/var/lib/dpkg/status.d only.`);
  });

  test("directory inside status.d warns", async () => {
    const root = await trees.create({
      "var/lib/dpkg/status": await fixture("scalibr/single"),
      "var/lib/dpkg/status.d/subdir": DIRECTORY,
    });
    const database = await readDpkgDatabase(root);

    expect(database.packages.length).toBe(1);
    expect(database.warnings.length).toBe(1);
    expect(database.warnings[0]).toContain("Failed to read /var/lib/dpkg/status.d/subdir");
  });

  test("broken link inside status.d warns", async () => {
    const root = await trees.create({
      "var/lib/dpkg/status": await fixture("scalibr/single"),
      "var/lib/dpkg/status.d/gone": { symlink: "/srv/dpkg/gone" },
    });
    const database = await readDpkgDatabase(root);

    expect(database.packages.map(packageKey)).toEqual(["acl:amd64"]);
    expect(database.warnings).toEqual([
      `${root}/var/lib/dpkg/status.d/gone is a broken symbolic link: its target ${root}/srv/dpkg/gone does not exist. Fix or remove the link. File skipped.`,
    ]);
  });

  test("unmerged dpkg journal warns", async () => {
    const root = await trees.create({
      "var/lib/dpkg/status": await fixture("scalibr/single"),
      "var/lib/dpkg/updates/0001": "Package: acl\n",
      "var/lib/dpkg/updates/tmp.i": "",
    });
    const database = await readDpkgDatabase(root);

    expect(database.warnings.length).toBe(1);
    expect(database.warnings[0]).toContain("holds 1 record(s) not yet merged");
    expect(database.warnings[0]).toContain("dpkg --configure -a");
  });
});
