import { describe, expect, test } from "bun:test";
import { planRollback } from "../../src/history/plan-rollback.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { historyPackage, patchEntry } from "./history-fixtures.ts";

const exists = () => true;
const current = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("planRollback", () => {
  test("restores the version before", () => {
    const plan = planRollback(patchEntry(), current({ "foo:all": "1.0-2" }), [], null, exists);
    expect(plan.problems).toEqual([]);
    expect(plan.steps).toEqual([
      {
        package: "foo",
        arch: "all",
        sourcePackage: "foo",
        currentVersion: "1.0-2",
        targetVersion: "1.0-1",
        savedFile: "/var/lib/cortex/packages/1/archive/foo_1.0-1_all.deb",
        automatic: false,
      },
    ]);
  });

  test("refuses a package changed again", () => {
    const plan = planRollback(patchEntry(), current({ "foo:all": "1.0-3" }), [], null, exists);
    expect(plan.problems).toEqual([
      "foo:all changed again since entry #1: it left 1.0-2, now 1.0-3 is installed",
    ]);
  });

  test("refuses a missing saved file", () => {
    const plan = planRollback(patchEntry(), current({ "foo:all": "1.0-2" }), [], null, () => false);
    expect(plan.problems[0]).toContain("saved .deb of foo:all 1.0-1 is missing");
  });

  test("refuses a saved file that changed", () => {
    const entry = patchEntry({ packages: [historyPackage({ savedSha256: "a".repeat(64) })] });
    const plan = planRollback(entry, current({ "foo:all": "1.0-2" }), [], null, exists, () =>
      "b".repeat(64),
    );
    expect(plan.steps).toEqual([]);
    expect(plan.problems).toEqual([
      `the saved .deb of foo:all 1.0-1 changed since it was saved (SHA-256 ${"b".repeat(64)}, recorded ${"a".repeat(64)}): /var/lib/cortex/packages/1/archive/foo_1.0-1_all.deb cannot be trusted`,
    ]);
  });

  test("accepts a saved file with its digest", () => {
    const entry = patchEntry({ packages: [historyPackage({ savedSha256: "a".repeat(64) })] });
    const plan = planRollback(entry, current({ "foo:all": "1.0-2" }), [], null, exists, () =>
      "a".repeat(64),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.steps).toHaveLength(1);
  });

  test("skips a package the run did not change", () => {
    const entry = patchEntry({
      status: "partial",
      packages: [historyPackage(), historyPackage({ package: "bar", versionReached: "1.0-1" })],
    });
    const plan = planRollback(
      entry,
      current({ "foo:all": "1.0-2", "bar:all": "1.0-1" }),
      [],
      null,
      exists,
    );
    expect(plan.steps.map((step) => step.package)).toEqual(["foo"]);
  });

  test("restores a package left unconfigured", () => {
    // dpkg-query reports the unpacked version of a package whose postinst failed (`iF`).
    const entry = patchEntry({
      status: "failed",
      packages: [historyPackage({ versionReached: null })],
    });
    const plan = planRollback(entry, current({ "foo:all": "1.0-2" }), [], null, exists);
    expect(plan.problems).toEqual([]);
    expect(plan.steps.map((step) => `${step.currentVersion} -> ${step.targetVersion}`)).toEqual([
      "1.0-2 -> 1.0-1",
    ]);
  });

  test("refuses an unconfigured package changed again", () => {
    const entry = patchEntry({
      status: "failed",
      packages: [historyPackage({ versionReached: null })],
    });
    const plan = planRollback(entry, current({ "foo:all": "1.0-3" }), [], null, exists);
    expect(plan.steps).toEqual([]);
    expect(plan.problems).toEqual([
      "foo:all changed again since entry #1: it left 1.0-2 unconfigured or no version, now 1.0-3 is installed",
    ]);
  });

  test.each([
    [{ kind: "rollback" as const }, "is a rollback, not a patch run"],
    [{ status: "refused" as const }, "is refused"],
    [{ status: "running" as const }, "is still running"],
    [{ rolledBackBy: 7 }, "already rolled back by entry #7"],
  ])("refuses entry %p", (overrides, problem) => {
    const plan = planRollback(
      patchEntry(overrides),
      current({ "foo:all": "1.0-2" }),
      [],
      null,
      exists,
    );
    expect(plan.problems[0]).toContain(problem);
    expect(plan.steps).toEqual([]);
  });

  test("warns about kernel, libc and Essential packages", () => {
    const entry = patchEntry({
      packages: [
        historyPackage({ package: "linux-image-6.1.0-28-amd64", arch: "amd64" }),
        historyPackage({ package: "libc6", arch: "amd64" }),
        historyPackage({ package: "dash", arch: "amd64" }),
        historyPackage({ package: "foo", arch: "all" }),
      ],
    });
    const dash = { name: "dash", arch: "amd64", essential: true } as InstalledPackage;
    const plan = planRollback(
      entry,
      current({
        "linux-image-6.1.0-28-amd64:amd64": "1.0-2",
        "libc6:amd64": "1.0-2",
        "dash:amd64": "1.0-2",
        "foo:all": "1.0-2",
      }),
      [dash],
      "6.1.0-28-amd64",
      exists,
    );
    expect(plan.warnings).toHaveLength(3);
    expect(plan.warnings[0]).toContain("running kernel");
    expect(plan.warnings[1]).toContain("C library");
    expect(plan.warnings[2]).toContain("Essential");
  });
});
