import type { CommandRecord } from "../history/history-entry.ts";
import type { CommandResult, CommandRunner } from "../platform/command-runner.ts";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import type { AptEnvironment } from "./apt-environment.ts";
import { summarizeAptOutput } from "./classify-apt-failure.ts";

/** Packages per `apt-cache` call, which keeps the command line far below the kernel's limit. */
const QUERY_BATCH = 200;
/** Kept per command in history: apt's output for a large upgrade can run to megabytes. */
const MAX_RECORDED_OUTPUT = 64 * 1024;

/** Options apt-get needs to run without a terminal and keep locally changed conffiles. */
export function nonInteractiveOptions(lockTimeoutSeconds: number): string[] {
  return [
    "-y",
    "-q",
    "-o",
    `DPkg::Lock::Timeout=${lockTimeoutSeconds}`,
    "-o",
    "Dpkg::Options::=--force-confdef",
    "-o",
    "Dpkg::Options::=--force-confold",
  ];
}

/**
 * Runs the package tools against one system (see `AptEnvironment`) and keeps a transcript
 * of every command for the history entry. stdin is /dev/null for every call.
 */
export class AptClient {
  readonly transcript: CommandRecord[] = [];

  constructor(
    readonly environment: AptEnvironment,
    private readonly runner: CommandRunner,
    private readonly now: () => Date,
  ) {}

  async run(argv: string[], options: { cwd?: string } = {}): Promise<CommandResult> {
    const started = this.now();
    const result = await this.runner.run(argv, { env: this.environment.env, cwd: options.cwd });
    this.transcript.push({
      argv,
      exitCode: result.exitCode,
      stdout: truncate(result.stdout),
      stderr: truncate(result.stderr),
      startedAt: started.toISOString(),
      durationMs: this.now().getTime() - started.getTime(),
    });
    return result;
  }

  /** Architecture dpkg installs natively (`amd64`). */
  async nativeArch(): Promise<string> {
    const result = await this.run(["dpkg", ...this.environment.dpkgArgs, "--print-architecture"]);
    return result.stdout.trim() || "amd64";
  }

  /**
   * `apt-cache policy` for each `name:arch`, in batches; returns the concatenated output.
   * Throws a `CortexError` (exit 10) when apt-cache fails, for example on a malformed sources
   * list: its empty output would otherwise read as "no candidate" for every package.
   */
  async policy(keys: readonly string[]): Promise<string> {
    let output = "";
    for (let start = 0; start < keys.length; start += QUERY_BATCH) {
      const batch = keys.slice(start, start + QUERY_BATCH);
      const result = await this.run(["apt-cache", "policy", ...batch]);
      if (result.exitCode !== 0) {
        throw new CortexError(
          `apt-cache policy failed on ${this.environment.root} (exit ${result.exitCode}), so the candidates are unknown. Fix the apt configuration or sources of that system, then run again. apt-cache printed:\n${summarizeAptOutput(`${result.stdout}\n${result.stderr}`)}`,
          ExitCode.aptFailed,
        );
      }
      output += result.stdout;
    }
    return output;
  }

  /**
   * `apt-cache show` for each `name:arch=version`. apt-cache fails the whole call when one
   * version is unknown, so a failed batch is retried one package at a time.
   */
  async show(specs: readonly string[]): Promise<string> {
    let output = "";
    for (let start = 0; start < specs.length; start += QUERY_BATCH) {
      const batch = specs.slice(start, start + QUERY_BATCH);
      const result = await this.run(["apt-cache", "show", ...batch]);
      if (result.exitCode === 0 || batch.length === 1) {
        output += `${result.stdout}\n`;
        continue;
      }
      for (const spec of batch) {
        const single = await this.run(["apt-cache", "show", spec]);
        output += `${single.stdout}\n`;
      }
    }
    return output;
  }

  update(lockTimeoutSeconds: number): Promise<CommandResult> {
    return this.run(["apt-get", ...nonInteractiveOptions(lockTimeoutSeconds), "update"]);
  }

  /** `apt-get -s install`: what apt would do, as `Inst`, `Conf` and `Remv` lines. */
  simulate(
    targets: readonly string[],
    options: { allowDowngrades: boolean },
  ): Promise<CommandResult> {
    return this.run([
      "apt-get",
      "-s",
      "-q",
      ...(options.allowDowngrades ? ["--allow-downgrades"] : ["--only-upgrade"]),
      "install",
      ...targets,
    ]);
  }

  /**
   * Installs `targets` (`name:arch=version` specs, or paths of .deb files with
   * `allowDowngrades`). Upgrades use `--only-upgrade`, so nothing new is installed by name.
   */
  install(
    targets: readonly string[],
    options: { lockTimeoutSeconds: number; allowDowngrades: boolean },
  ): Promise<CommandResult> {
    return this.run([
      "apt-get",
      ...nonInteractiveOptions(options.lockTimeoutSeconds),
      ...(options.allowDowngrades ? ["--allow-downgrades"] : ["--only-upgrade"]),
      "install",
      ...targets,
    ]);
  }

  /** Downloads the archive's .deb of `name:arch=version` into `directory`. */
  download(spec: string, directory: string): Promise<CommandResult> {
    return this.run(["apt-get", "-q", "download", spec], { cwd: directory });
  }

  /** Rebuilds the installed `name:arch` as a .deb in `directory` from the files on disk. */
  repack(key: string, directory: string): Promise<CommandResult> {
    return this.run(["dpkg-repack", ...this.environment.queryArgs, key], { cwd: directory });
  }

  /**
   * Packages apt marks as automatically installed, as `apt-mark showauto` prints them.
   * Throws when apt-mark fails, since applying without the marks would turn every
   * upgraded automatic package into a manual one without a word.
   */
  async showAuto(): Promise<Set<string>> {
    const result = await this.run(["apt-mark", "showauto"]);
    if (result.exitCode !== 0) {
      throw new CortexError(
        `apt-mark showauto failed with exit code ${result.exitCode}, so the automatic/manual marks could not be saved; nothing was changed: ${result.stderr.trim() || result.stdout.trim()}`,
        ExitCode.aptFailed,
      );
    }
    return new Set(
      result.stdout
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
    );
  }

  markAuto(names: readonly string[]): Promise<CommandResult> {
    return this.run(["apt-mark", "auto", ...names]);
  }

  /**
   * Installed versions by `name:arch` (dpkg-query's `${binary:Package}` is `name:arch` for
   * foreign and `Multi-Arch: same` packages and plain `name` otherwise, so both spellings are
   * keyed). Only packages whose state is installed (`ii`, `hi`) are listed.
   */
  async installedVersions(): Promise<Map<string, { version: string; status: string }>> {
    const result = await this.run([
      "dpkg-query",
      ...this.environment.queryArgs,
      "-W",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${Field} format
      "-f=${Package}\\t${Architecture}\\t${Version}\\t${db:Status-Abbrev}\\n",
    ]);
    const versions = new Map<string, { version: string; status: string }>();
    for (const line of result.stdout.split("\n")) {
      const [name, arch, version, status] = line.split("\t");
      if (!name || !arch || !version || !status) continue;
      versions.set(`${name}:${arch}`, { version, status: status.trim() });
    }
    return versions;
  }
}

function truncate(text: string): string {
  if (text.length <= MAX_RECORDED_OUTPUT) return text;
  return `${text.slice(0, MAX_RECORDED_OUTPUT / 2)}\n[... ${text.length - MAX_RECORDED_OUTPUT} characters cut ...]\n${text.slice(-MAX_RECORDED_OUTPUT / 2)}`;
}
