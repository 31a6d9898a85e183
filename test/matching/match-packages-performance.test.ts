import { expect, test } from "bun:test";
import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { matchPackages } from "../../src/matching/match-packages.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { handMadeRecord, installed } from "./osv-fixtures.ts";

// The size of a Debian 12 host (710 installed binaries) against a release's
// records (about 6,000 for the changelog-derived Debian 12 set).
const PACKAGE_COUNT = 710;
const RECORD_COUNT = 6000;
const SOURCE_COUNT = 400;
const BUDGET_MS = 100;

function buildRecords(): OsvRecord[] {
  const records: OsvRecord[] = [];
  for (let index = 0; index < RECORD_COUNT; index++) {
    const source = `source${index % SOURCE_COUNT}`;
    records.push(
      handMadeRecord(
        `CVE-2026-${10000 + index}`,
        [
          {
            package: { ecosystem: "Debian:12", name: source },
            ranges: [
              {
                type: "ECOSYSTEM",
                events: [{ introduced: "0" }, { fixed: `1.${index % 7}-${index % 5}+deb12u1` }],
              },
            ],
            ecosystem_specific: { urgency: "medium" },
          },
          {
            package: { ecosystem: "Debian:11", name: source },
            ranges: [
              {
                type: "ECOSYSTEM",
                events: [{ introduced: "0" }, { fixed: `1.${index % 7}-1~deb11u1` }],
              },
            ],
          },
        ],
        { severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" }] },
      ),
    );
  }
  return records;
}

function buildPackages(): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (let index = 0; index < PACKAGE_COUNT; index++) {
    const version = `1.3-${index % 4}`;
    packages.push(
      installed(`binary${index}`, version, { sourceName: `source${index % (SOURCE_COUNT + 100)}` }),
    );
  }
  return packages;
}

test(`${PACKAGE_COUNT} packages × ${RECORD_COUNT} records match within ${BUDGET_MS} ms`, () => {
  const records = buildRecords();
  const packages = buildPackages();
  const options = { ecosystem: "Debian:12", compare: compareDebianVersions };

  // Best of three, so a busy machine does not fail the test on one slow run.
  let best = Number.POSITIVE_INFINITY;
  let findingCount = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    findingCount = matchPackages(packages, records, options).length;
    best = Math.min(best, performance.now() - start);
  }

  expect(findingCount).toBeGreaterThan(1000);
  expect(best).toBeLessThan(BUDGET_MS);
});
