import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { resolveDataDir } from "../../src/platform/paths.ts";

describe("resolveDataDir", () => {
  test("relative option becomes absolute", () => {
    // History entries store saved .deb paths under the data directory, and rollback may
    // run from another working directory.
    const dataDir = resolveDataDir("lab/data", { env: {}, uid: 0, homeDir: "/root" });
    expect(dataDir).toBe(resolve("lab/data"));
  });

  test("relative CORTEX_DATA_DIR becomes absolute", () => {
    const inputs = { env: { CORTEX_DATA_DIR: "data" }, uid: 0, homeDir: "/root" };
    expect(resolveDataDir(undefined, inputs)).toBe(resolve("data"));
  });

  test("defaults by user", () => {
    expect(resolveDataDir(undefined, { env: {}, uid: 0, homeDir: "/root" })).toBe(
      "/var/lib/cortex",
    );
    expect(resolveDataDir(undefined, { env: {}, uid: 1000, homeDir: "/home/a" })).toBe(
      "/home/a/.cortex",
    );
  });
});
