import { expect, test } from "bun:test";
import { join } from "node:path";

const realDepsPath = join(import.meta.dir, "../../../src/platform/bun/real-deps.ts");

// A child process writes 4 MB through the real stdout stream into a pipe whose reader has
// already gone, as `cortex security scan | head` does once head has its lines.
const writerScript = `
const { createRealDeps } = await import(${JSON.stringify(realDepsPath)});
const deps = createRealDeps();
const line = "x".repeat(1023) + "\\n";
for (let i = 0; i < 4096; i += 1) deps.stdout.write(line);
deps.stderr.write("finished\\n");
`;

test("stdout closed by reader is not an error", async () => {
  const child = Bun.spawn(["bun", "-e", writerScript], { stdout: "pipe", stderr: "pipe" });
  await child.stdout.cancel();

  const exitCode = await child.exited;
  const stderr = await new Response(child.stderr).text();

  expect(stderr).not.toContain("EPIPE");
  expect(stderr).toContain("finished");
  expect(exitCode).toBe(0);
});

const runPath = join(import.meta.dir, "../../../src/cli/run.ts");

// Runs the real CLI boundary, so an error from the stdout stream goes through run().
const helpScript = `
const { run } = await import(${JSON.stringify(runPath)});
const { createRealDeps } = await import(${JSON.stringify(realDepsPath)});
process.exit(await run(["security", "db", "--help"], createRealDeps()));
`;

test("full stdout is a clear error", async () => {
  const child = Bun.spawn(["bun", "-e", helpScript], {
    stdout: Bun.file("/dev/full"),
    stderr: "pipe",
  });

  const exitCode = await child.exited;
  const stderr = await new Response(child.stderr).text();

  expect(stderr).toContain("failed to write to standard output");
  expect(stderr).toContain("ENOSPC");
  expect(stderr).not.toContain("internal error");
  expect(exitCode).toBe(3);
});
