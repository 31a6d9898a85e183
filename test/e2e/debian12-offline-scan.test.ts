/**
 * End-to-end check of the main job: after importing the Debian 12 changelog
 * records, an offline scan of the 710-package host must list exactly the
 * (package, architecture, vulnerability) triples that dpkg's own tools give.
 * The expected set is built without the product's code: source names and
 * versions from `dpkg-query --admindir`, verdicts from `dpkg --compare-versions`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { runCli } from "../helpers/cli-harness.ts";

const REPO = join(import.meta.dir, "..", "..");
const STATUS_FILE = join(REPO, "test/fixtures/dpkg/debian12-host.status");
const SAMPLE_ZIP = join(REPO, "samples/debian12-changelogs-all.zip");
const DEBIAN_12_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`;

const hasDpkg = spawnSync("dpkg-query", ["--version"]).status === 0;
let work = "";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "cortex-e2e-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface SourceOfBinary {
  name: string;
  arch: string;
  sourceName: string;
  sourceVersion: string;
}

/** Lists installed binaries with their source, as dpkg-query reports them. */
function dpkgQueryInventory(admindir: string): SourceOfBinary[] {
  const result = spawnSync(
    "dpkg-query",
    [
      `--admindir=${admindir}`,
      "-W",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} format syntax.
      "-f=${db:Status-Status}\\t${Package}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\n",
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  expect(result.status).toBe(0);
  return result.stdout
    .trim()
    .split("\n")
    .map((line) => line.split("\t"))
    .filter((fields) => fields[0] === "installed")
    .map(([, name, arch, sourceName, sourceVersion]) => ({
      name: name ?? "",
      arch: arch ?? "",
      sourceName: sourceName ?? "",
      sourceVersion: sourceVersion ?? "",
    }));
}

const comparisons = new Map<string, boolean>();

/** Asks the real dpkg whether `a OP b` holds, caching each distinct question. */
function dpkgCompare(a: string, op: "lt" | "ge", b: string): boolean {
  const key = `${a} ${op} ${b}`;
  const cached = comparisons.get(key);
  if (cached !== undefined) return cached;
  const verdict = spawnSync("dpkg", ["--compare-versions", a, op, b]).status === 0;
  comparisons.set(key, verdict);
  return verdict;
}

interface ExpectedRecord {
  id: string;
  affected: { ecosystem: string; name: string; introduced: string; fixed: string | null }[];
}

function readRecords(): ExpectedRecord[] {
  const files = unzipSync(readFileSync(SAMPLE_ZIP));
  const records: ExpectedRecord[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    if (!name.endsWith(".json")) continue;
    const record = JSON.parse(new TextDecoder().decode(bytes));
    records.push({
      id: record.id,
      affected: record.affected.map(
        (entry: {
          package: { ecosystem: string; name: string };
          ranges: { events: Record<string, string>[] }[];
        }) => {
          const events = entry.ranges.flatMap((range) => range.events);
          return {
            ecosystem: entry.package.ecosystem,
            name: entry.package.name,
            introduced: events.find((event) => "introduced" in event)?.introduced ?? "0",
            fixed: events.find((event) => "fixed" in event)?.fixed ?? null,
          };
        },
      ),
    });
  }
  return records;
}

describe.skipIf(!hasDpkg)("offline scan of the Debian 12 host", () => {
  test("findings equal dpkg's verdicts", async () => {
    const root = join(work, "root");
    mkdirSync(join(root, "var/lib/dpkg/info"), { recursive: true });
    mkdirSync(join(root, "var/lib/dpkg/updates"), { recursive: true });
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(join(root, "var/lib/dpkg/status"), readFileSync(STATUS_FILE));
    writeFileSync(join(root, "etc/os-release"), DEBIAN_12_OS_RELEASE);

    const inventory = dpkgQueryInventory(join(root, "var/lib/dpkg"));
    expect(inventory.length).toBe(710);
    const bySource = new Map<string, SourceOfBinary[]>();
    for (const binary of inventory) {
      const list = bySource.get(binary.sourceName) ?? [];
      list.push(binary);
      bySource.set(binary.sourceName, list);
    }
    const expected = new Set<string>();
    for (const record of readRecords()) {
      for (const entry of record.affected) {
        if (entry.ecosystem !== "Debian:12") continue;
        for (const binary of bySource.get(entry.name) ?? []) {
          const introduced =
            entry.introduced === "0" || dpkgCompare(binary.sourceVersion, "ge", entry.introduced);
          const beforeFix =
            entry.fixed === null || dpkgCompare(binary.sourceVersion, "lt", entry.fixed);
          if (introduced && beforeFix) expected.add(`${binary.name}\t${binary.arch}\t${record.id}`);
        }
      }
    }

    const env = { CORTEX_CONFIG_DIR: join(work, "config") };
    mkdirSync(env.CORTEX_CONFIG_DIR, { recursive: true });
    const dataDir = join(work, "data");
    const imported = await runCli(["security", "db", "import", SAMPLE_ZIP, "--data-dir", dataDir], {
      env,
    });
    expect(imported.exitCode).toBe(0);

    const scanned = await runCli(
      ["security", "scan", "--root", root, "--offline", "--json", "--data-dir", dataDir],
      { env },
    );
    expect(scanned.stderr).not.toContain("error:");
    expect(scanned.exitCode).toBe(0);
    const document = JSON.parse(scanned.stdout);
    expect(document.complete).toBe(true);
    expect(document.ecosystem).toBe("Debian:12");
    const actual = new Set<string>(
      document.findings.map(
        (finding: { package: string; arch: string; vulnerabilityId: string }) =>
          `${finding.package}\t${finding.arch}\t${finding.vulnerabilityId}`,
      ),
    );
    const missing = [...expected].filter((triple) => !actual.has(triple));
    const extra = [...actual].filter((triple) => !expected.has(triple));
    expect(missing).toEqual([]);
    expect(extra).toEqual([]);
    expect(actual.size).toBeGreaterThan(0);
    const counts = document.counts as Record<string, number>;
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(document.total);
  });
});
