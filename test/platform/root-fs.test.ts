import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { listDirectoryInRoot, readTextInRoot, resolveInRoot } from "../../src/platform/root-fs.ts";

// One scratch directory contains the root under test and, beside it, an "outside" tree whose
// files must never be reached from inside the root.
let scratch: string;
let root: string;
let outside: string;

beforeAll(async () => {
  scratch = await realpath(await mkdtemp(join(tmpdir(), "cortex-root-fs-")));
  root = join(scratch, "root");
  outside = join(scratch, "outside");

  await mkdir(join(root, "etc"), { recursive: true });
  await mkdir(join(root, "usr/lib"), { recursive: true });
  await mkdir(join(root, "var/lib/dpkg/status.d"), { recursive: true });
  await mkdir(join(outside, "etc"), { recursive: true });
  await writeFile(join(root, "usr/lib/os-release"), "ID=debian\n");
  await writeFile(join(root, "etc/passwd"), "root inside\n");
  await writeFile(join(outside, "etc/passwd"), "host passwd\n");
  await writeFile(join(root, "var/lib/dpkg/status.d/b"), "");
  await writeFile(join(root, "var/lib/dpkg/status.d/a"), "");

  // Debian's layout: a relative link one level up.
  await symlink("../usr/lib/os-release", join(root, "etc/os-release"));
  // An absolute link, as a container image may carry: it means <root>/usr/lib/os-release.
  await symlink("/usr/lib/os-release", join(root, "etc/os-release-absolute"));
  // A directory link in the middle of a path, and a chain of three links.
  await symlink("/usr/lib", join(root, "lib"));
  await symlink("chain-2", join(root, "etc/chain-1"));
  await symlink("/etc/chain-3", join(root, "etc/chain-2"));
  await symlink("../usr/lib/os-release", join(root, "etc/chain-3"));
  // Links that try to leave the root.
  await symlink("../../../../etc/passwd", join(root, "etc/escape-relative"));
  await symlink(join(outside, "etc/passwd"), join(root, "etc/escape-absolute"));
  await symlink("/..", join(root, "up"));
  // Loops.
  await symlink("loop-b", join(root, "etc/loop-a"));
  await symlink("loop-a", join(root, "etc/loop-b"));
  await symlink("self", join(root, "etc/self"));
  // A link to a file that does not exist.
  await symlink("/nowhere/file", join(root, "etc/dangling"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("resolveInRoot", () => {
  const cases: Array<[string, string, string]> = [
    ["plain file", "/etc/passwd", "etc/passwd"],
    ["relative link up one level", "/etc/os-release", "usr/lib/os-release"],
    ["absolute link", "/etc/os-release-absolute", "usr/lib/os-release"],
    ["link in a middle component", "/lib/os-release", "usr/lib/os-release"],
    ["chain of links", "/etc/chain-1", "usr/lib/os-release"],
    ["dot-dot clamped at the root", "/../../../../etc/passwd", "etc/passwd"],
    ["dot-dot inside the path", "/usr/lib/../../etc/./passwd", "etc/passwd"],
    ["relative path starts at the root", "etc/passwd", "etc/passwd"],
    ["relative link escaping upwards", "/etc/escape-relative", "etc/passwd"],
    ["link to the parent of the root", "/up/etc/passwd", "etc/passwd"],
    ["missing file", "/etc/missing", "etc/missing"],
    ["missing directory then dot-dot", "/nothing/../etc/passwd", "etc/passwd"],
    ["dangling link", "/etc/dangling", "nowhere/file"],
  ];
  test.each(cases)("%s", async (_name, path, expected) => {
    expect(await resolveInRoot(root, path)).toBe(join(root, expected));
  });

  test("absolute link to a host path stays inside", async () => {
    const resolved = await resolveInRoot(root, "/etc/escape-absolute");
    expect(resolved).toBe(join(root, outside.slice(1), "etc/passwd"));
  });

  test("root path resolves to the root", async () => {
    expect(await resolveInRoot(root, "/")).toBe(root);
    expect(await resolveInRoot(`${root}/`, "/..")).toBe(root);
  });

  test("slash root resolves like the host", async () => {
    const hostPath = join(root, "etc/os-release");
    expect(await resolveInRoot("/", hostPath)).toBe(join(root, "usr/lib/os-release"));
    expect(await resolveInRoot("/", "/")).toBe("/");
  });

  test.each([["/etc/loop-a"], ["/etc/self"], ["/etc/self/more"]])(
    "symbolic link loop %s fails",
    async (path) => {
      const error = await resolveInRoot(root, path).catch((caught: unknown) => caught);
      expect(isCortexError(error)).toBe(true);
      expect((error as Error).message).toContain("Too many levels of symbolic links");
      expect((error as Error).message).toContain(path);
    },
  );

  test("chain of 40 links resolves", async () => {
    const chainDir = join(root, "chain40");
    await mkdir(chainDir);
    await writeFile(join(chainDir, "end"), "end\n");
    for (let hop = 1; hop <= 40; hop++) {
      const target = hop === 40 ? "end" : `link-${hop + 1}`;
      await symlink(target, join(chainDir, `link-${hop}`));
    }
    expect(await resolveInRoot(root, "/chain40/link-1")).toBe(join(chainDir, "end"));
    await symlink("link-1", join(chainDir, "link-0"));
    const error = await resolveInRoot(root, "/chain40/link-0").catch((caught: unknown) => caught);
    expect((error as { exitCode?: number }).exitCode).toBe(ExitCode.unusableInput);
  });
});

describe("readTextInRoot", () => {
  test("follows the os-release link inside", async () => {
    expect(await readTextInRoot(root, "/etc/os-release")).toBe("ID=debian\n");
    expect(await readTextInRoot(root, "/etc/os-release-absolute")).toBe("ID=debian\n");
  });

  test("escape attempts read the root's file", async () => {
    expect(await readTextInRoot(root, "/../../../../etc/passwd")).toBe("root inside\n");
    expect(await readTextInRoot(root, "/etc/escape-relative")).toBe("root inside\n");
    expect(await readTextInRoot(root, "/etc/escape-absolute")).toBeNull();
  });

  test("missing file returns null", async () => {
    expect(await readTextInRoot(root, "/etc/missing")).toBeNull();
    expect(await readTextInRoot(root, "/etc/passwd/below-a-file")).toBeNull();
    expect(await readTextInRoot(root, "/etc/dangling")).toBeNull();
  });

  test("directory fails with its path", async () => {
    const error = await readTextInRoot(root, "/etc").catch((caught: unknown) => caught);
    expect(isCortexError(error)).toBe(true);
    expect((error as Error).message).toContain("Failed to read /etc");
  });

  test("FIFO fails instead of blocking", async () => {
    // Opening a FIFO for reading blocks until a writer appears, and nothing writes to a FIFO in a scanned image.
    const mkfifo = Bun.spawnSync(["mkfifo", join(root, "etc/fifo")]);
    expect(mkfifo.exitCode).toBe(0);
    const error = await readTextInRoot(root, "/etc/fifo").catch((caught: unknown) => caught);
    expect(isCortexError(error)).toBe(true);
    expect((error as Error).message).toContain("/etc/fifo");
    expect((error as Error).message).toContain("not a regular file");
  });
});

describe("listDirectoryInRoot", () => {
  test("lists sorted names", async () => {
    expect(await listDirectoryInRoot(root, "/var/lib/dpkg/status.d")).toEqual(["a", "b"]);
  });

  test("missing directory returns null", async () => {
    expect(await listDirectoryInRoot(root, "/var/lib/missing")).toBeNull();
  });
});
