#!/usr/bin/env bun
/**
 * Compiles the standalone `cortex` binaries and writes their checksums:
 *
 *   bun run build                  # dist/cortex-linux-x64, dist/cortex-linux-arm64, dist/SHA256SUMS
 *   bun build.ts --outdir DIR      # the same into DIR
 *
 * Each binary contains the Bun runtime and every module, migration and help text,
 * so it runs with no file beside it. `cortex --version` shows the package.json
 * version and the git commit it was built from (`-dirty` when the checkout had
 * changes, untracked files included, because an untracked module can be compiled in).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";

/** One binary to build: Bun's compile target and the output file name. */
export interface BinaryTarget {
  target: Bun.Build.CompileTarget;
  fileName: string;
}

export const BINARY_TARGETS: readonly BinaryTarget[] = [
  { target: "bun-linux-x64", fileName: "cortex-linux-x64" },
  { target: "bun-linux-arm64", fileName: "cortex-linux-arm64" },
];

export const CHECKSUM_FILE_NAME = "SHA256SUMS";

const PROJECT_DIR = import.meta.dir;
const ENTRY_POINT = join(PROJECT_DIR, "src", "main.ts");

/**
 * Returns the short commit of the checkout, with `-dirty` when `git status`
 * lists any change. Returns "unknown" when git or the repository is missing
 * (a source tarball), so that such a build still works.
 */
export async function describeCommit(cwd: string): Promise<string> {
  const head = await runGit(["rev-parse", "--short", "HEAD"], cwd);
  if (head === null) return "unknown";
  const status = await runGit(["status", "--porcelain"], cwd);
  const dirty = status === null || status.trim() !== "";
  return dirty ? `${head.trim()}-dirty` : head.trim();
}

async function runGit(args: string[], cwd: string): Promise<string | null> {
  try {
    const child = Bun.spawn(["git", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
    const [stdout, exitCode] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    return exitCode === 0 ? stdout : null;
  } catch {
    // git is not installed.
    return null;
  }
}

/** Compiles one binary into `outDir` and returns its path. */
export async function compileBinary(
  binary: BinaryTarget,
  outDir: string,
  commit: string,
): Promise<string> {
  const outfile = join(outDir, binary.fileName);
  const result = await Bun.build({
    entrypoints: [ENTRY_POINT],
    compile: {
      target: binary.target,
      outfile,
      // A security tool run as root must not pick up a .env or bunfig.toml from
      // whatever directory it is started in.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // Identifiers stay unmangled and the source map is embedded in the binary,
    // so stack traces of internal errors name real functions, files and lines.
    minify: { whitespace: true, syntax: true, identifiers: false },
    // Precompiled bytecode cuts start-up time, which dominates a short command such as a scan.
    bytecode: true,
    sourcemap: "linked",
    define: { CORTEX_BUILD_COMMIT: JSON.stringify(commit) },
    throw: false,
  });
  if (!result.success) {
    const messages = result.logs.map(formatBuildLog).join("\n");
    throw new Error(`failed to compile ${binary.fileName} for ${binary.target}:\n${messages}`);
  }
  // Stack traces use the copy embedded in the binary, so the map file beside it is not shipped.
  await rm(`${outfile}.map`, { force: true });
  return outfile;
}

function formatBuildLog(log: BuildMessage | ResolveMessage): string {
  const position = log.position;
  const where = position ? `${position.file}:${position.line}:${position.column}: ` : "";
  return `  ${where}${log.message}`;
}

/** Returns the hex SHA-256 of a file, read in chunks. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Formats checksum lines as `sha256sum` writes them (hash, two spaces, file
 * name), so that `sha256sum -c SHA256SUMS` verifies them.
 */
export function formatChecksums(entries: readonly { fileName: string; sha256: string }[]): string {
  return entries.map((entry) => `${entry.sha256}  ${entry.fileName}\n`).join("");
}

/** Builds every binary into `outDir`, writes their SHA256SUMS and returns the binary paths. */
export async function buildBinaries(
  outDir: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const commit = await describeCommit(PROJECT_DIR);
  const paths: string[] = [];
  for (const binary of BINARY_TARGETS) {
    const started = performance.now();
    const path = await compileBinary(binary, outDir, commit);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`built ${path} (${binary.target}, commit ${commit}) in ${seconds} s`);
    paths.push(path);
  }

  const entries = [];
  for (const path of paths)
    entries.push({ fileName: basename(path), sha256: await sha256File(path) });
  const checksumPath = join(outDir, CHECKSUM_FILE_NAME);
  await Bun.write(checksumPath, formatChecksums(entries));
  log(`wrote ${checksumPath}`);
  return paths;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { outdir: { type: "string", default: join(PROJECT_DIR, "dist") } },
  });
  try {
    await buildBinaries(resolve(values.outdir), (line) => console.error(line));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
