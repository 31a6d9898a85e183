import { describe, expect, test } from "bun:test";
import type { RollbackPlan } from "../../src/history/plan-rollback.ts";
import {
  renderHistoryEntry,
  renderHistoryList,
  renderRollbackPlan,
} from "../../src/history/render-history-text.ts";
import { historyPackage, patchEntry } from "./history-fixtures.ts";

/** A package name that would set the terminal title and clear the screen if printed raw. */
const HOSTILE = "evil\u001b]0;pwned\u0007\u001b[2J\r";
const ESCAPED = "evil\\x1b]0;pwned\\x07\\x1b[2J\\x0d";

function hostileEntry() {
  return patchEntry({
    packages: [historyPackage({ package: HOSTILE, versionReached: "1.0-2\u009b31m" })],
    messages: [`rescan: ${HOSTILE} still affected`],
    commands: [
      {
        argv: ["apt-get", "install", `${HOSTILE}=1.0-2`],
        exitCode: 0,
        stdout: "Setting up evil ...\n\u001b[1mdone\u001b[0m\n",
        stderr: "",
        startedAt: "2026-12-01T10:00:01Z",
        durationMs: 1200,
      },
    ],
  });
}

describe("history text", () => {
  test("list escapes package names", () => {
    const text = renderHistoryList([hostileEntry()]);

    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\u009b");
    expect(text).toContain(`${ESCAPED}:all 1.0-1 -> 1.0-2\\x9b31m`);
  });

  test("show escapes packages, messages and output", () => {
    const text = renderHistoryEntry(hostileEntry());

    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\r");
    expect(text).toContain(`  ${ESCAPED}:all  1.0-1 -> 1.0-2, reached 1.0-2\\x9b31m;`);
    expect(text).toContain(`  rescan: ${ESCAPED} still affected`);
    expect(text).toContain(`  $ apt-get install ${ESCAPED}=1.0-2  (exit 0, 1200 ms)`);
    expect(text).toContain("    Setting up evil ...\n    \\x1b[1mdone\\x1b[0m\n");
  });

  test("rollback plan escapes packages", () => {
    const plan: RollbackPlan = {
      entryId: 1,
      root: "/",
      steps: [
        {
          package: HOSTILE,
          arch: "all",
          sourcePackage: HOSTILE,
          currentVersion: "1.0-2",
          targetVersion: "1.0-1",
          savedFile: "/var/lib/cortex/packages/1/archive/evil.deb",
          automatic: false,
        },
      ],
      problems: [],
      warnings: [`downgrading ${HOSTILE}`],
    };
    const text = renderRollbackPlan(plan, false);

    expect(text).not.toContain("\u001b");
    expect(text).toContain(`  ${ESCAPED}:all  1.0-2 -> 1.0-1  from`);
    expect(text).toContain(`  warning: downgrading ${ESCAPED}`);
  });
});
