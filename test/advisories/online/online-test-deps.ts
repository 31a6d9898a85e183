import type { CortexConfig } from "../../../src/config/cortex-config.ts";
import type { RetryPolicy } from "../../../src/platform/http/json-http-client.ts";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";

/** Retries that take milliseconds, so fault tests run fast. */
export const FAST_RETRY: Partial<RetryPolicy> = {
  retries: 3,
  minDelayMs: 1,
  maxDelayMs: 2,
  maxRetryAfterMs: 50,
};

/** Builds the configuration of a test run, with both data sources pointing at the mock. */
export function mockConfig(
  mock: MockAdvisoryServer,
  overrides: Partial<CortexConfig> = {},
): CortexConfig {
  return {
    osvUrl: mock.osvUrl,
    nvdUrl: mock.nvdUrl,
    nvdApiKey: null,
    nvdEnabled: true,
    nvdTimeBudgetSeconds: 5,
    cacheTtlHours: 24,
    maxDataAgeDays: 7,
    requestTimeoutSeconds: 2,
    ...overrides,
  };
}

/** The 13 Ubuntu 22.04 source packages whose recorded querybatch ids all have a full record. */
export const FULLY_RECORDED_UBUNTU = [
  ["acl", "2.3.1-1", ["UBUNTU-CVE-2026-54369", "UBUNTU-CVE-2026-54370"]],
  ["attr", "1:2.5.1-1build1", ["UBUNTU-CVE-2026-54371"]],
  ["bzip2", "1.0.8-5build1", ["UBUNTU-CVE-2026-42250"]],
  ["diffutils", "1:3.8-0ubuntu2", ["UBUNTU-CVE-2026-53910"]],
  ["dpkg", "1.21.1ubuntu2.3", ["UBUNTU-CVE-2025-6297", "USN-7768-1"]],
  ["gzip", "1.10-4ubuntu4.1", ["UBUNTU-CVE-2026-41991", "UBUNTU-CVE-2026-41992", "USN-8512-1"]],
  ["libzstd", "1.4.8+dfsg-3build1", ["UBUNTU-CVE-2022-4899"]],
  ["lz4", "1.9.3-2build2", ["UBUNTU-CVE-2025-62813"]],
  ["p11-kit", "0.24.0-6build1", ["UBUNTU-CVE-2026-13757"]],
  ["pcre2", "10.39-3ubuntu0.1", ["UBUNTU-CVE-2022-41409"]],
  ["pcre3", "2:8.39-13ubuntu0.22.04.1", ["UBUNTU-CVE-2017-11164"]],
  ["sed", "4.8-1ubuntu2", ["UBUNTU-CVE-2026-5958", "USN-8229-1"]],
  ["xz-utils", "5.2.5-2ubuntu1", ["UBUNTU-CVE-2026-34743", "USN-8362-1"]],
] as const;

/** The Debian 9 source packages of the recorded DLA records. */
export const RECORDED_DEBIAN_9 = [
  ["dpkg", "1.18.25", ["DLA-3022-1"]],
  ["libxml2", "2.9.4+dfsg1-2.2+deb9u6", ["DLA-3012-1"]],
  ["openssl", "1.1.0l-1~deb9u5", ["DLA-3008-1"]],
  ["tzdata", "2021a-0+deb9u3", ["DLA-3051-1"]],
] as const;

export function ubuntuQueries(ecosystem = "Ubuntu:22.04:LTS") {
  return FULLY_RECORDED_UBUNTU.map(([name, version]) => ({ ecosystem, name, version }));
}

export function debian9Queries() {
  return RECORDED_DEBIAN_9.map(([name, version]) => ({ ecosystem: "Debian:9", name, version }));
}
