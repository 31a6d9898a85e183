import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { listHistory } from "../../src/history/history-store.ts";
import { runRollback } from "../../src/history/run-rollback.ts";
import { nonInteractiveOptions } from "../../src/patching/apt-client.ts";
import { createAptEnvironment } from "../../src/patching/apt-environment.ts";
import { runPatch } from "../../src/patching/run-patch.ts";
import { runScan } from "../../src/scan/run-scan.ts";
import { AptLab, canBuildLab } from "../lab/apt-lab.ts";
import {
  callsNotPointedAt,
  createRecordingSpawnRunner,
  fooRecord,
  LAB_CONFIG,
  labServices,
  openLabDatabase,
} from "../lab/lab-services.ts";

describe.skipIf(!canBuildLab())("patch lab end to end", () => {
  let lab: AptLab;

  beforeAll(async () => {
    lab = await AptLab.create({ foreignArchs: ["i386"] });
    for (const version of ["1.0-1", "1.0-2"]) {
      await lab.build({ name: "foo", version, arch: "all" });
      for (const arch of ["amd64", "i386"]) {
        await lab.build({ name: "libfoo1", version, arch, source: "foo", multiArch: "same" });
      }
    }
    await lab.publish();
    await lab.install(["foo=1.0-1", "libfoo1:amd64=1.0-1", "libfoo1:i386=1.0-1"]);
    await lab.apt(["apt-mark", "auto", "libfoo1:amd64", "libfoo1:i386"]);
  });

  afterAll(() => lab?.dispose());

  test("plan, apply, rescan, rollback", async () => {
    const now = new Date();
    const db = openLabDatabase([fooRecord("DEBIAN-CVE-2026-0001", "1.0-2")], now);
    const runner = createRecordingSpawnRunner();
    const services = labServices(db, runner);
    const scan = (root: string) =>
      runScan(
        { root, offline: true, refresh: false, nvd: false },
        { ...services, config: LAB_CONFIG },
      );
    const dataDir = join(lab.dir, "data");
    const request = {
      root: lab.root,
      strategy: "automatic" as const,
      // Plans from the recorded scan, so apt-get update runs and nothing reaches the network.
      offline: false,
      noUpdate: false,
      scanFirst: false,
      dataDir,
      aptLockTimeoutSeconds: 10,
    };

    const before = await scan(lab.root);
    expect(before.findings.map((f) => `${f.package}:${f.arch}`).sort()).toEqual([
      "foo:all",
      "libfoo1:amd64",
      "libfoo1:i386",
    ]);

    const dryRun = await runPatch({ ...request, apply: false }, services);
    expect(dryRun.historyId).toBeNull();
    expect(dryRun.plan.upgrades.map((u) => `${u.package}:${u.arch}=${u.toVersion}`).sort()).toEqual(
      ["foo:all=1.0-2", "libfoo1:amd64=1.0-2", "libfoo1:i386=1.0-2"],
    );
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");

    // With Debug::pkgDPkgPM apt prints the dpkg command lines instead of running them.
    const environment = createAptEnvironment(lab.root, dataDir);
    const debug = await runner.run(
      [
        "apt-get",
        ...nonInteractiveOptions(10),
        "-o",
        "Debug::pkgDPkgPM=1",
        "--only-upgrade",
        "install",
        "foo:all=1.0-2",
        "libfoo1:amd64=1.0-2",
        "libfoo1:i386=1.0-2",
      ],
      { env: environment.env },
    );
    const dpkgLines = `${debug.stdout}\n${debug.stderr}`
      .split("\n")
      .filter((line) => /^\S*\/dpkg /.test(line));
    expect(dpkgLines.length).toBeGreaterThan(0);
    for (const line of dpkgLines) {
      expect(line).toContain(`--root=${lab.root} --log=${lab.root}/var/log/dpkg.log`);
    }
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");

    const applied = await runPatch({ ...request, apply: true }, services);
    expect(applied.exitCode).toBe(0);
    expect(applied.outcome.status).toBe("succeeded");
    expect(runner.calls.some((call) => call.argv.at(-1) === "update")).toBe(true);
    expect(applied.outcome.findingsAfter).toEqual([]);
    // A clean rescan is progress, not a warning; the text output shows it again.
    expect(services.log.lines).toContain("rescan: no findings left on the patched packages");
    expect(services.log.lines.filter((line) => line.startsWith("warning:"))).toEqual([]);
    const after = await lab.versions();
    expect(after.get("foo:all")).toBe("1.0-2 ii");
    expect(after.get("libfoo1:amd64")).toBe("1.0-2 ii");
    expect(after.get("libfoo1:i386")).toBe("1.0-2 ii");
    const auto = await lab.apt(["apt-mark", "showauto"]);
    expect(auto.stdout.split("\n").filter(Boolean).sort()).toEqual(["libfoo1", "libfoo1:i386"]);

    const rolledBack = await runRollback(
      { id: applied.historyId as number, apply: true, dataDir, aptLockTimeoutSeconds: 10 },
      services,
    );
    expect(rolledBack.status).toBe("succeeded");
    const restored = await lab.versions();
    expect(restored.get("foo:all")).toBe("1.0-1 ii");
    expect(restored.get("libfoo1:amd64")).toBe("1.0-1 ii");
    expect(restored.get("libfoo1:i386")).toBe("1.0-1 ii");

    const rescan = await scan(lab.root);
    expect(rescan.findings.map((f) => `${f.package}:${f.arch}`).sort()).toEqual([
      "foo:all",
      "libfoo1:amd64",
      "libfoo1:i386",
    ]);

    const history = listHistory(db);
    expect(history.map((entry) => `${entry.kind} ${entry.status}`)).toEqual([
      "rollback succeeded",
      "patch succeeded",
    ]);
    const versionsOf = (index: number) =>
      history[index]?.packages
        .map((p) => `${p.package}:${p.arch} ${p.versionBefore} -> ${p.versionReached}`)
        .sort();
    expect(versionsOf(1)).toEqual([
      "foo:all 1.0-1 -> 1.0-2",
      "libfoo1:amd64 1.0-1 -> 1.0-2",
      "libfoo1:i386 1.0-1 -> 1.0-2",
    ]);
    expect(versionsOf(0)).toEqual([
      "foo:all 1.0-2 -> 1.0-1",
      "libfoo1:amd64 1.0-2 -> 1.0-1",
      "libfoo1:i386 1.0-2 -> 1.0-1",
    ]);
    expect(history[1]?.rolledBackBy).toBe(history[0]?.id as number);
    expect(history[1]?.packages.every((p) => p.savedBy === "apt-get download")).toBe(true);

    expect(callsNotPointedAt(runner.calls, lab.root, dataDir)).toEqual([]);
    expect(runner.calls.some((call) => call.argv[0] === "dpkg-query")).toBe(true);
  }, 120_000);
});
