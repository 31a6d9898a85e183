import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  insertHistoryEntry,
  listHistory,
  loadHistoryEntry,
} from "../../src/history/history-store.ts";
import { runRollback } from "../../src/history/run-rollback.ts";
import type { PatcherConfig } from "../../src/patching/patcher-config.ts";
import { type PatchRequest, runPatch } from "../../src/patching/run-patch.ts";
import { CortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { AptLab, canBuildLab, type LabPackage } from "../lab/apt-lab.ts";
import {
  callsNotPointedAt,
  createRecordingSpawnRunner,
  fooRecord,
  labServices,
  openLabDatabase,
} from "../lab/lab-services.ts";

const labs: AptLab[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) lab.dispose();
});

/** Builds a lab with `foo` 1.0-1 installed and 1.0-2 in the repository. */
async function fooLab(
  options: { v1?: Partial<LabPackage>; v2?: Partial<LabPackage>; extra?: LabPackage[] } = {},
): Promise<AptLab> {
  const lab = await AptLab.create();
  labs.push(lab);
  await lab.build({ name: "foo", version: "1.0-1", arch: "all", ...options.v1 });
  await lab.build({ name: "foo", version: "1.0-2", arch: "all", ...options.v2 });
  for (const pkg of options.extra ?? []) await lab.build(pkg);
  await lab.publish();
  const extraInstalls = (options.extra ?? [])
    .filter((pkg) => pkg.version === "1.0-1")
    .map((pkg) => `${pkg.name}:${pkg.arch}=1.0-1`);
  await lab.install(["foo=1.0-1", ...extraInstalls]);
  return lab;
}

function setup(lab: AptLab, options: { fixed?: string; config?: Partial<PatcherConfig> } = {}) {
  const record = fooRecord("DEBIAN-CVE-2026-0001", options.fixed ?? "1.0-2");
  const db = openLabDatabase([record], new Date());
  const runner = createRecordingSpawnRunner();
  const services = labServices(db, runner, options.config);
  const request: PatchRequest = {
    root: lab.root,
    strategy: "automatic",
    apply: true,
    offline: true,
    noUpdate: true,
    scanFirst: true,
    dataDir: join(lab.dir, "data"),
    aptLockTimeoutSeconds: 1,
  };
  return { db, runner, services, request };
}

async function rejection(promise: Promise<unknown>): Promise<CortexError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CortexError);
  return error as CortexError;
}

describe.skipIf(!canBuildLab())("patch lab failures", () => {
  test("dpkg lock held by another apt", async () => {
    const lab = await fooLab();
    const { db, services, request } = setup(lab);
    const holder = lab.run([
      "apt-get",
      "-y",
      "-q",
      "-o",
      "DPkg::Pre-Invoke::=sleep 4",
      "install",
      "--reinstall",
      "foo=1.0-1",
    ]);
    await Bun.sleep(1_000);

    const result = await runPatch(request, services);
    expect(result.exitCode).toBe(ExitCode.aptLockTimeout);
    expect(result.outcome.status).toBe("failed");
    const [entry] = listHistory(db);
    expect(entry?.status).toBe("failed");
    expect(entry?.messages.join("\n")).toMatch(
      /Could not get lock|Unable to acquire the dpkg frontend lock/,
    );
    expect(entry?.packages[0]?.versionReached).toBe("1.0-1");
    expect((await holder).exitCode).toBe(0);
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");
  }, 30_000);

  test("interrupted dpkg", async () => {
    const lab = await fooLab();
    const { db, services, request } = setup(lab);
    writeFileSync(join(lab.root, "var/lib/dpkg/updates/0000"), "");

    const error = await rejection(runPatch(request, services));
    expect(error.exitCode).toBe(ExitCode.dpkgInterrupted);
    expect(error.message).toContain(`dpkg --root=${lab.root}`);
    expect(error.message).toContain("--configure -a");
    expect(listHistory(db)).toEqual([]);
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");
  });

  test("locally edited conffile is kept", async () => {
    const lab = await fooLab({
      v1: { conffile: { path: "etc/foo.conf", content: "level=1\n" } },
      v2: { conffile: { path: "etc/foo.conf", content: "level=2\n" } },
    });
    const { services, request } = setup(lab);
    writeFileSync(join(lab.root, "etc/foo.conf"), "level=local\n");

    const result = await runPatch(request, services);
    expect(result.outcome.status).toBe("succeeded");
    expect(readFileSync(join(lab.root, "etc/foo.conf"), "utf8")).toBe("level=local\n");
    expect(readFileSync(join(lab.root, "etc/foo.conf.dpkg-dist"), "utf8")).toBe("level=2\n");
  });

  test("held package is skipped", async () => {
    const lab = await fooLab();
    await lab.apt(["apt-mark", "hold", "foo"]);
    const { db, services, request } = setup(lab);

    const result = await runPatch(request, services);
    expect(result.outcome.status).toBe("nothing-to-do");
    expect(result.plan.skipped.map((s) => `${s.package} ${s.reason}`)).toEqual(["foo held"]);
    expect(result.plan.remaining.map((r) => r.reason)).toEqual(["package-skipped"]);
    expect(listHistory(db)).toEqual([]);
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 hi");
  });

  test("blacklisted package is skipped", async () => {
    const lab = await fooLab();
    const { services, request } = setup(lab, { config: { blacklist: ["fo*"] } });

    const result = await runPatch(request, services);
    expect(result.outcome.status).toBe("nothing-to-do");
    expect(result.plan.skipped[0]?.reason).toBe("blacklisted");
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");
  });

  test("blacklisted dependency is not upgraded", async () => {
    // foo 1.0-2 needs libfoo1 1.0-2, so apt would upgrade the blacklisted libfoo1 with it.
    const lab = await fooLab({
      v2: { depends: "libfoo1 (= 1.0-2)" },
      extra: [
        { name: "libfoo1", version: "1.0-1", arch: "amd64", source: "foo" },
        { name: "libfoo1", version: "1.0-2", arch: "amd64", source: "foo" },
      ],
    });
    const { db, services, request } = setup(lab, { config: { blacklist: ["libfoo1"] } });

    const error = await rejection(runPatch(request, services));
    expect(error.exitCode).toBe(ExitCode.aptFailed);
    expect(error.message).toContain("libfoo1 1.0-1 -> 1.0-2");
    expect(error.message).toContain("nothing was changed");
    expect(listHistory(db)).toEqual([]);
    const versions = await lab.versions();
    expect(versions.get("foo:all")).toBe("1.0-1 ii");
    expect(versions.get("libfoo1:amd64")).toBe("1.0-1 ii");
  });

  test("candidate older than the fix", async () => {
    const lab = await fooLab();
    const { services, request } = setup(lab, { fixed: "1.0-3" });

    const result = await runPatch(request, services);
    expect(result.outcome.status).toBe("nothing-to-do");
    expect(result.plan.remaining.map((r) => r.reason)).toEqual(["fix-not-available"]);
    expect(result.plan.remaining[0]?.detail).toContain(
      "the candidate 1.0-2 of foo:all is older than 1.0-3",
    );
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");
  });

  test("rollback after the old version left the repository", async () => {
    const lab = await fooLab();
    // Security archives keep only the newest version, so apt-get download of 1.0-1 fails
    // and the patcher must rebuild it with dpkg-repack.
    await lab.removeFromRepository("foo", "1.0-1", "all");
    const { db, runner, services, request } = setup(lab);

    const patched = await runPatch(request, services);
    expect(patched.outcome.status).toBe("succeeded");
    expect(patched.outcome.packages[0]?.savedBy).toBe("dpkg-repack");
    expect(existsSync(patched.outcome.packages[0]?.savedFile as string)).toBe(true);

    const rolledBack = await runRollback(
      {
        id: patched.historyId as number,
        apply: true,
        dataDir: request.dataDir,
        aptLockTimeoutSeconds: 5,
      },
      services,
    );
    expect(rolledBack.status).toBe("succeeded");
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");
    expect(listHistory(db).map((e) => `${e.kind} ${e.status}`)).toEqual([
      "rollback succeeded",
      "patch succeeded",
    ]);
    expect(runner.calls.some((call) => call.argv[0] === "dpkg-repack")).toBe(true);
    expect(callsNotPointedAt(runner.calls, lab.root, request.dataDir)).toEqual([]);
  });

  test("rollback refused when the saved file is gone", async () => {
    const lab = await fooLab();
    const { services, request } = setup(lab);
    const patched = await runPatch(request, services);
    const saved = patched.outcome.packages[0]?.savedFile as string;
    Bun.spawnSync(["rm", saved]);

    const error = await rejection(
      runRollback(
        { id: patched.historyId as number, apply: true, dataDir: request.dataDir },
        services,
      ),
    );
    expect(error.exitCode).toBe(ExitCode.rollbackRefused);
    expect(error.message).toContain("saved .deb of foo:all 1.0-1 is missing");
    expect((await lab.versions()).get("foo:all")).toBe("1.0-2 ii");
  });

  test("rollback refused when the saved file is corrupt", async () => {
    const lab = await fooLab();
    const { services, request } = setup(lab);
    const patched = await runPatch(request, services);
    const saved = patched.outcome.packages[0]?.savedFile as string;
    expect(patched.outcome.packages[0]?.savedSha256).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(saved, readFileSync(saved).subarray(0, 300));

    const error = await rejection(
      runRollback(
        { id: patched.historyId as number, apply: false, dataDir: request.dataDir },
        services,
      ),
    );
    expect(error.exitCode).toBe(ExitCode.rollbackRefused);
    expect(error.message).toContain("saved .deb of foo:all 1.0-1 changed since it was saved");
    expect((await lab.versions()).get("foo:all")).toBe("1.0-2 ii");
  });

  test("failing maintainer script", async () => {
    const lab = await fooLab({
      v2: { postinst: 'echo "postinst failed on purpose" >&2; exit 1' },
      extra: [
        { name: "libfoo1", version: "1.0-1", arch: "amd64", source: "foo" },
        { name: "libfoo1", version: "1.0-2", arch: "amd64", source: "foo" },
      ],
    });
    const { db, services, request } = setup(lab);

    const result = await runPatch(request, services);
    expect(result.exitCode).toBe(ExitCode.patchPartial);
    expect(result.outcome.status).toBe("partial");
    const reached = Object.fromEntries(
      result.outcome.packages.map((pkg) => [`${pkg.package}:${pkg.arch}`, pkg.versionReached]),
    );
    expect(reached).toEqual({ "foo:all": null, "libfoo1:amd64": "1.0-2" });
    // The scanner skips the unconfigured foo, so the rescan cannot vouch for it.
    const rescan = result.outcome.messages.find((message) => message.startsWith("rescan"));
    expect(rescan).toBe(
      "rescan: no findings left on the patched packages that are configured; not checked, because no configured version of them is installed: foo:all",
    );
    // Packages the rescan could not check make it a warning.
    expect(services.log.lines).toContain(`warning: ${rescan}`);
    const [entry] = listHistory(db);
    expect(entry?.status).toBe("partial");
    expect(entry?.messages.join("\n")).toContain("not configured");
    const install = entry?.commands.find(
      (c) => c.argv[0] === "apt-get" && c.argv.includes("install") && !c.argv.includes("-s"),
    );
    expect(`${install?.stdout}${install?.stderr}`).toContain("postinst failed on purpose");

    // foo 1.0-2 is unpacked but not configured (iF); rollback must still undo it.
    expect((await lab.versions()).get("foo:all")).toBe("1.0-2 iF");
    const rolledBack = await runRollback(
      { id: result.historyId as number, apply: true, dataDir: request.dataDir },
      services,
    );
    expect(rolledBack.status).toBe("succeeded");
    const restored = await lab.versions();
    expect(restored.get("foo:all")).toBe("1.0-1 ii");
    expect(restored.get("libfoo1:amd64")).toBe("1.0-1 ii");
  });

  test("interrupted run is ended, then rolled back", async () => {
    const lab = await fooLab();
    const { db, services, request } = setup(lab);
    // What a patch run killed during apt-get leaves: its entry still running, the saved .deb
    // on disk, and the new version installed.
    const savedFile = join(request.dataDir, "packages/1/archive/foo_1.0-1_all.deb");
    mkdirSync(join(savedFile, ".."), { recursive: true });
    copyFileSync(join(lab.repo, "foo_1.0-1_all.deb"), savedFile);
    const id = insertHistoryEntry(db, {
      kind: "patch",
      status: "running",
      root: lab.root,
      startedAt: new Date(),
      finishedAt: null,
      strategy: "automatic",
      rollbackOf: null,
      plan: null,
      packages: [
        {
          package: "foo",
          arch: "all",
          sourcePackage: "foo",
          versionBefore: "1.0-1",
          versionPlanned: "1.0-2",
          versionReached: null,
          automatic: false,
          savedFile,
          savedBy: "apt-get download",
        },
      ],
      commands: [],
      messages: [],
      reboot: null,
    });
    await lab.install(["foo=1.0-2"]);

    // The next patch run takes the lock, so it ends the entry before planning.
    const patched = await runPatch(request, services);
    expect(patched.outcome.status).toBe("nothing-to-do");
    const ended = loadHistoryEntry(db, id);
    expect(ended?.status).toBe("succeeded");
    expect(ended?.packages[0]?.versionReached).toBe("1.0-2");
    expect(ended?.messages.join("\n")).toContain("interrupted");
    expect(services.log.lines.join("\n")).toContain(
      `history entry #${id} was still marked running`,
    );

    const rolledBack = await runRollback({ id, apply: true, dataDir: request.dataDir }, services);
    expect(rolledBack.status).toBe("succeeded");
    expect((await lab.versions()).get("foo:all")).toBe("1.0-1 ii");
  });

  test("not root is exit 5", async () => {
    const lab = await fooLab();
    const { services, request } = setup(lab);
    const error = await rejection(runPatch(request, { ...services, uid: 1000 }));
    expect(error.exitCode).toBe(ExitCode.permissionDenied);
  });
});
