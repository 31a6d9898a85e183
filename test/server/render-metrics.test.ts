import { describe, expect, test } from "bun:test";
import { renderMetrics } from "../../src/server/render-metrics.ts";
import { parsePrometheusText } from "./prometheus-text-parser.ts";
import { NOW, sampleScan } from "./status-fixtures.ts";

describe("renderMetrics", () => {
  test("escapes label values", () => {
    const awkward = 'Odd "eco"\\system\nname';
    const text = renderMetrics(
      {
        latestScan: null,
        dataFreshness: [{ ecosystem: awkward, refreshedAt: NOW, recordCount: 1 }],
        patchRunCounts: {},
        rebootPending: false,
      },
      NOW,
    );
    expect(text).toContain('ecosystem="Odd \\"eco\\"\\\\system\\nname"');
    const samples = parsePrometheusText(text).get("cortex_advisory_data_age_seconds")?.samples;
    expect(samples?.[0]?.labels.ecosystem).toBe(awkward);
    expect(samples?.[0]?.value).toBe(0);
  });

  test("ends with a line feed", () => {
    const text = renderMetrics(
      { latestScan: sampleScan(), dataFreshness: [], patchRunCounts: {}, rebootPending: false },
      NOW,
    );
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain("\n\n");
  });

  test("clamps data refreshed in the future to 0", () => {
    const future = new Date(NOW.getTime() + 60_000);
    const text = renderMetrics(
      {
        latestScan: null,
        dataFreshness: [{ ecosystem: "Debian:12", refreshedAt: future, recordCount: 1 }],
        patchRunCounts: {},
        rebootPending: false,
      },
      NOW,
    );
    const samples = parsePrometheusText(text).get("cortex_advisory_data_age_seconds")?.samples;
    expect(samples?.[0]?.value).toBe(0);
  });

  test("reports an incomplete scan as 0", () => {
    const scan = { ...sampleScan(), complete: false };
    const text = renderMetrics(
      { latestScan: scan, dataFreshness: [], patchRunCounts: {}, rebootPending: false },
      NOW,
    );
    const complete = parsePrometheusText(text).get("cortex_last_scan_complete")?.samples[0];
    expect(complete?.value).toBe(0);
  });
});

describe("parsePrometheusText", () => {
  const invalid: [string, string][] = [
    ["no final line feed", "# HELP a x\n# TYPE a gauge\na 1"],
    ["missing TYPE", "# HELP a x\na 1\n"],
    ["missing HELP", "# TYPE a gauge\na 1\n"],
    ["bad value", "# HELP a x\n# TYPE a gauge\na one\n"],
    ["bad escape", '# HELP a x\n# TYPE a gauge\na{l="\\t"} 1\n'],
    ["duplicate series", "# HELP a x\n# TYPE a gauge\na 1\na 2\n"],
    [
      "split family",
      '# HELP a x\n# TYPE a gauge\n# HELP b x\n# TYPE b gauge\na 1\nb 1\na{x="1"} 1\n',
    ],
    ["TYPE after sample", "# HELP a x\na 1\n# TYPE a gauge\n"],
    ["unknown type", "# HELP a x\n# TYPE a meter\na 1\n"],
  ];
  for (const [name, text] of invalid) {
    test(`rejects ${name}`, () => {
      expect(() => parsePrometheusText(text)).toThrow();
    });
  }
});
