import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { HistoryPackage } from "../history/history-entry.ts";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import type { AptClient } from "./apt-client.ts";
import { summarizeAptOutput } from "./classify-apt-failure.ts";
import { sha256File } from "./sha256-file.ts";

/** Directory of the saved .deb files of one history entry: `<dataDir>/packages/<id>/`. */
export function savedPackagesDirectory(dataDir: string, historyId: number): string {
  return join(dataDir, "packages", String(historyId));
}

/**
 * Saves the exact .deb of every version about to be replaced, for rollback. Security
 * archives keep only the newest version and apt's cache is often cleaned, so this happens
 * before anything changes: first `apt-get download name:arch=version` (the archive's file),
 * else `dpkg-repack`, which rebuilds the package from the files on disk (including locally
 * edited conffiles). Returns the packages with `savedFile`, `savedBy` and `savedSha256` filled in.
 *
 * Throws a `CortexError` with exit code 10 naming the package when neither works.
 */
export async function savePackages(
  apt: AptClient,
  packages: readonly HistoryPackage[],
  directory: string,
): Promise<HistoryPackage[]> {
  const downloadDirectory = join(directory, "archive");
  const repackDirectory = join(directory, "repack");
  mkdirSync(downloadDirectory, { recursive: true, mode: 0o750 });
  mkdirSync(repackDirectory, { recursive: true, mode: 0o750 });

  const saved: HistoryPackage[] = [];
  for (const pkg of packages) {
    const key = `${pkg.package}:${pkg.arch}`;
    const spec = `${key}=${pkg.versionBefore}`;
    const downloaded = await apt.download(spec, downloadDirectory);
    const archiveFile = downloaded.exitCode === 0 ? findDeb(downloadDirectory, pkg) : null;
    if (archiveFile) {
      saved.push({
        ...pkg,
        savedFile: archiveFile,
        savedBy: "apt-get download",
        savedSha256: await sha256File(archiveFile),
      });
      continue;
    }

    const repacked = await apt.repack(key, repackDirectory);
    const repackFile = repacked.exitCode === 0 ? findDeb(repackDirectory, pkg) : null;
    if (!repackFile) {
      throw new CortexError(
        `failed to save ${spec} for rollback: apt-get download: ${summarizeAptOutput(downloaded.stderr || downloaded.stdout)}; dpkg-repack: ${summarizeAptOutput(repacked.stderr || repacked.stdout)}. Nothing was changed; install dpkg-repack or make the version downloadable, then run again.`,
        ExitCode.aptFailed,
      );
    }
    saved.push({
      ...pkg,
      savedFile: repackFile,
      savedBy: "dpkg-repack",
      savedSha256: await sha256File(repackFile),
    });
  }
  return saved;
}

/**
 * Finds the .deb of `pkg` at `versionBefore` in `directory`. apt and dpkg-repack name files
 * `name_version_arch.deb`, with the epoch's colon written as `%3a`.
 */
function findDeb(directory: string, pkg: HistoryPackage): string | null {
  const version = pkg.versionBefore.replace(/^(\d+):/, "");
  const names = readdirSync(directory);
  const expected = names.find((name) => {
    if (!name.startsWith(`${pkg.package}_`) || !name.endsWith(`_${pkg.arch}.deb`)) return false;
    const middle = decodeURIComponent(
      name.slice(pkg.package.length + 1, name.length - pkg.arch.length - 5),
    );
    return middle === pkg.versionBefore || middle === version;
  });
  return expected ? join(directory, expected) : null;
}
