import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { readInventory } from "../../src/inventory/read-inventory.ts";
import { isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import {
  DEBIAN_12_OS_RELEASE,
  RASPBIAN_12_OS_RELEASE,
  UBUNTU_22_04_OS_RELEASE,
} from "./os-release-samples.ts";
import { createRootTrees, type TreeEntry } from "./root-tree.ts";

const FIXTURES = join(import.meta.dir, "../fixtures/inventory/dpkg");
const trees = createRootTrees();
let multiarchStatus: string;
let ubuntuStatus: string;

beforeAll(async () => {
  multiarchStatus = await Bun.file(join(FIXTURES, "debian12-chroot-multiarch.status")).text();
  ubuntuStatus = await Bun.file(join(FIXTURES, "trivy-fanal-debian-valid.status")).text();
});
afterAll(() => trees.removeAll());

async function rejection(promise: Promise<unknown>): Promise<Error & { exitCode?: number }> {
  return promise.then(
    () => new Error("expected a rejection, but the promise resolved"),
    (caught: unknown) => caught as Error,
  );
}

describe("readInventory", () => {
  // The os-release layouts a root can have, all describing Debian 12.
  const layouts: Array<[string, Record<string, TreeEntry>, string]> = [
    [
      "relative link, as Debian ships it",
      {
        "usr/lib/os-release": DEBIAN_12_OS_RELEASE,
        "etc/os-release": { symlink: "../usr/lib/os-release" },
      },
      "/etc/os-release",
    ],
    [
      "absolute link",
      {
        "usr/lib/os-release": DEBIAN_12_OS_RELEASE,
        "etc/os-release": { symlink: "/usr/lib/os-release" },
      },
      "/etc/os-release",
    ],
    ["regular file", { "etc/os-release": DEBIAN_12_OS_RELEASE }, "/etc/os-release"],
    ["usr/lib only", { "usr/lib/os-release": DEBIAN_12_OS_RELEASE }, "/usr/lib/os-release"],
    [
      "dangling etc link falls back",
      {
        "usr/lib/os-release": DEBIAN_12_OS_RELEASE,
        "etc/os-release": { symlink: "/nowhere" },
      },
      "/usr/lib/os-release",
    ],
  ];
  test.each(layouts)("os-release as %s", async (_name, entries) => {
    const root = await trees.create({ ...entries, "var/lib/dpkg/status": multiarchStatus });
    const inventory = await readInventory(root, {});

    expect(inventory.ecosystem).toBe("Debian:12");
    expect(inventory.osRelease.VERSION_CODENAME).toBe("bookworm");
    expect(inventory.packages.length).toBe(167);
    expect(inventory.statusPaths).toEqual([`${root}/var/lib/dpkg/status`]);
    expect(inventory.warnings).toEqual([]);
  });

  test("absolute link never reads the host", async () => {
    // The root's file names Ubuntu, so on a Debian host a read of the host's file would give Debian.
    const root = await trees.create({
      "usr/lib/os-release": UBUNTU_22_04_OS_RELEASE,
      "etc/os-release": { symlink: "/usr/lib/os-release" },
      "var/lib/dpkg/status": ubuntuStatus,
    });
    const inventory = await readInventory(root);

    expect(inventory.ecosystem).toBe("Ubuntu:22.04:LTS");
    expect(inventory.packages.length).toBe(90);
  });

  test("missing os-release fails", async () => {
    const root = await trees.create({ "var/lib/dpkg/status": multiarchStatus });
    const error = await rejection(readInventory(root));

    expect(isCortexError(error)).toBe(true);
    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("/etc/os-release");
    expect(error.message).toContain("--ecosystem");
  });

  test("override without os-release", async () => {
    const root = await trees.create({ "var/lib/dpkg/status": multiarchStatus });
    const inventory = await readInventory(root, { ecosystemOverride: "Debian:12" });

    expect(inventory.ecosystem).toBe("Debian:12");
    expect(inventory.osRelease).toEqual({});
    expect(inventory.warnings).toEqual([]);
  });

  test("override for a derivative warns", async () => {
    const root = await trees.create({
      "etc/os-release": RASPBIAN_12_OS_RELEASE,
      "var/lib/dpkg/status": multiarchStatus,
    });
    const inventory = await readInventory(root, { ecosystemOverride: "Debian:12" });

    expect(inventory.ecosystem).toBe("Debian:12");
    expect(inventory.osRelease.ID).toBe("raspbian");
    expect(inventory.warnings).toEqual([
      "Using --ecosystem Debian:12, although /etc/os-release describes an unsupported system (ID=raspbian, VERSION_ID=12).",
    ]);
  });

  test("derivative without override fails", async () => {
    const root = await trees.create({
      "etc/os-release": RASPBIAN_12_OS_RELEASE,
      "var/lib/dpkg/status": multiarchStatus,
    });
    const error = await rejection(readInventory(root));

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("ID=raspbian");
  });

  test("override that differs from detection warns", async () => {
    const root = await trees.create({
      "etc/os-release": DEBIAN_12_OS_RELEASE,
      "var/lib/dpkg/status": multiarchStatus,
    });
    const inventory = await readInventory(root, { ecosystemOverride: "Debian:11" });

    expect(inventory.ecosystem).toBe("Debian:11");
    expect(inventory.warnings).toEqual([
      "Using --ecosystem Debian:11, although /etc/os-release describes Debian:12.",
    ]);
  });

  test("malformed override is a usage error", async () => {
    const root = await trees.create({ "etc/os-release": DEBIAN_12_OS_RELEASE });
    const error = await rejection(readInventory(root, { ecosystemOverride: "debian-12" }));

    expect(error.exitCode).toBe(ExitCode.usage);
  });

  test("missing dpkg database fails", async () => {
    const root = await trees.create({ "etc/os-release": DEBIAN_12_OS_RELEASE });
    const error = await rejection(readInventory(root));

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("No dpkg database found");
  });

  test("missing root is a usage error", async () => {
    const root = await trees.create({});
    const error = await rejection(readInventory(join(root, "no-such-dir")));

    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain(`${join(root, "no-such-dir")} does not exist`);
  });

  test("root that is a file is a usage error", async () => {
    const root = await trees.create({ "etc/os-release": DEBIAN_12_OS_RELEASE });
    const error = await rejection(readInventory(join(root, "etc/os-release")));

    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain("is not a directory");
  });
});
