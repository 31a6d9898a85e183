import { describe, expect, test } from "bun:test";
import { runCli } from "../helpers/cli-harness.ts";

describe("run", () => {
  test("--version prints version and exits 0", async () => {
    const result = await runCli(["--version"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^cortex \d+\.\d+\.\d+/);
  });

  test("unknown command is a usage error", async () => {
    const result = await runCli(["security", "frobnicate"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("frobnicate");
  });

  test("help exits 0", async () => {
    const result = await runCli(["security", "--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("scan");
  });
});
