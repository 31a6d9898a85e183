import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_OSV_URL, loadCortexConfig } from "../../src/config/cortex-config.ts";
import { type CortexError, isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cortex-config-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("loadCortexConfig", () => {
  test("defaults without files", () => {
    const dir = configDir({});
    const config = loadCortexConfig({ env: { CORTEX_CONFIG_DIR: dir }, uid: 1000, homeDir: dir });
    expect(config.osvUrl).toBe(DEFAULT_OSV_URL);
    expect(config.cacheTtlHours).toBe(24);
    expect(config.maxDataAgeDays).toBe(7);
  });

  test("environment wins over the file", () => {
    const dir = configDir({ "config.json": JSON.stringify({ osvUrl: "http://127.0.0.1:1/file" }) });
    const config = loadCortexConfig({
      env: { CORTEX_CONFIG_DIR: dir, CORTEX_OSV_URL: "http://127.0.0.1:2/env" },
      uid: 1000,
      homeDir: dir,
    });
    expect(config.osvUrl).toBe("http://127.0.0.1:2/env");
  });

  test("home file overrides /etc-style file", () => {
    const home = mkdtempSync(join(tmpdir(), "cortex-home-"));
    dirs.push(home);
    mkdirSync(join(home, ".cortex"));
    writeFileSync(join(home, ".cortex", "config.json"), JSON.stringify({ cacheTtlHours: 2 }));
    const config = loadCortexConfig({ env: {}, uid: 1000, homeDir: home });
    expect(config.cacheTtlHours).toBe(2);
  });

  test("invalid JSON names the file", () => {
    const dir = configDir({ "config.json": "{ not json" });
    expect(() =>
      loadCortexConfig({ env: { CORTEX_CONFIG_DIR: dir }, uid: 0, homeDir: dir }),
    ).toThrow(/invalid JSON in .*config\.json/);
  });

  test("unknown key is rejected", () => {
    const dir = configDir({ "config.json": JSON.stringify({ cacheTTL: 3 }) });
    expect(() =>
      loadCortexConfig({ env: { CORTEX_CONFIG_DIR: dir }, uid: 0, homeDir: dir }),
    ).toThrow(/config\.json/);
  });

  test("non-HTTP URL in the file is rejected", () => {
    for (const osvUrl of ["file:///etc", "ftp://127.0.0.1/"]) {
      const dir = configDir({ "config.json": JSON.stringify({ osvUrl }) });
      expect(() =>
        loadCortexConfig({ env: { CORTEX_CONFIG_DIR: dir }, uid: 0, homeDir: dir }),
      ).toThrow(/osvUrl/);
    }
  });

  const invalidEnvironmentUrls: Array<[string, string]> = [
    ["CORTEX_OSV_URL", "garbage"],
    ["CORTEX_OSV_URL", "file:///etc"],
    ["CORTEX_NVD_URL", "ftp://127.0.0.1/"],
  ];
  test.each(invalidEnvironmentUrls)("invalid %s %s is rejected", (name, value) => {
    const dir = configDir({});
    let error: unknown;
    try {
      loadCortexConfig({ env: { CORTEX_CONFIG_DIR: dir, [name]: value }, uid: 0, homeDir: dir });
    } catch (caught) {
      error = caught;
    }
    expect(isCortexError(error)).toBe(true);
    expect((error as CortexError).exitCode).toBe(ExitCode.unusableInput);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(value);
  });

  test("byte order mark is ignored", () => {
    // Some Windows editors start a UTF-8 file with U+FEFF, which JSON.parse rejects.
    const dir = configDir({ "config.json": `\uFEFF${JSON.stringify({ cacheTtlHours: 3 })}` });
    const config = loadCortexConfig({ env: { CORTEX_CONFIG_DIR: dir }, uid: 0, homeDir: dir });
    expect(config.cacheTtlHours).toBe(3);
  });
});
