import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { OsvAffected, OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import { rateAffected, ratingFromNvdMetric } from "../../src/severity/rate-finding.ts";
import { handMadeRecord, loadOsvFixture } from "../matching/osv-fixtures.ts";

function entryIn(record: OsvRecord, ecosystem: string, name?: string): OsvAffected {
  const entry = record.affected?.find(
    (item) =>
      item.package?.ecosystem === ecosystem && (name === undefined || item.package.name === name),
  );
  if (entry === undefined) {
    throw new Error(`${record.id} has no entry for ${name ?? "any package"} in ${ecosystem}`);
  }
  return entry;
}

const DEBIAN_ENTRY: OsvAffected = {
  package: { ecosystem: "Debian:12", name: "example" },
  ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
};

describe("rateAffected on real records", () => {
  test("Ubuntu priority wins over a higher CVSS score", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2017-11164.json");

    const rating = rateAffected(record, entryIn(record, "Ubuntu:22.04:LTS"));

    expect(record.severity?.[0]?.score).toBe("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
    expect(rating).toEqual({
      severity: "low",
      source: "ubuntu-priority",
      score: null,
      vector: null,
      distroRating: "negligible",
    });
  });

  test("Debian urgency of the changelog record", async () => {
    const record = await loadOsvFixture("debian12-changelogs/CVE-2020-3810.json");

    const rating = rateAffected(record, entryIn(record, "Debian:12"));

    expect(rating.severity).toBe("critical");
    expect(rating.source).toBe("debian-urgency");
    expect(rating.distroRating).toBe("critical");
  });

  test("same CVE, two sources, rated each on its own", async () => {
    const record = await loadOsvFixture("debian12-changelogs/CVE-2023-52425.json");
    const perSource = {
      ...record,
      affected: record.affected?.map((entry, index) => ({
        ...entry,
        ecosystem_specific: { urgency: index === 0 ? "low" : "unimportant" },
      })),
    };

    const expat = rateAffected(perSource, entryIn(perSource, "Debian:12", "expat"));
    const python = rateAffected(perSource, entryIn(perSource, "Debian:12", "python3.11"));

    expect([expat.severity, expat.distroRating]).toEqual(["low", "low"]);
    expect([python.severity, python.distroRating]).toEqual(["low", "unimportant"]);
  });

  test("not-yet-assigned urgency without vectors is unknown", async () => {
    const record = await loadOsvFixture("osv-api/CVE-2025-26519.json");

    expect(rateAffected(record, entryIn(record, "Debian:12"))).toEqual({
      severity: "unknown",
      source: "none",
      score: null,
      vector: null,
      distroRating: "not yet assigned",
    });
  });

  test("record without any rating is unknown", async () => {
    const record = await loadOsvFixture("debian/DLA-3008-1.json");

    expect(rateAffected(record, entryIn(record, "Debian:9"))).toEqual({
      severity: "unknown",
      source: "none",
      score: null,
      vector: null,
      distroRating: null,
    });
  });

  test("Ubuntu record vectors rate when the priority is removed", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2023-38545.json");
    const vectorsOnly = {
      ...record,
      severity: record.severity?.filter((item) => item.type !== "Ubuntu"),
    };

    const rating = rateAffected(vectorsOnly, entryIn(vectorsOnly, "Ubuntu:22.04:LTS"));

    expect(rating).toEqual({
      severity: "critical",
      source: "osv-cvss",
      score: 9.8,
      vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      distroRating: null,
    });
  });
});

describe("rateAffected with vectors", () => {
  test("8.8 vector is high", () => {
    const record = handMadeRecord("CVE-2026-0001", [DEBIAN_ENTRY], {
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" }],
    });

    const rating = rateAffected(record, DEBIAN_ENTRY);

    expect(rating.severity).toBe("high");
    expect(rating.score).toBe(8.8);
    expect(rating.source).toBe("osv-cvss");
  });

  test("entry vectors count with the record's", () => {
    const entry = {
      ...DEBIAN_ENTRY,
      severity: [{ type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:C/I:C/A:C" }],
    };
    const record = handMadeRecord("CVE-2026-0002", [entry], {
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N" }],
    });

    const rating = rateAffected(record, entry);

    expect(rating.score).toBe(10);
    expect(rating.vector).toBe("AV:N/AC:L/Au:N/C:C/I:C/A:C");
  });

  test("invalid vector is skipped, not thrown", () => {
    const record = handMadeRecord("CVE-2026-0003", [DEBIAN_ENTRY], {
      severity: [
        { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:Z" },
        { type: "CVSS_V3", score: "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H" },
      ],
    });

    const rating = rateAffected(record, DEBIAN_ENTRY);

    expect(rating.score).toBe(5.9);
    expect(rating.severity).toBe("medium");
  });

  test("only invalid vectors leave it unknown", () => {
    const record = handMadeRecord("CVE-2026-0004", [DEBIAN_ENTRY], {
      severity: [{ type: "CVSS_V4", score: "CVSS:4.0/AV:N" }],
    });

    expect(rateAffected(record, DEBIAN_ENTRY).source).toBe("none");
  });

  test("0.0 score is unknown, with the score kept", () => {
    const record = handMadeRecord("CVE-2026-0005", [DEBIAN_ENTRY], {
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N" }],
    });

    const rating = rateAffected(record, DEBIAN_ENTRY);

    expect(rating.severity).toBe("unknown");
    expect(rating.source).toBe("osv-cvss");
    expect(rating.score).toBe(0);
  });

  test("unrated distro word falls through to the vectors", () => {
    const entry = { ...DEBIAN_ENTRY, ecosystem_specific: { urgency: "not yet assigned" } };
    const record = handMadeRecord("CVE-2026-0006", [entry], {
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" }],
    });

    expect(rateAffected(record, entry)).toEqual({
      severity: "high",
      source: "osv-cvss",
      score: 8.8,
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      distroRating: "not yet assigned",
    });
  });
});

describe("ratingFromNvdMetric", () => {
  test("computes the score from the vector", () => {
    const rating = ratingFromNvdMetric({
      version: "3.1",
      vectorString: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      baseScore: 9.9,
    });

    expect(rating).toEqual({
      severity: "high",
      source: "nvd-cvss",
      score: 8.8,
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      distroRating: null,
    });
  });

  test("falls back to NVD's score for a vector it cannot read", () => {
    const rating = ratingFromNvdMetric({
      version: "3.1",
      vectorString: "CVSS:3.1/AV:N",
      baseScore: 7.5,
    });

    expect(rating.severity).toBe("high");
    expect(rating.score).toBe(7.5);
    expect(rating.source).toBe("nvd-cvss");
  });

  test("unknown without vector or score", () => {
    const rating = ratingFromNvdMetric({
      version: "5.0",
      vectorString: "CVSS:5.0/AV:N",
      baseScore: null,
    });

    expect(rating.severity).toBe("unknown");
    expect(rating.source).toBe("none");
  });

  test("v4.0 metric of CVE-2025-47273 matches NVD", async () => {
    const path = join(
      import.meta.dir,
      "..",
      "fixtures",
      "nvd",
      "cve-objects",
      "CVE-2025-47273.json",
    );
    const cve = (await Bun.file(path).json()) as {
      metrics: {
        cvssMetricV40: { cvssData: { version: string; vectorString: string; baseScore: number } }[];
      };
    };
    const metric = cve.metrics.cvssMetricV40[0]?.cvssData;
    if (metric === undefined) {
      throw new Error("CVE-2025-47273.json has no cvssMetricV40");
    }

    const rating = ratingFromNvdMetric(metric);

    expect(rating.score).toBe(metric.baseScore);
    expect(rating.severity).toBe("high");
  });
});
