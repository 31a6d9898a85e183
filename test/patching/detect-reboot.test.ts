import { describe, expect, test } from "bun:test";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { detectReboot } from "../../src/patching/detect-reboot.ts";
import { createRecordingRunner } from "../helpers/cli-harness.ts";

function kernel(release: string, version: string): InstalledPackage {
  return {
    name: `linux-image-${release}`,
    arch: "amd64",
    version,
    sourceName: "linux-signed-amd64",
    sourceVersion: version,
    status: "install ok installed",
    held: false,
    essential: false,
  };
}

const NEEDRESTART_OUTPUT =
  "NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-28-amd64\nNEEDRESTART-KEXP: 6.1.0-30-amd64\nNEEDRESTART-KSTA: 3\n";

describe("detectReboot", () => {
  test("newer kernel installed", async () => {
    const runner = createRecordingRunner(() => ({
      exitCode: 0,
      stdout: NEEDRESTART_OUTPUT,
      stderr: "",
    }));
    const status = await detectReboot({
      installed: [kernel("6.1.0-28-amd64", "6.1.119-1"), kernel("6.1.0-30-amd64", "6.1.124-1")],
      runningKernelRelease: "6.1.0-28-amd64",
      runner,
      readHostFile: () => null,
    });
    expect(status.rebootRequired).toBe(true);
    expect(status.reasons).toEqual([
      "kernel 6.1.0-30-amd64 is installed but 6.1.0-28-amd64 is running",
    ]);
    expect(status.needrestart).toBe(NEEDRESTART_OUTPUT.trim());
    expect(runner.calls[0]?.argv).toEqual(["needrestart", "-b"]);
  });

  test("reboot-required file", async () => {
    const files: Record<string, string> = {
      "/var/run/reboot-required": "*** System restart required ***\n",
      "/var/run/reboot-required.pkgs": "libc6\nlibssl3\n",
    };
    const status = await detectReboot({
      installed: [],
      runningKernelRelease: null,
      runner: createRecordingRunner(() => ({ exitCode: 127, stdout: "", stderr: "not found" })),
      readHostFile: (path) => files[path] ?? null,
    });
    expect(status).toEqual({
      rebootRequired: true,
      reasons: ["/var/run/reboot-required exists (packages: libc6, libssl3)"],
      needrestart: null,
    });
  });

  test("nothing pending", async () => {
    const status = await detectReboot({
      installed: [kernel("6.1.0-28-amd64", "6.1.119-1")],
      runningKernelRelease: "6.1.0-28-amd64",
      runner: createRecordingRunner(() => ({ exitCode: 127, stdout: "", stderr: "" })),
      readHostFile: () => null,
    });
    expect(status.rebootRequired).toBe(false);
    expect(status.reasons).toEqual([]);
  });
});
