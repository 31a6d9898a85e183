import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  type NvdPrimaryMetric,
  selectPrimaryMetric,
} from "../../../src/advisories/nvd/primary-metric.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/nvd");

async function readJson(name: string): Promise<Record<string, unknown>> {
  return (await Bun.file(join(FIXTURES, name)).json()) as Record<string, unknown>;
}

/** The `cve` object with this id from an NVD CVE API 2.0 response fixture. */
async function cveFromResponse(name: string, id: string): Promise<Record<string, unknown>> {
  const response = (await readJson(name)) as { vulnerabilities: { cve: { id: string } }[] };
  const entry = response.vulnerabilities.find((candidate) => candidate.cve.id === id);
  if (!entry) throw new Error(`${id} is not in ${name}`);
  return entry.cve as unknown as Record<string, unknown>;
}

const CVSS40_VULDB =
  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X";

describe("selectPrimaryMetric", () => {
  const cases: {
    name: string;
    load: () => Promise<unknown>;
    expected: NvdPrimaryMetric | null;
  }[] = [
    {
      name: "v4.0 Primary wins over v3.1 Primary",
      load: () => readJson("cve-objects/CVE-2024-5732.json"),
      expected: {
        version: "4.0",
        vectorString: CVSS40_VULDB,
        baseScore: 6.9,
        baseSeverity: "MEDIUM",
        source: "nvd@nist.gov",
      },
    },
    {
      name: "v4.0 Secondary wins over an older version's Primary",
      load: () => cveFromResponse("responses/vuln-list-update-respPage2.json", "CVE-2024-5732"),
      expected: {
        version: "4.0",
        vectorString: CVSS40_VULDB,
        baseScore: 6.9,
        baseSeverity: "MEDIUM",
        source: "cna@vuldb.com",
      },
    },
    {
      name: "v4.0 Secondary alone",
      load: () => readJson("cve-objects/CVE-2025-47273.json"),
      expected: {
        version: "4.0",
        vectorString:
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:P/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X",
        baseScore: 7.7,
        baseSeverity: "HIGH",
        source: "security-advisories@github.com",
      },
    },
    {
      name: "v3.1 Primary listed after a Secondary",
      load: () => readJson("cve-objects/CVE-2022-38178.json"),
      expected: {
        version: "3.1",
        vectorString: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
        baseScore: 7.5,
        baseSeverity: "HIGH",
        source: "nvd@nist.gov",
      },
    },
    {
      name: "v3.1 Secondary when no Primary exists",
      load: () => readJson("cve-objects/CVE-2024-10524.json"),
      expected: {
        version: "3.1",
        vectorString: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:L/I:L/A:L",
        baseScore: 6.5,
        baseSeverity: "MEDIUM",
        source: "reefs@jfrog.com",
      },
    },
    {
      name: "v3.1 Secondary wins over v3.0 Primary",
      load: () => cveFromResponse("responses/claircore-feed-3cves.json", "CVE-2016-2781"),
      expected: {
        version: "3.1",
        vectorString: "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
        baseScore: 4.6,
        baseSeverity: "MEDIUM",
        source: "134c704f-9b21-4f2e-91b3-4a467353bcc0",
      },
    },
    {
      name: "v3.0 Primary wins over v2",
      load: () => readJson("cve-objects/CVE-2016-10228.json"),
      expected: {
        version: "3.0",
        vectorString: "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H",
        baseScore: 5.9,
        baseSeverity: "MEDIUM",
        source: "nvd@nist.gov",
      },
    },
    {
      name: "v2 only, severity beside cvssData",
      load: async () => {
        const cve = await readJson("cve-objects/CVE-2016-10228.json");
        const metrics = cve.metrics as Record<string, unknown>;
        delete metrics.cvssMetricV30;
        return cve;
      },
      expected: {
        version: "2.0",
        vectorString: "AV:N/AC:M/Au:N/C:N/I:N/A:P",
        baseScore: 4.3,
        baseSeverity: "MEDIUM",
        source: "nvd@nist.gov",
      },
    },
    {
      name: "rejected CVE without metrics",
      load: () => cveFromResponse("responses/claircore-feed-3cves.json", "CVE-2016-3197"),
      expected: null,
    },
    {
      name: "not an object",
      load: async () => "CVE-2016-3197",
      expected: null,
    },
  ];

  for (const { name, load, expected } of cases) {
    test(name, async () => {
      expect(selectPrimaryMetric(await load())).toEqual(expected);
    });
  }

  test("entry without a vector is skipped", () => {
    const cve = {
      metrics: {
        cvssMetricV31: [
          { type: "Primary", source: "nvd@nist.gov", cvssData: { baseScore: 9.8 } },
          {
            type: "Secondary",
            source: "cna@example.org",
            cvssData: {
              vectorString: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
              baseScore: 9.8,
            },
          },
        ],
      },
    };
    expect(selectPrimaryMetric(cve)?.source).toBe("cna@example.org");
    expect(selectPrimaryMetric(cve)?.baseSeverity).toBeNull();
  });

  test("every CVE of a full response page", async () => {
    const response = (await readJson("responses/osv.dev-vulnfeeds-test.json")) as {
      vulnerabilities: { cve: { id: string } }[];
    };
    const chosen = Object.fromEntries(
      response.vulnerabilities.map(({ cve }) => {
        const metric = selectPrimaryMetric(cve);
        return [cve.id, metric && `${metric.version} ${metric.source} ${metric.baseScore}`];
      }),
    );
    expect(chosen).toEqual({
      "CVE-2026-20912": "3.1 134c704f-9b21-4f2e-91b3-4a467353bcc0 9.1",
      "CVE-2023-22466": "3.1 nvd@nist.gov 5.4",
      "CVE-2026-23522": "3.1 security-advisories@github.com 3.7",
      "CVE-2025-4565": "4.0 cve-coordination@google.com 8.2",
      "CVE-2018-14618": "3.0 nvd@nist.gov 9.8",
      "CVE-2023-1055": "3.1 nvd@nist.gov 5.5",
      "CVE-2024-7264": "3.1 nvd@nist.gov 6.5",
      "CVE-2022-33068": "3.1 nvd@nist.gov 5.5",
      "CVE-2016-1897": "3.0 nvd@nist.gov 5.5",
      "CVE-2016-15012": "3.1 nvd@nist.gov 9.8",
      "CVE-2024-2002": "3.1 secalert@redhat.com 7.5",
      "CVE-2024-31497": "3.1 nvd@nist.gov 5.9",
      "CVE-2023-45803": "3.1 nvd@nist.gov 4.2",
    });
  });
});
