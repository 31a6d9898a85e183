import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { createStatusApp, STATUS_PATHS } from "../../src/server/create-app.ts";
import type { StatusSources } from "../../src/server/status-sources.ts";
import { parsePrometheusText } from "./prometheus-text-parser.ts";
import { fakeSources, NOW, TOKEN } from "./status-fixtures.ts";

function appWith(sources: StatusSources = fakeSources(), token?: string) {
  const log = createMemoryLogger();
  const app = createStatusApp(sources, { token, now: () => NOW, maxDataAgeDays: 7, log });
  return { app, log };
}

async function getJson(path: string, sources?: StatusSources) {
  const { app } = appWith(sources);
  const response = await app.request(path);
  return { response, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /healthz", () => {
  test("returns ok", async () => {
    const { response, body } = await getJson("/healthz");
    expect(response.status).toBe(200);
    expect(body).toEqual({ status: "ok" });
  });

  test("sets no-store and nosniff headers", async () => {
    const { response } = await getJson("/healthz");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("GET /status", () => {
  test("reports last scan with counts", async () => {
    const { response, body } = await getJson("/status");
    expect(response.status).toBe(200);
    expect(body.generatedAt).toBe("2026-12-04T12:00:00.000Z");
    expect(body.lastScan).toMatchObject({
      scanId: 7,
      scannedAt: "2026-12-04T11:00:00.000Z",
      complete: true,
      counts: { critical: 1, high: 2, medium: 1, low: 0, unknown: 1 },
      total: 5,
    });
    expect(body.lastScan).not.toHaveProperty("findings");
  });

  test("reports data age per ecosystem", async () => {
    const { body } = await getJson("/status");
    expect(body.advisoryData).toEqual([
      {
        ecosystem: "Debian:12",
        refreshedAt: "2026-12-03T12:00:00.000Z",
        ageSeconds: 86_400,
        stale: false,
        recordCount: 5980,
      },
      {
        ecosystem: "Ubuntu:22.04:LTS",
        refreshedAt: "2026-11-01T12:00:00.000Z",
        ageSeconds: 33 * 86_400,
        stale: true,
        recordCount: 37,
      },
      {
        ecosystem: "Alpine:v3.20",
        refreshedAt: null,
        ageSeconds: null,
        stale: true,
        recordCount: 1,
      },
    ]);
  });

  test("reports reboot, schedules and last patch run", async () => {
    const { body } = await getJson("/status");
    expect(body.rebootPending).toBe(true);
    expect(body.rebootReasons).toEqual(["/var/run/reboot-required exists (packages: libc6)"]);
    expect(body.schedules).toEqual([
      {
        id: "nightly",
        frequency: "daily",
        onCalendar: "*-*-* 03:30:00",
        patchEnabled: true,
        strategy: "critical_only",
        timerInstalled: true,
        timerEnabled: true,
        lastRun: {
          startedAt: "2026-12-04T03:30:12.000Z",
          finishedAt: "2026-12-04T03:31:02.000Z",
          outcome: "succeeded",
        },
        nextRunAt: "2026-12-05T03:30:00.000Z",
      },
    ]);
    expect(body.lastPatchRun).toEqual({
      id: 1,
      kind: "patch",
      startedAt: "2026-12-01T04:00:00.000Z",
      finishedAt: "2026-12-01T04:03:00.000Z",
      status: "partial",
    });
  });

  test("without any record reports nulls", async () => {
    const sources = fakeSources({
      latestScan: () => null,
      dataFreshness: () => [],
      schedules: () => [],
      lastPatchRun: () => null,
      rebootStatus: () => ({ pending: false, reasons: [] }),
    });
    const { response, body } = await getJson("/status", sources);
    expect(response.status).toBe(200);
    expect(body.lastScan).toBeNull();
    expect(body.advisoryData).toEqual([]);
    expect(body.schedules).toEqual([]);
    expect(body.lastPatchRun).toBeNull();
    expect(body.rebootPending).toBe(false);
    expect(body.rebootReasons).toEqual([]);
  });

  test("accepts sources that return promises", async () => {
    const plain = fakeSources();
    const sources = fakeSources({
      latestScan: async () => plain.latestScan(),
      rebootStatus: async () => ({ pending: false, reasons: [] }),
    });
    const { body } = await getJson("/status", sources);
    expect(body.lastScan).toMatchObject({ scanId: 7 });
    expect(body.rebootPending).toBe(false);
  });
});

describe("GET /vulnerabilities", () => {
  test("returns the last scan as scan --json", async () => {
    const { response, body } = await getJson("/vulnerabilities");
    expect(response.status).toBe(200);
    expect(body.schemaVersion).toBe(1);
    expect(body.scanId).toBe(7);
    expect(body.scannedAt).toBe("2026-12-04T11:00:00.000Z");
    expect(body.dataAgeSeconds).toBe(86_400);
    expect(body.dataStale).toBe(false);
    expect(body.total).toBe(5);
    expect(body.counts).toEqual({ critical: 1, high: 2, medium: 1, low: 0, unknown: 1 });
    expect((body.findings as { package: string }[]).map((f) => f.package)).toEqual([
      "apt",
      "libx11-6",
      "libx11-data",
      "libexpat1",
      "libcap2",
    ]);
  });

  test("filters by one severity", async () => {
    const { body } = await getJson("/vulnerabilities?severity=high");
    expect(body.total).toBe(2);
    expect(body.counts).toEqual({ critical: 0, high: 2, medium: 0, low: 0, unknown: 0 });
  });

  test("filters by a severity list", async () => {
    const { body } = await getJson("/vulnerabilities?severity=critical,unknown");
    const ids = (body.findings as { vulnerabilityId: string }[]).map((f) => f.vulnerabilityId);
    expect(ids).toEqual(["CVE-2020-3810", "CVE-2026-4878"]);
    expect(body.counts).toEqual({ critical: 1, high: 0, medium: 0, low: 0, unknown: 1 });
  });

  test("filters by binary package", async () => {
    const { body } = await getJson("/vulnerabilities?package=libexpat1");
    const packages = (body.findings as { package: string }[]).map((f) => f.package);
    expect(packages).toEqual(["libexpat1"]);
  });

  test("filters by source package", async () => {
    const { body } = await getJson("/vulnerabilities?package=libx11");
    const packages = (body.findings as { package: string }[]).map((f) => f.package);
    expect(packages).toEqual(["libx11-6", "libx11-data"]);
    expect(body.total).toBe(2);
  });

  test("combines severity and package", async () => {
    const { body } = await getJson("/vulnerabilities?severity=critical&package=libx11");
    expect(body.findings).toEqual([]);
    expect(body.total).toBe(0);
  });

  test("without a scan is 404", async () => {
    const { response, body } = await getJson(
      "/vulnerabilities",
      fakeSources({ latestScan: () => null }),
    );
    expect(response.status).toBe(404);
    expect(body.error).toBe(
      "no full scan of this host (/) is recorded, and scans made with --root or --package are not served: run cortex security scan without those options",
    );
  });

  const invalidQueries: [string, string][] = [
    ["?severity=severe", 'invalid severity "severe"'],
    ["?severity=", 'invalid severity ""'],
    ["?severity=high,", 'invalid severity "high,"'],
    ["?package=", 'invalid package name ""'],
    ["?package=LibSSL3", 'invalid package name "LibSSL3"'],
    ["?package=..%2Fetc%2Fpasswd", "invalid package name"],
    ["?package=a%00b", "invalid package name"],
    [`?package=${"a".repeat(129)}`, "more than the maximum of 128"],
    [`?package=${"a".repeat(300)}`, "more than the maximum of 256"],
    ["?severity=high&severity=low", '"severity" is given more than once'],
    ["?pkg=openssl", 'unknown query parameter "pkg"'],
  ];
  for (const [query, message] of invalidQueries) {
    test(`rejects ${query.slice(0, 40)}`, async () => {
      const { response, body } = await getJson(`/vulnerabilities${query}`);
      expect(response.status).toBe(400);
      expect(body.error).toContain(message);
    });
  }
});

describe("GET /history", () => {
  test("defaults to 50 entries", async () => {
    const sources = fakeSources();
    const { response, body } = await getJson("/history", sources);
    expect(response.status).toBe(200);
    expect(sources.historyLimits).toEqual([50]);
    expect(body.limit).toBe(50);
    expect((body.entries as { kind: string }[]).map((entry) => entry.kind)).toEqual([
      "rollback",
      "patch",
    ]);
  });

  test("passes limit to the source", async () => {
    const sources = fakeSources();
    const { body } = await getJson("/history?limit=1", sources);
    expect(sources.historyLimits).toEqual([1]);
    expect(body.entries).toHaveLength(1);
  });

  test("accepts the maximum limit 1000", async () => {
    const sources = fakeSources();
    const { response } = await getJson("/history?limit=1000", sources);
    expect(response.status).toBe(200);
    expect(sources.historyLimits).toEqual([1000]);
  });

  for (const limit of ["0", "-1", "1001", "1.5", "1e3", "abc", "", " 5", "0x10", "99999999"]) {
    test(`rejects limit "${limit}"`, async () => {
      const sources = fakeSources();
      const { response, body } = await getJson(
        `/history?limit=${encodeURIComponent(limit)}`,
        sources,
      );
      expect(response.status).toBe(400);
      expect(body.error).toContain("use a whole number from 1 to 1000");
      expect(sources.historyLimits).toEqual([]);
    });
  }
});

describe("GET /metrics", () => {
  test("parses as Prometheus text 0.0.4", async () => {
    const { app } = appWith();
    const response = await app.request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusText(await response.text());
    expect([...families.keys()]).toEqual([
      "cortex_findings",
      "cortex_last_scan_timestamp_seconds",
      "cortex_last_scan_complete",
      "cortex_advisory_data_age_seconds",
      "cortex_patch_runs_total",
      "cortex_reboot_pending",
    ]);
  });

  test("reports findings per severity", async () => {
    const { app } = appWith();
    const families = parsePrometheusText(await (await app.request("/metrics")).text());
    const findings = families.get("cortex_findings");
    expect(findings?.type).toBe("gauge");
    const bySeverity = Object.fromEntries(
      (findings?.samples ?? []).map((sample) => [sample.labels.severity, sample.value]),
    );
    expect(bySeverity).toEqual({ critical: 1, high: 2, medium: 1, low: 0, unknown: 1 });
  });

  test("reports data age, scan time, patches and reboot", async () => {
    const { app } = appWith();
    const families = parsePrometheusText(await (await app.request("/metrics")).text());

    const ages = families.get("cortex_advisory_data_age_seconds")?.samples ?? [];
    expect(ages.map((sample) => [sample.labels.ecosystem, sample.value])).toEqual([
      ["Debian:12", 86_400],
      ["Ubuntu:22.04:LTS", 33 * 86_400],
    ]);

    const scanTime = families.get("cortex_last_scan_timestamp_seconds")?.samples[0]?.value;
    expect(scanTime).toBe(Date.parse("2026-12-04T11:00:00.000Z") / 1000);
    expect(families.get("cortex_last_scan_complete")?.samples[0]?.value).toBe(1);

    const patchRuns = families.get("cortex_patch_runs_total");
    expect(patchRuns?.type).toBe("counter");
    expect(patchRuns?.samples.map((sample) => [sample.labels.status, sample.value])).toEqual([
      ["failed", 0],
      ["partial", 1],
      ["succeeded", 3],
    ]);

    expect(families.get("cortex_reboot_pending")?.samples[0]?.value).toBe(1);
  });

  test("without a scan keeps families empty", async () => {
    const sources = fakeSources({
      latestScan: () => null,
      dataFreshness: () => [],
      patchRunCounts: () => ({}),
      rebootStatus: () => ({ pending: false, reasons: [] }),
    });
    const { app } = appWith(sources);
    const families = parsePrometheusText(await (await app.request("/metrics")).text());
    expect(families.get("cortex_findings")?.samples).toEqual([]);
    expect(families.get("cortex_last_scan_timestamp_seconds")?.samples).toEqual([]);
    expect(families.get("cortex_patch_runs_total")?.samples).toEqual([]);
    expect(families.get("cortex_reboot_pending")?.samples[0]?.value).toBe(0);
  });

  test("rejects query parameters", async () => {
    const { app } = appWith();
    const response = await app.request("/metrics?format=json");
    expect(response.status).toBe(400);
  });
});

describe("routing", () => {
  test("unknown path is 404 JSON", async () => {
    const { response, body } = await getJson("/admin");
    expect(response.status).toBe(404);
    expect(body.error).toContain("path not found: /admin");
  });

  test("trailing slash is 404", async () => {
    const { response } = await getJson("/status/");
    expect(response.status).toBe(404);
  });

  for (const path of STATUS_PATHS) {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      test(`${method} ${path} is 405`, async () => {
        const { app } = appWith();
        const response = await app.request(path, { method });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("GET, HEAD");
        const body = (await response.json()) as { error: string };
        expect(body.error).toContain(`method ${method} is not allowed`);
      });
    }
  }

  test("HEAD answers without a body", async () => {
    const { app } = appWith();
    const response = await app.request("/status", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  for (const path of STATUS_PATHS) {
    test(`HEAD ${path} has GET's headers`, async () => {
      const { app } = appWith();
      const get = await app.request(path);
      const getBytes = (await get.arrayBuffer()).byteLength;
      const head = await app.request(path, { method: "HEAD" });
      expect(head.status).toBe(get.status);
      expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
      expect(head.headers.get("content-length")).toBe(String(getBytes));
      expect(head.headers.get("cache-control")).toBe("no-store");
    });
  }

  test("source failure is 500 and logged", async () => {
    const sources = fakeSources({
      latestScan: () => {
        throw new Error("database is locked");
      },
    });
    const { app, log } = appWith(sources);
    const response = await app.request("/status");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string };
    expect(body.error).toBe("failed to answer /status: database is locked");
    expect(log.lines).toEqual(["error: failed to answer GET /status: database is locked"]);
  });
});

describe("bearer token", () => {
  const headers = (authorization: string) => ({ headers: { Authorization: authorization } });

  for (const path of STATUS_PATHS) {
    test(`${path} needs the token`, async () => {
      const { app } = appWith(fakeSources(), TOKEN);
      const response = await app.request(path);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="cortex"');
      const body = (await response.json()) as { error: string };
      expect(body.error).toContain("missing or invalid bearer token");
    });
  }

  test("unknown path needs the token too", async () => {
    const { app } = appWith(fakeSources(), TOKEN);
    expect((await app.request("/admin")).status).toBe(401);
  });

  const rejected: [string, string][] = [
    ["wrong token", `Bearer ${TOKEN.slice(0, -1)}x`],
    ["token prefix", `Bearer ${TOKEN.slice(0, 8)}`],
    ["token with suffix", `Bearer ${TOKEN}0`],
    ["basic scheme", `Basic ${btoa(`user:${TOKEN}`)}`],
    ["no scheme", TOKEN],
    ["empty bearer", "Bearer "],
    ["two tokens", `Bearer ${TOKEN} ${TOKEN}`],
  ];
  for (const [name, authorization] of rejected) {
    test(`rejects ${name}`, async () => {
      const { app } = appWith(fakeSources(), TOKEN);
      const response = await app.request("/status", headers(authorization));
      expect(response.status).toBe(401);
    });
  }

  test("accepts the right token", async () => {
    const { app } = appWith(fakeSources(), TOKEN);
    const response = await app.request("/status", headers(`Bearer ${TOKEN}`));
    expect(response.status).toBe(200);
  });

  test("accepts lowercase scheme", async () => {
    const { app } = appWith(fakeSources(), TOKEN);
    const response = await app.request("/healthz", headers(`bearer ${TOKEN}`));
    expect(response.status).toBe(200);
  });
});
