import { describe, expect, test } from "bun:test";
import { AptClient } from "../../src/patching/apt-client.ts";
import { createAptEnvironment } from "../../src/patching/apt-environment.ts";
import { createRecordingRunner } from "../helpers/cli-harness.ts";

describe("AptClient.showAuto", () => {
  test("lists the automatic packages", async () => {
    const runner = createRecordingRunner(() => ({
      exitCode: 0,
      stdout: "libfoo1\nlibbar2:i386\n",
      stderr: "",
    }));
    const apt = new AptClient(
      createAptEnvironment("/", "/tmp/cortex-data"),
      runner,
      () => new Date(),
    );
    expect([...(await apt.showAuto())]).toEqual(["libfoo1", "libbar2:i386"]);
  });

  test("failed apt-mark is an apt failure", async () => {
    const runner = createRecordingRunner(() => ({
      exitCode: 100,
      stdout: "",
      stderr: "E: Could not open lock file",
    }));
    const apt = new AptClient(
      createAptEnvironment("/", "/tmp/cortex-data"),
      runner,
      () => new Date(),
    );
    const error = await apt.showAuto().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as { exitCode: number }).exitCode).toBe(10);
    expect((error as Error).message).toContain("apt-mark showauto failed with exit code 100");
  });
});
