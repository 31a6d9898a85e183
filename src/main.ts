#!/usr/bin/env bun
import { run } from "./cli/run.ts";
import { createRealDeps } from "./platform/bun/real-deps.ts";

// The process boundary: everything below works on injected dependencies and returns an exit code.
const exitCode = await run(process.argv.slice(2), createRealDeps());
process.exit(exitCode);
