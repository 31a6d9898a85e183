import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SIGNED_KERNEL_NOTE, withAdvisorySource } from "../../src/inventory/advisory-source.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { runCli } from "../helpers/cli-harness.ts";

const SIGNED_IMAGE: InstalledPackage = {
  name: "linux-image-6.1.0-18-amd64",
  arch: "amd64",
  version: "6.1.76-1",
  sourceName: "linux-signed-amd64",
  sourceVersion: "6.1.76+1",
  status: "install ok installed",
  held: false,
  essential: false,
};

describe("withAdvisorySource", () => {
  test("Debian signed kernel is judged as linux", () => {
    const mapped = withAdvisorySource(SIGNED_IMAGE, "Debian:12");
    expect(mapped.sourceName).toBe("linux");
    expect(mapped.sourceVersion).toBe("6.1.76-1");
  });

  test("Ubuntu keeps linux-signed", () => {
    const ubuntu = { ...SIGNED_IMAGE, sourceName: "linux-signed", sourceVersion: "5.15.0-91.101" };
    expect(withAdvisorySource(ubuntu, "Ubuntu:22.04:LTS")).toBe(ubuntu);
  });

  test("other Debian sources are unchanged", () => {
    const grub = { ...SIGNED_IMAGE, sourceName: "grub-efi-amd64-signed" };
    expect(withAdvisorySource(grub, "Debian:12")).toBe(grub);
  });
});

describe("scan of a signed Debian kernel", () => {
  let work = "";
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "cortex-signed-kernel-"));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test("image gets the linux advisory", async () => {
    const root = join(work, "root");
    mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
    writeFileSync(
      join(root, "var/lib/dpkg/status"),
      [
        "Package: linux-image-6.1.0-18-amd64\nStatus: install ok installed\nArchitecture: amd64\nSource: linux-signed-amd64 (6.1.76+1)\nVersion: 6.1.76-1\n",
        "Package: linux-libc-dev\nStatus: install ok installed\nArchitecture: amd64\nSource: linux\nVersion: 6.1.76-1\n",
      ].join("\n"),
    );
    const records = join(work, "records");
    mkdirSync(records);
    writeFileSync(
      join(records, "CVE-2024-26581.json"),
      JSON.stringify({
        id: "CVE-2024-26581",
        modified: "2026-11-01T00:00:00Z",
        affected: [
          {
            package: { ecosystem: "Debian:12", name: "linux" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "6.1.82-1" }] }],
          },
        ],
      }),
    );
    const env = { CORTEX_CONFIG_DIR: join(work, "config") };
    mkdirSync(env.CORTEX_CONFIG_DIR);
    const dataDir = join(work, "data");
    expect(
      (await runCli(["security", "db", "import", records, "--data-dir", dataDir], { env }))
        .exitCode,
    ).toBe(0);

    const result = await runCli(
      ["security", "scan", "--root", root, "--offline", "--json", "--data-dir", dataDir],
      { env },
    );
    expect(result.exitCode).toBe(0);
    const findings = JSON.parse(result.stdout).findings as {
      package: string;
      sourcePackage: string;
      notes: string[];
    }[];
    expect(findings.map((finding) => finding.package).sort()).toEqual([
      "linux-image-6.1.0-18-amd64",
      "linux-libc-dev",
    ]);
    const image = findings.find((finding) => finding.package.startsWith("linux-image"));
    expect(image?.sourcePackage).toBe("linux");
    expect(image?.notes).toContain(SIGNED_KERNEL_NOTE);
    const headers = findings.find((finding) => finding.package === "linux-libc-dev");
    expect(headers?.notes).not.toContain(SIGNED_KERNEL_NOTE);
  });
});
