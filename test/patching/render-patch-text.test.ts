import { describe, expect, test } from "bun:test";
import type { PatchPlan } from "../../src/patching/patch-plan.ts";
import { renderPatchText } from "../../src/patching/render-patch-text.ts";
import type { PatchOutcome } from "../../src/patching/run-patch.ts";

/** A package name that would set the terminal title and clear the screen if printed raw. */
const HOSTILE = "evil\u001b]0;pwned\u0007\u001b[2J\r";
const ESCAPED = "evil\\x1b]0;pwned\\x07\\x1b[2J\\x0d";

function plan(): PatchPlan {
  return {
    policy: {
      strategy: "automatic",
      minSeverity: "low",
      unknownSeverity: "high",
      whitelist: [],
      blacklist: [],
      packageName: null,
    },
    upgrades: [
      {
        package: HOSTILE,
        arch: "amd64",
        sourcePackage: HOSTILE,
        fromVersion: "1-1",
        toVersion: "1-2",
      },
    ],
    fixes: [
      {
        vulnerabilityId: "DSA-1-1",
        aliases: [],
        sourcePackage: HOSTILE,
        packages: [`${HOSTILE}:amd64`],
        severity: "high",
        rankedAs: "high",
        unrated: false,
        fixedVersion: "1-2",
      },
    ],
    remaining: [],
    skipped: [
      {
        package: "held",
        arch: "amd64",
        sourcePackage: "held",
        installedVersion: "2-1\u001b[31m",
        candidateVersion: "2-2",
        reason: "held",
        detail: "apt-mark hold",
      },
    ],
  };
}

function outcome(overrides: Partial<PatchOutcome> = {}): PatchOutcome {
  return {
    status: "succeeded",
    packages: [
      {
        package: HOSTILE,
        arch: "amd64",
        sourcePackage: HOSTILE,
        versionBefore: "1-1",
        versionPlanned: "1-2",
        versionReached: "1-2",
        automatic: false,
        savedFile: null,
        savedBy: null,
      },
    ],
    findingsAfter: null,
    reboot: {
      rebootRequired: true,
      reasons: [`/var/run/reboot-required exists (packages: ${HOSTILE})`],
      needrestart: "NEEDRESTART-VER: 3.6\nNEEDRESTART-SVC: \u001b[1mssh.service",
    },
    messages: [`apt-get: ${HOSTILE} configured`],
    scanId: 3,
    scanFinishedAt: new Date("2026-12-04T11:00:00Z"),
    dataRefreshedAt: null,
    ...overrides,
  };
}

const CONTEXT = { root: "/", historyId: 9, scanAge: "1 h", dataAge: "2 h" };

describe("renderPatchText", () => {
  test("escapes control characters", () => {
    const text = renderPatchText(plan(), outcome(), CONTEXT);

    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\u0007");
    expect(text).not.toContain("\r");
    expect(text).toContain(`  ${ESCAPED}:amd64  1-1 -> 1-2  (source ${ESCAPED})`);
    expect(text).toContain(`  DSA-1-1  high  ${ESCAPED}  fixed in 1-2`);
    expect(text).toContain("  held:amd64  2-1\\x1b[31m -> 2-2  held: apt-mark hold");
    expect(text).toContain(`  apt-get: ${ESCAPED} configured`);
    expect(text).toContain(
      `Reboot required: /var/run/reboot-required exists (packages: ${ESCAPED})`,
    );
  });

  test("keeps line breaks of needrestart", () => {
    const text = renderPatchText(plan(), outcome(), CONTEXT);

    expect(text).toContain(
      "needrestart -b:\nNEEDRESTART-VER: 3.6\nNEEDRESTART-SVC: \\x1b[1mssh.service\n",
    );
  });

  test("dry run escapes the plan too", () => {
    const text = renderPatchText(plan(), outcome({ status: "planned", packages: [] }), CONTEXT);

    expect(text).not.toContain("\u001b");
    expect(text).toContain("Dry run: nothing was changed.");
  });
});
