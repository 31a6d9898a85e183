import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PATCHER_CONFIG, loadPatcherConfig } from "../../src/patching/patcher-config.ts";
import { CortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";

const directories: string[] = [];
function home(files: Record<string, unknown>): string {
  const directory = mkdtempSync(join(tmpdir(), "cortex-patcher-config-"));
  directories.push(directory);
  mkdirSync(join(directory, ".cortex"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(
      join(directory, name),
      typeof content === "string" ? content : JSON.stringify(content),
    );
  }
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

const load = (configDir: string) =>
  loadPatcherConfig({ env: { CORTEX_CONFIG_DIR: configDir }, uid: 1000, homeDir: "/nonexistent" });

describe("loadPatcherConfig", () => {
  test("defaults without a file", () => {
    expect(load(home({}))).toEqual(DEFAULT_PATCHER_CONFIG);
    expect(DEFAULT_PATCHER_CONFIG.unknownSeverity).toBe("high");
    expect(DEFAULT_PATCHER_CONFIG.minSeverity).toBe("low");
  });

  test("reads every key", () => {
    const dir = home({
      "patcher_config.json": {
        whitelist: ["openssl", "lib*"],
        blacklist: ["linux-image-*"],
        min_severity: "medium",
        unknown_severity: "critical",
        saved_package_retention_days: 30,
      },
    });
    expect(load(dir)).toEqual({
      whitelist: ["openssl", "lib*"],
      blacklist: ["linux-image-*"],
      minSeverity: "medium",
      unknownSeverity: "critical",
      savedPackageRetentionDays: 30,
    });
  });

  test("FIFO is rejected, not read", () => {
    // Reading a FIFO blocks until a writer appears, and a blocked read also delays SIGTERM.
    const dir = home({});
    Bun.spawnSync(["mkfifo", join(dir, "patcher_config.json")]);
    let error: unknown;
    try {
      load(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CortexError);
    expect((error as CortexError).exitCode).toBe(ExitCode.unusableInput);
    expect((error as CortexError).message).toContain("not a regular file");
  });

  test("later directory wins", () => {
    const dir = home({ "patcher_config.json": { blacklist: ["a"], min_severity: "high" } });
    writeFileSync(join(dir, ".cortex/patcher_config.json"), JSON.stringify({ blacklist: ["b"] }));
    const config = loadPatcherConfig({ env: {}, uid: 1000, homeDir: dir });
    // /etc/cortex is read first; on this machine it has no patcher_config.json.
    expect(config.blacklist).toEqual(["b"]);
  });

  test.each([
    ["unknown key", { blacklsit: ["x"] }, "blacklsit"],
    ["bad severity", { min_severity: "urgent" }, "min_severity"],
    ["unbalanced bracket", { blacklist: ["lib[ssl"] }, "blacklist.0"],
    ["empty pattern", { whitelist: [""] }, "whitelist.0"],
    ["invalid JSON", "{", "invalid JSON"],
    [
      "retention beyond the date range",
      { saved_package_retention_days: 1e12 },
      "saved_package_retention_days",
    ],
  ])("rejects %s", (_case, content, mention) => {
    const dir = home({ "patcher_config.json": content });
    let error: unknown;
    try {
      load(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CortexError);
    expect((error as CortexError).exitCode).toBe(ExitCode.unusableInput);
    expect((error as CortexError).message).toContain(mention);
    expect((error as CortexError).message).toContain("patcher_config.json");
  });
});
