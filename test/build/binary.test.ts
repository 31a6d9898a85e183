/**
 * Builds the standalone binaries once into a temporary directory (never into
 * dist/), then checks them: checksums, ELF headers, the stamped version, and
 * that the x64 binary alone in an empty directory imports advisory data and
 * scans a miniature Debian 12 root offline.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { describeCommit } from "../../build.ts";
import packageJson from "../../package.json" with { type: "json" };

const PROJECT_DIR = join(import.meta.dir, "..", "..");
const FIXTURES = join(PROJECT_DIR, "test", "fixtures", "build");
const BUILD_TIMEOUT_MS = 300_000;

/** ELF e_machine values (System V ABI): EM_X86_64 and EM_AARCH64. */
const EM_X86_64 = 0x3e;
const EM_AARCH64 = 0xb7;

const DEBIAN_12_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;

let work = "";
let dist = "";
let expectedCommit = "";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cortex-build-"));
  dist = join(work, "dist");
  const build = spawnSync(process.execPath, ["build.ts", "--outdir", dist], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`bun build.ts failed:\n${build.stderr}`);
  // Other work may commit while the build runs, so take the commit build.ts logged.
  const logged = /\(bun-linux-x64, commit (\S+)\)/.exec(build.stderr);
  if (!logged) throw new Error(`build.ts logged no commit:\n${build.stderr}`);
  expectedCommit = logged[1] as string;
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface ElfHeader {
  magic: string;
  /** EI_CLASS: 2 for 64-bit. */
  elfClass: number;
  /** EI_DATA: 1 for little-endian. */
  byteOrder: number;
  /** e_type: 2 for an executable, 3 for a position-independent one. */
  type: number;
  machine: number;
}

function readElfHeader(path: string): ElfHeader {
  const bytes = readFileSync(path).subarray(0, 20);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    magic: bytes.subarray(0, 4).toString("latin1"),
    elfClass: view.getUint8(4),
    byteOrder: view.getUint8(5),
    type: view.getUint16(16, true),
    machine: view.getUint16(18, true),
  };
}

/** Runs a program with only the environment given, so the host's CORTEX_* settings stay out. */
function runProgram(argv: string[], options: { cwd: string; env: Record<string, string> }) {
  const [command, ...args] = argv as [string, ...string[]];
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("build.ts output", () => {
  test("writes both binaries and SHA256SUMS", () => {
    expect(readdirSync(dist).sort()).toEqual([
      "SHA256SUMS",
      "cortex-linux-arm64",
      "cortex-linux-x64",
    ]);
  });

  test("sha256sum -c verifies SHA256SUMS", () => {
    const lines = readFileSync(join(dist, "SHA256SUMS"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{64} {2}cortex-linux-(x64|arm64)$/);

    const check = runProgram(["sha256sum", "-c", "SHA256SUMS"], { cwd: dist, env: {} });
    expect(check.stdout).toBe("cortex-linux-x64: OK\ncortex-linux-arm64: OK\n");
    expect(check.exitCode).toBe(0);
  });

  test("x64 binary is an x86-64 ELF", () => {
    const header = readElfHeader(join(dist, "cortex-linux-x64"));
    expect(header.magic).toBe("\x7fELF");
    expect(header.elfClass).toBe(2);
    expect(header.byteOrder).toBe(1);
    expect([2, 3]).toContain(header.type);
    expect(header.machine).toBe(EM_X86_64);
  });

  test("arm64 binary is an aarch64 ELF", () => {
    const header = readElfHeader(join(dist, "cortex-linux-arm64"));
    expect(header.magic).toBe("\x7fELF");
    expect(header.elfClass).toBe(2);
    expect(header.byteOrder).toBe(1);
    expect([2, 3]).toContain(header.type);
    expect(header.machine).toBe(EM_AARCH64);
  });

  test("--version shows version and commit", () => {
    const result = runProgram([join(dist, "cortex-linux-x64"), "--version"], {
      cwd: work,
      env: {},
    });
    expect(result.stdout).toBe(`cortex ${packageJson.version} (commit ${expectedCommit})\n`);
    expect(result.exitCode).toBe(0);
  });

  test("stamped commit exists in git", async () => {
    expect(expectedCommit).toMatch(/^[0-9a-f]{7,}(-dirty)?$/);
    const hash = expectedCommit.replace(/-dirty$/, "");
    const check = runProgram(["git", "cat-file", "-e", `${hash}^{commit}`], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    expect(check.exitCode).toBe(0);
    expect(await describeCommit(PROJECT_DIR)).toMatch(/^[0-9a-f]{7,}(-dirty)?$/);
  });

  test("commit outside a repository is unknown", async () => {
    const notRepository = join(work, "not-a-repository");
    mkdirSync(notRepository);
    expect(await describeCommit(notRepository)).toBe("unknown");
  });
});

/**
 * Finds qemu user emulation and an aarch64 glibc for the arm64 binary, which
 * is dynamically linked against /lib/ld-linux-aarch64.so.1. Debian's
 * libc6-arm64-cross puts one under /usr/aarch64-linux-gnu.
 */
function findAarch64Emulation(): { qemu: string; sysroot: string } | { reason: string } {
  const qemu = ["qemu-aarch64", "qemu-aarch64-static"].find(
    (name) => spawnSync(name, ["--version"]).status === 0,
  );
  if (qemu === undefined) {
    return { reason: "qemu-aarch64 is not installed (Debian package qemu-user)" };
  }
  const sysroot = ["/usr/aarch64-linux-gnu", "/"].find((root) =>
    existsSync(join(root, "lib", "ld-linux-aarch64.so.1")),
  );
  if (sysroot === undefined) {
    return {
      reason:
        "no aarch64 glibc loader (lib/ld-linux-aarch64.so.1) under /usr/aarch64-linux-gnu or /; install libc6-arm64-cross",
    };
  }
  return { qemu, sysroot };
}

const emulation = findAarch64Emulation();
if ("reason" in emulation) {
  console.warn(`skipping the arm64 run under qemu: ${emulation.reason}`);
}

describe("arm64 binary under qemu", () => {
  test.skipIf("reason" in emulation)("--version runs", () => {
    if ("reason" in emulation) return;
    const result = runProgram(
      [emulation.qemu, "-L", emulation.sysroot, join(dist, "cortex-linux-arm64"), "--version"],
      { cwd: work, env: {} },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`cortex ${packageJson.version} (commit ${expectedCommit})\n`);
    expect(result.exitCode).toBe(0);
  });
});

describe("x64 binary alone in an empty directory", () => {
  let alone = "";
  let binary = "";
  let env: Record<string, string> = {};
  let root = "";
  let recordsZip = "";

  beforeAll(() => {
    alone = join(work, "alone");
    mkdirSync(alone);
    binary = join(alone, "cortex");
    copyFileSync(join(dist, "cortex-linux-x64"), binary);

    const configDir = join(work, "empty-config");
    const home = join(work, "home");
    mkdirSync(configDir);
    mkdirSync(home);
    env = { PATH: "/usr/bin:/bin", HOME: home, CORTEX_CONFIG_DIR: configDir };

    // A miniature Debian 12 root: os-release and four real dpkg status stanzas.
    root = join(work, "root");
    mkdirSync(join(root, "etc"), { recursive: true });
    mkdirSync(join(root, "var", "lib", "dpkg"), { recursive: true });
    writeFileSync(join(root, "etc", "os-release"), DEBIAN_12_OS_RELEASE);
    copyFileSync(join(FIXTURES, "status"), join(root, "var", "lib", "dpkg", "status"));

    // The records in the layout of an OSV all.zip: one <id>.json per record at the root.
    const recordsDir = join(FIXTURES, "osv");
    const entries: Record<string, Uint8Array> = {};
    for (const name of readdirSync(recordsDir)) {
      entries[name] = readFileSync(join(recordsDir, name));
    }
    recordsZip = join(work, "all.zip");
    writeFileSync(recordsZip, zipSync(entries));
  });

  function cortex(args: string[]) {
    return runProgram([binary, ...args], { cwd: alone, env });
  }

  function offlineScan(dataDir: string) {
    const result = cortex([
      "security",
      "scan",
      "--root",
      root,
      "--offline",
      "--json",
      "--data-dir",
      dataDir,
    ]);
    expect(result.stderr).not.toContain("internal error");
    expect(result.exitCode).toBe(0);
    return JSON.parse(result.stdout) as {
      ecosystem: string;
      mode: string;
      complete: boolean;
      packageCount: number;
      findings: { package: string; vulnerabilityId: string }[];
    };
  }

  /** Findings expected from `dpkg --compare-versions`: installed below the fixed version. */
  const EXPECTED_FINDINGS = ["libcap2 CVE-2026-4878", "libexpat1 CVE-2023-52425"];

  test("imports a zip and scans offline", () => {
    const dataDir = join(work, "data-a");
    const imported = cortex(["security", "db", "import", recordsZip, "--data-dir", dataDir]);
    expect(imported.stderr).not.toContain("internal error");
    expect(imported.exitCode).toBe(0);

    const scan = offlineScan(dataDir);
    expect(scan.ecosystem).toBe("Debian:12");
    expect(scan.mode).toBe("offline");
    expect(scan.complete).toBe(true);
    expect(scan.packageCount).toBe(4);
    const found = scan.findings.map((f) => `${f.package} ${f.vulnerabilityId}`).sort();
    expect(found).toEqual(EXPECTED_FINDINGS);
  });

  test("carries data by db export and import", () => {
    const carried = join(work, "carried.zip");
    const exported = cortex([
      "security",
      "db",
      "export",
      carried,
      "--data-dir",
      join(work, "data-a"),
    ]);
    expect(exported.exitCode).toBe(0);

    const dataDir = join(work, "data-b");
    const imported = cortex(["security", "db", "import", carried, "--data-dir", dataDir]);
    expect(imported.exitCode).toBe(0);

    const found = offlineScan(dataDir)
      .findings.map((f) => `${f.package} ${f.vulnerabilityId}`)
      .sort();
    expect(found).toEqual(EXPECTED_FINDINGS);
  });

  test("rates a CVSS vector inside the binary", () => {
    // The CVSS calculator is loaded on first use; this catches a build that leaves it out.
    const dataDir = join(work, "data-cvss");
    const recordFile = join(work, "cvss-record.json");
    writeFileSync(
      recordFile,
      JSON.stringify({
        id: "TEST-CVSS-1",
        modified: "2026-11-01T00:00:00Z",
        severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" }],
        affected: [
          {
            package: { ecosystem: "Debian:12", name: "libcap2" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
          },
        ],
      }),
    );
    const imported = cortex(["security", "db", "import", recordFile, "--data-dir", dataDir]);
    expect(imported.exitCode).toBe(0);
    const scan = offlineScan(dataDir) as unknown as {
      findings: { vulnerabilityId: string; severity: string; cvssScore: number | null }[];
    };
    const rated = scan.findings.find((finding) => finding.vulnerabilityId === "TEST-CVSS-1");
    expect(rated?.cvssScore).toBe(8.8);
    expect(rated?.severity).toBe("high");
  });

  test("ignores .env in the working directory", () => {
    // Bun loads .env by default. If the binary did, this invalid URL would fail the command
    // with exit 3. Every path is explicit, so the test writes nothing outside its temp dir.
    const elsewhere = join(work, "with-dotenv");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, ".env"), "CORTEX_OSV_URL=ftp://dotenv-trap.invalid\n");
    const result = runProgram(
      [binary, "security", "db", "status", "--data-dir", join(work, "dotenv-data")],
      { cwd: elsewhere, env },
    );
    expect(result.stderr).not.toContain("dotenv-trap");
    expect(result.exitCode).toBe(0);
  });

  test("writes nothing beside itself", () => {
    expect(readdirSync(alone)).toEqual(["cortex"]);
  });
});
