import type { HistoryPackage, HistoryStatus } from "../history/history-entry.ts";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import type { AptClient } from "./apt-client.ts";
import { classifyAptFailure, summarizeAptOutput } from "./classify-apt-failure.ts";
import { parseAptSimulation } from "./parse-apt-simulation.ts";

/** dpkg states (`db:Status-Abbrev`) of a package that is fully installed: selected install or hold. */
const CONFIGURED_STATES = new Set(["ii", "hi"]);

export interface AptChangeResult {
  packages: HistoryPackage[];
  status: Exclude<HistoryStatus, "running" | "refused">;
  exitCode: ExitCode;
  messages: string[];
}

/**
 * Runs `apt-get -s` for `targets` and throws a `CortexError` (exit 10) when apt fails, would
 * remove a package, or would change an installed package that is not in `planned`: a run
 * changes only the packages it planned, saved and recorded. apt resolves dependencies by
 * itself, so without this check `foo (= 2)` would pull a blacklisted, not whitelisted or
 * unselected `libfoo1` along, with no saved copy to roll back to. New packages that a
 * dependency brings in are allowed: they replace nothing.
 */
export async function simulateChange(
  apt: AptClient,
  targets: readonly string[],
  options: { allowDowngrades: boolean; planned: readonly { package: string; arch: string }[] },
): Promise<void> {
  const result = await apt.simulate(targets, options);
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode !== 0) {
    throw new CortexError(
      `apt-get -s failed on ${apt.environment.root} (exit ${result.exitCode}), nothing was changed: ${summarizeAptOutput(output)}`,
      ExitCode.aptFailed,
    );
  }
  const simulation = parseAptSimulation(result.stdout);
  if (simulation.removals.length > 0) {
    // Without the root's APT_CONFIG, the suggested command would simulate on this host.
    const { aptConfigPath } = apt.environment;
    const prefix = aptConfigPath === null ? "" : `APT_CONFIG=${aptConfigPath} `;
    throw new CortexError(
      `apt would remove ${simulation.removals.join(", ")} to install the planned versions on ${apt.environment.root}; refusing, nothing was changed. Check the plan with "${prefix}apt-get -s install ${targets.join(" ")}".`,
      ExitCode.aptFailed,
    );
  }

  // NOTE: this also rejects a needed upgrade of another source package that no policy
  // excludes. Adding such upgrades to the plan, saved and recorded, would let them through.
  const nativeArch = await apt.nativeArch();
  const plannedNames = new Set(options.planned.map((pkg) => aptName(pkg, nativeArch)));
  const unplanned = simulation.installs.filter(
    (install) => install.fromVersion !== null && !plannedNames.has(install.package),
  );
  if (unplanned.length > 0) {
    const changes = unplanned.map(
      (install) => `${install.package} ${install.fromVersion} -> ${install.toVersion}`,
    );
    throw new CortexError(
      `apt would also change ${changes.join(", ")} on ${apt.environment.root}, which the plan does not include (blacklisted, not whitelisted, held or not selected), so no copy was saved for rollback; refusing, nothing was changed. Allow those packages in patcher_config.json, or upgrade them together by hand.`,
      ExitCode.aptFailed,
    );
  }
}

/** apt's spelling in `Inst` lines: plain name for the native architecture and `all`. */
function aptName(pkg: { package: string; arch: string }, nativeArch: string): string {
  return pkg.arch === nativeArch || pkg.arch === "all" ? pkg.package : `${pkg.package}:${pkg.arch}`;
}

/** Returns the packages with `automatic` set from `apt-mark showauto`. */
export async function readAutomaticMarks(
  apt: AptClient,
  packages: readonly HistoryPackage[],
): Promise<HistoryPackage[]> {
  const automatic = await apt.showAuto();
  return packages.map((pkg) => ({
    ...pkg,
    automatic: automatic.has(pkg.package) || automatic.has(`${pkg.package}:${pkg.arch}`),
  }));
}

/**
 * Installs `targets` non-interactively, gives automatically installed packages their mark
 * back (installing `name=version` marks a package manual), then reads the versions actually
 * installed with dpkg-query. The status is `succeeded` when every package reached
 * `versionPlanned`, `partial` when some did and `failed` when none did.
 */
export async function executeAptChange(
  apt: AptClient,
  targets: readonly string[],
  packages: readonly HistoryPackage[],
  options: { allowDowngrades: boolean; lockTimeoutSeconds: number },
): Promise<AptChangeResult> {
  const messages: string[] = [];
  const installed = await apt.install(targets, options);
  const output = `${installed.stdout}\n${installed.stderr}`;
  if (installed.exitCode !== 0) {
    messages.push(
      `apt-get install failed (exit ${installed.exitCode}): ${summarizeAptOutput(output)}`,
    );
  }

  const automatic = packages.filter((pkg) => pkg.automatic).map(markSpec);
  if (automatic.length > 0) {
    const marked = await apt.markAuto(automatic);
    if (marked.exitCode !== 0) {
      messages.push(
        `apt-mark auto ${automatic.join(" ")} failed: ${summarizeAptOutput(marked.stderr)}`,
      );
    }
  }

  const compared = compareInstalledVersions(packages, await apt.installedVersions());
  messages.push(...compared.messages);
  const { status } = compared;
  if (status === "succeeded" && installed.exitCode !== 0) {
    messages.push("every planned version is installed although apt-get reported an error");
  }
  return { packages: compared.packages, status, exitCode: exitCodeOf(status, output), messages };
}

/**
 * Fills in `versionReached` from `versions` (as `AptClient.installedVersions` returns them),
 * counting only configured packages. The status is `succeeded` when every package reached
 * `versionPlanned`, `partial` when some did and `failed` when none did. The messages name
 * each package that dpkg left unconfigured.
 */
export function compareInstalledVersions(
  packages: readonly HistoryPackage[],
  versions: ReadonlyMap<string, { version: string; status: string }>,
): Omit<AptChangeResult, "exitCode"> {
  const messages: string[] = [];
  const reached = packages.map((pkg) => {
    const current = versions.get(`${pkg.package}:${pkg.arch}`);
    if (current && !CONFIGURED_STATES.has(current.status)) {
      messages.push(
        `${pkg.package}:${pkg.arch} ${current.version} is in dpkg state "${current.status}", not configured`,
      );
    }
    const versionReached =
      current && CONFIGURED_STATES.has(current.status) ? current.version : null;
    return { ...pkg, versionReached };
  });

  const done = reached.filter((pkg) => pkg.versionReached === pkg.versionPlanned).length;
  let status: AptChangeResult["status"] = "partial";
  if (done === reached.length) status = "succeeded";
  else if (done === 0) status = "failed";
  return { packages: reached, status, messages };
}

function exitCodeOf(status: AptChangeResult["status"], output: string): ExitCode {
  if (status === "succeeded") return ExitCode.ok;
  if (status === "partial") return ExitCode.patchPartial;
  const kind = classifyAptFailure(output);
  if (kind === "lock-timeout") return ExitCode.aptLockTimeout;
  if (kind === "dpkg-interrupted") return ExitCode.dpkgInterrupted;
  return ExitCode.aptFailed;
}

/** apt-mark spelling: plain name for `all`, `name:arch` otherwise. */
function markSpec(pkg: HistoryPackage): string {
  return pkg.arch === "all" ? pkg.package : `${pkg.package}:${pkg.arch}`;
}
