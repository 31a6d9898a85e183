#!/usr/bin/env bun
import { run } from "./cli/run.ts";
import { createRealDeps } from "./platform/bun/real-deps.ts";

// The process boundary: everything below works on injected dependencies and returns an exit code.
// A promise chain rather than top-level await, so the compiled binary can use Bun's bytecode cache.
void run(process.argv.slice(2), createRealDeps()).then((exitCode) => process.exit(exitCode));
