import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDpkgStatus } from "../../../src/inventory/dpkg/parse-dpkg-status.ts";
import { type InstalledPackage, packageKey } from "../../../src/inventory/installed-package.ts";
import { isCortexError } from "../../../src/platform/errors.ts";
import { ExitCode } from "../../../src/platform/exit-codes.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/inventory/dpkg");

async function readFixture(name: string): Promise<string> {
  return Bun.file(join(FIXTURES, name)).text();
}

function byKey(packages: InstalledPackage[]): Map<string, InstalledPackage> {
  return new Map(packages.map((pkg) => [packageKey(pkg), pkg]));
}

/** Returns the error thrown by `action`, or fails the test when it throws none. */
function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

function stanza(fields: Record<string, string>): string {
  return `${Object.entries(fields)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n")}\n`;
}

describe("parseDpkgStatus compared with dpkg-query", () => {
  const dpkgQuery = Bun.which("dpkg-query");
  if (dpkgQuery === null) {
    console.warn("dpkg-query is not installed: skipping the comparison with the real dpkg");
  }
  const scratchDirs: string[] = [];
  afterAll(async () => {
    for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
  });

  /**
   * Runs the real dpkg-query on `statusText` in a scratch database directory and returns,
   * for each installed package, "version source sourceVersion" keyed by name:arch.
   */
  async function queryInstalled(statusText: string): Promise<Map<string, string>> {
    const adminDir = await mkdtemp(join(tmpdir(), "cortex-dpkg-admindir-"));
    scratchDirs.push(adminDir);
    await mkdir(join(adminDir, "info"));
    await mkdir(join(adminDir, "updates"));
    await writeFile(join(adminDir, "status"), statusText);
    const format =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's --showformat syntax
      "${binary:Package} ${Architecture} ${Version} ${source:Package} ${source:Version} ${db:Status-Abbrev}\\n";
    const result = Bun.spawnSync([
      dpkgQuery as string,
      `--admindir=${adminDir}`,
      "-W",
      `-f=${format}`,
    ]);
    expect(result.exitCode).toBe(0);

    const installed = new Map<string, string>();
    for (const line of result.stdout.toString().split("\n")) {
      if (line === "") continue;
      const [binaryPackage, arch, version, source, sourceVersion, abbrev] = line.split(" ");
      // The second letter of db:Status-Abbrev is the state: i installed, t triggers-pending, W triggers-awaited.
      if (!"itW".includes(abbrev?.charAt(1) ?? "-")) continue;
      const name = (binaryPackage as string).split(":")[0];
      installed.set(`${name}:${arch}`, `${version} ${source} ${sourceVersion}`);
    }
    return installed;
  }

  const files: Array<[string, number]> = [
    ["debian12-host.status", 710],
    ["debian12-chroot-multiarch.status", 167],
    ["trivy-fanal-debian-valid.status", 90],
  ];
  test.skipIf(dpkgQuery === null).each(files)(
    "%s matches package for package",
    async (file, count) => {
      const text = await readFixture(file);
      const expected = await queryInstalled(text);
      const parsed = parseDpkgStatus(text, file);

      expect(expected.size).toBe(count);
      expect(parsed.packages.length).toBe(expected.size);
      const actual = new Map(
        parsed.packages.map((pkg) => [
          packageKey(pkg),
          `${pkg.version} ${pkg.sourceName} ${pkg.sourceVersion}`,
        ]),
      );
      expect(actual).toEqual(expected);
    },
  );
});

describe("parseDpkgStatus on real status files", () => {
  test("Debian 12 host file", async () => {
    const parsed = parseDpkgStatus(await readFixture("debian12-host.status"), "status");
    const packages = byKey(parsed.packages);

    expect(parsed.packages.length).toBe(710);
    expect(parsed.warnings).toEqual([]);
    expect(packages.get("bash:amd64")).toEqual({
      name: "bash",
      arch: "amd64",
      version: "5.2.15-2+b8",
      sourceName: "bash",
      sourceVersion: "5.2.15-2",
      status: "install ok installed",
      held: false,
      essential: true,
      multiArch: "foreign",
    });
    expect(packages.get("adduser:all")?.arch).toBe("all");
    expect(packages.get("cpp:amd64")?.sourceName).toBe("gcc-defaults");
    expect(packages.get("cpp:amd64")?.sourceVersion).toBe("1.203");
  });

  test("multi-arch chroot file", async () => {
    const parsed = parseDpkgStatus(await readFixture("debian12-chroot-multiarch.status"), "status");
    const packages = byKey(parsed.packages);

    expect(parsed.warnings).toEqual([]);
    expect(packages.get("libc6:amd64")?.version).toBe("2.36-9+deb12u14");
    expect(packages.get("libc6:i386")?.version).toBe("2.36-9+deb12u14");
    expect(packages.get("libc6:i386")?.sourceName).toBe("glibc");
    expect(packages.get("libssl3:amd64")?.held).toBe(false);
    expect(packages.get("libssl3:i386")?.held).toBe(true);
    expect(packages.get("libssl3:i386")?.status).toBe("hold ok installed");
    expect(packages.get("gzip:amd64")?.held).toBe(true);
    expect(packages.has("cron:amd64")).toBe(false);
    expect(packages.get("cron-daemon-common:all")?.sourceName).toBe("cron");
    const bothArchitectures = parsed.packages.filter(
      (pkg) => pkg.arch === "i386" && packages.has(`${pkg.name}:amd64`),
    );
    expect(bothArchitectures.length).toBe(31);
  });

  test("Ubuntu file with one removed package", async () => {
    const parsed = parseDpkgStatus(await readFixture("trivy-fanal-debian-valid.status"), "status");

    expect(parsed.packages.length).toBe(90);
    expect(parsed.packages.some((pkg) => pkg.name === "git")).toBe(false);
    expect(byKey(parsed.packages).get("libaudit1:amd64")?.sourceVersion).toBe("1:2.8.2-1ubuntu1");
  });

  test("corrupted file keeps intact stanzas", async () => {
    const parsed = parseDpkgStatus(await readFixture("trivy-fanal-corrupted.status"), "corrupted");

    expect(parsed.packages.map((pkg) => pkg.name)).toEqual([
      "libpam-runtime",
      "libpam-modules-bin",
      "makedev",
      "libgcc1",
    ]);
    expect(byKey(parsed.packages).get("libgcc1:amd64")?.sourceVersion).toBe("5.1.1-12ubuntu1");
    expect(parsed.warnings).toContain(
      'corrupted line 1 (package libpam-runtime): ignored line(s) 15, 16, 18, 19, 20: neither a "Name: value" field nor a continuation line',
    );
    expect(parsed.warnings).toContain(
      "corrupted line 63 (package brokenPackageWithNoVersionThatShouldGetThrownOut): missing Status field; stanza skipped",
    );
    expect(parsed.warnings).toContain(
      "corrupted line 85 (package invalidpkg): missing Status field; stanza skipped",
    );
  });

  test("scalibr Status field states", async () => {
    const parsed = parseDpkgStatus(await readFixture("scalibr/statusfield"), "statusfield");

    expect(parsed.packages.map((pkg) => pkg.name)).toEqual([
      "wantinstall_installed",
      "wantdeinstall_installed",
      "wantpurge_installed",
    ]);
    expect(parsed.warnings).toContain(
      "statusfield line 25 (package wantnostatus): missing Status field; stanza skipped",
    );
  });

  const missingFieldCases: Array<[string, string[], string]> = [
    [
      "scalibr/nopackage",
      ["foo", "bar"],
      "nopackage line 5: missing Package field; stanza skipped",
    ],
    [
      "scalibr/noversion",
      ["foo", "bar"],
      "noversion line 5 (package acl): missing Version field; stanza skipped",
    ],
  ];
  test.each(missingFieldCases)("%s skips one stanza", async (file, names, warning) => {
    const parsed = parseDpkgStatus(await readFixture(file), file.replace("scalibr/", ""));

    expect(parsed.packages.map((pkg) => pkg.name)).toEqual(names);
    expect(parsed.warnings).toContain(warning);
  });

  test.each([["scalibr/single"], ["scalibr/trailingnewlines"]])("%s has acl only", async (file) => {
    const parsed = parseDpkgStatus(await readFixture(file), file);

    expect(parsed.packages.map((pkg) => `${pkg.name}:${pkg.arch}=${pkg.version}`)).toEqual([
      "acl:amd64=2.3.1-3",
    ]);
    expect(parsed.warnings).toEqual([]);
  });

  test("transitional package names its source", async () => {
    const parsed = parseDpkgStatus(await readFixture("scalibr/transitional"), "transitional");

    expect(parsed.packages[0]?.sourceName).toBe("firefox-esr");
    expect(parsed.packages[0]?.sourceVersion).toBe("78.13.0esr-1~deb10u1");
  });

  test("binNMU keeps the source version", async () => {
    const parsed = parseDpkgStatus(await readFixture("scalibr/valid"), "valid");
    const utilLinuxExtra = byKey(parsed.packages).get("util-linux-extra:amd64");

    expect(utilLinuxExtra?.version).toBe("2.38.1-5+b1");
    expect(utilLinuxExtra?.sourceName).toBe("util-linux");
    expect(utilLinuxExtra?.sourceVersion).toBe("2.38.1-5");
  });
});

describe("parseDpkgStatus unusable files", () => {
  const cases: Array<[string, () => Promise<string>, string]> = [
    ["empty file", () => readFixture("scalibr/empty"), "contains no package stanzas"],
    ["only blank lines", async () => "\n\n  \n\t\n", "contains no package stanzas"],
    ["no valid stanza", () => readFixture("scalibr/invalid"), "has no stanza with a valid Package"],
    ["NUL bytes", async () => "Package: a\u0000\u0001\u0002\n", "contains NUL bytes"],
    [
      "binary garbage",
      async () =>
        new TextDecoder().decode(new Uint8Array([0xff, 0xfe, 0x80, 0x0a, 0x9c, 0x3a, 0x0a])),
      "has no stanza with a valid Package",
    ],
  ];
  test.each(cases)("%s throws inputError", async (_name, load, message) => {
    const text = await load();
    const error = thrownBy(() => parseDpkgStatus(text, "/var/lib/dpkg/status"));

    expect(isCortexError(error)).toBe(true);
    expect((error as { exitCode?: number }).exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("/var/lib/dpkg/status");
    expect(error.message).toContain(message);
    expect(error.message).toContain("/var/backups/dpkg.status");
  });

  test("removed packages only is not an error", () => {
    const text = stanza({
      Package: "cron",
      Status: "deinstall ok config-files",
      Version: "3.0pl1-162",
    });
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.packages).toEqual([]);
    expect(parsed.warnings).toEqual([]);
  });
});

describe("parseDpkgStatus Status field", () => {
  const cases: Array<[string, boolean, boolean]> = [
    ["install ok installed", true, false],
    ["hold ok installed", true, true],
    ["deinstall reinstreq installed", true, false],
    ["purge ok installed", true, false],
    ["install ok triggers-pending", true, false],
    ["hold ok triggers-awaited", true, true],
    ["deinstall ok config-files", false, false],
    ["purge ok not-installed", false, false],
    ["install ok unpacked", false, false],
    ["install reinstreq half-installed", false, false],
    ["install ok half-configured", false, false],
    ["install ok post-inst-failed", false, false],
  ];
  test.each(cases)("%s: installed %p, held %p", (status, installed, held) => {
    const text = stanza({
      Package: "foo",
      Status: status,
      Architecture: "amd64",
      Version: "1.0-1",
    });
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.packages.length).toBe(installed ? 1 : 0);
    if (installed) expect(parsed.packages[0]?.held).toBe(held);
  });

  test.each([
    ["install ok unpacked"],
    ["install reinstreq half-installed"],
    ["install ok half-configured"],
  ])("%s warns about the interrupted dpkg", (status) => {
    const text = stanza({
      Package: "foo",
      Status: status,
      Architecture: "amd64",
      Version: "1.0-1",
    });
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.warnings.length).toBe(1);
    expect(parsed.warnings[0]).toContain("status line 1 (package foo): state ");
    expect(parsed.warnings[0]).toContain("dpkg --audit");
  });

  test("not-installed record needs no Version", () => {
    const text = `${stanza({ Package: "gone", Status: "purge ok not-installed" })}\n${stanza({
      Package: "kept",
      Status: "install ok installed",
      Architecture: "all",
      Version: "1",
    })}`;
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.packages.map((pkg) => pkg.name)).toEqual(["kept"]);
    expect(parsed.warnings).toEqual([]);
  });

  test.each([
    ["install ok"],
    ["install ok installed extra"],
    ["wanted ok installed"],
    ["install fine installed"],
    ["install ok running"],
    [""],
  ])("invalid Status %p is skipped with a warning", (status) => {
    const text = `${stanza({ Package: "bad", Status: status, Architecture: "amd64", Version: "1" })}\n${stanza(
      { Package: "good", Status: "install ok installed", Architecture: "amd64", Version: "1" },
    )}`;
    const parsed = parseDpkgStatus(text, "/var/lib/dpkg/status");

    expect(parsed.packages.map((pkg) => pkg.name)).toEqual(["good"]);
    expect(parsed.warnings.length).toBe(1);
    expect(parsed.warnings[0]).toStartWith(
      "/var/lib/dpkg/status line 1 (package bad): invalid Status",
    );
  });

  test("missing Status counts as installed in status.d", () => {
    const text = stanza({
      Package: "libsqlite3-0",
      Source: "sqlite3",
      Version: "3.34.1-3",
      Architecture: "arm64",
    });
    const parsed = parseDpkgStatus(text, "status.d/libsqlite3-0", { missingStatus: "installed" });

    expect(parsed.packages[0]?.status).toBe("");
    expect(parsed.packages[0]?.held).toBe(false);
    expect(parsed.packages[0]?.sourceName).toBe("sqlite3");
  });
});

describe("parseDpkgStatus Source field", () => {
  const cases: Array<[string, string | null, string, string]> = [
    ["absent", null, "libfoo1", "1.2-3+b1"],
    ["name only", "foo", "foo", "1.2-3+b1"],
    ["name and version", "foo (1.2-3)", "foo", "1.2-3"],
    ["own version line", "samba (2:4.17.12+dfsg-0+deb12u1)", "samba", "2:4.17.12+dfsg-0+deb12u1"],
    ["extra spaces", "foo   (1.2-3)", "foo", "1.2-3"],
  ];
  test.each(cases)("%s", (_name, source, sourceName, sourceVersion) => {
    const fields: Record<string, string> = {
      Package: "libfoo1",
      Status: "install ok installed",
      Architecture: "amd64",
      Version: "1.2-3+b1",
    };
    if (source !== null) fields.Source = source;
    const parsed = parseDpkgStatus(stanza(fields), "status");

    expect(parsed.packages[0]?.sourceName).toBe(sourceName);
    expect(parsed.packages[0]?.sourceVersion).toBe(sourceVersion);
  });

  test.each([["foo (1.2-3"], ["foo (1.2-3) extra"], ["foo ()"], ["foo (:1)"], [""]])(
    "invalid Source %p is skipped",
    (source) => {
      const text = stanza({
        Package: "libfoo1",
        Status: "install ok installed",
        Architecture: "amd64",
        Source: source,
        Version: "1.2-3",
      });
      const error = thrownBy(() => parseDpkgStatus(text, "status"));

      expect(error.message).toContain("Source");
    },
  );
});

describe("parseDpkgStatus stanza syntax", () => {
  const installed = { Status: "install ok installed", Architecture: "amd64" };

  test("duplicate package keeps the later", () => {
    const text = `${stanza({ Package: "foo", ...installed, Version: "1" })}\n${stanza({
      Package: "foo",
      ...installed,
      Version: "2",
    })}\n${stanza({ Package: "foo", Status: "install ok installed", Architecture: "i386", Version: "1" })}`;
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.packages.map((pkg) => `${packageKey(pkg)}=${pkg.version}`)).toEqual([
      "foo:amd64=2",
      "foo:i386=1",
    ]);
    expect(parsed.warnings).toEqual([
      "status line 6 (package foo): foo:amd64 is listed a second time; keeping this later stanza",
    ]);
  });

  test("duplicate Version field skips the stanza", () => {
    const text = "Package: foo\nStatus: install ok installed\nVersion: 1\nVersion: 2\n";
    const error = thrownBy(() => parseDpkgStatus(text, "status"));

    expect(error.message).toContain("field version appears twice");
  });

  test("continuation lines and field case", () => {
    const text = [
      "package: foo",
      "STATUS: install ok installed",
      "Description: first line",
      " second line",
      " .",
      "\tthird line after a tab",
      "Architecture: all",
      "Essential: yes",
      "Version:   1:2.0-1  ",
      "",
    ].join("\n");
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.packages[0]).toMatchObject({
      name: "foo",
      arch: "all",
      version: "1:2.0-1",
      essential: true,
    });
    expect(parsed.warnings).toEqual([]);
  });

  test("whitespace-only line separates stanzas", () => {
    const text = `${stanza({ Package: "a", ...installed, Version: "1" })} \t\n${stanza({
      Package: "b",
      ...installed,
      Version: "1",
    })}`;
    expect(parseDpkgStatus(text, "status").packages.map((pkg) => pkg.name)).toEqual(["a", "b"]);
  });

  test("invalid Version is skipped with the reason", () => {
    const text = `${stanza({ Package: "bad", ...installed, Version: "1:" })}\n${stanza({
      Package: "good",
      ...installed,
      Version: "1",
    })}`;
    const parsed = parseDpkgStatus(text, "status");

    expect(parsed.packages.map((pkg) => pkg.name)).toEqual(["good"]);
    expect(parsed.warnings[0]).toStartWith('status line 1 (package bad): invalid Version "1:": ');
  });

  test("missing Architecture keeps the package", () => {
    const parsed = parseDpkgStatus(
      stanza({ Package: "foo", Status: "install ok installed", Version: "1" }),
      "status",
    );

    expect(parsed.packages[0]?.arch).toBe("");
    expect(parsed.warnings).toEqual([
      "status line 1 (package foo): missing Architecture field; recorded with an empty architecture",
    ]);
  });
});

describe("parseDpkgStatus copies of the host file", () => {
  test("CRLF copy parses the same", async () => {
    const text = await readFixture("debian12-host.status");
    const crlf = text.replaceAll("\n", "\r\n");

    expect(crlf).not.toBe(text);
    expect(parseDpkgStatus(crlf, "status")).toEqual(parseDpkgStatus(text, "status"));
  });

  test("byte order mark is ignored", async () => {
    const text = await readFixture("scalibr/single");
    expect(parseDpkgStatus(`\uFEFF${text}`, "single").packages.length).toBe(1);
  });

  // Each case cuts the host file just after `marker` inside the last stanza (zstd's).
  const truncations: Array<[string, string, number, string | null]> = [
    [
      "cut in Version",
      "Version: 1.5.4+dfsg2",
      709,
      "the file ends in the middle of the version field",
    ],
    [
      "cut in Description",
      "Description: fast lossless",
      710,
      "the file ends in the middle of the description field",
    ],
    ["cut in a field name", "Pri", 709, "the file ends in the middle of a line"],
    ["cut at a line end", "Priority: optional\n", 709, "missing Version field"],
  ];
  test.each(truncations)("%s", async (_name, marker, count, warning) => {
    const text = await readFixture("debian12-host.status");
    const lastStanza = text.lastIndexOf("Package: ");
    const cut = text.indexOf(marker, lastStanza) + marker.length;
    expect(cut).toBeGreaterThan(lastStanza + marker.length);

    const parsed = parseDpkgStatus(text.slice(0, cut), "status");
    expect(parsed.packages.length).toBe(count);
    expect(parsed.warnings.length).toBe(1);
    expect(parsed.warnings[0]).toContain("(package zstd)");
    expect(parsed.warnings[0]).toContain(warning as string);
  });
});
