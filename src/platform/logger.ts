import type { OutputStream } from "./output-stream.ts";

/** Writes human-readable log lines to stderr, keeping stdout for results. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Printed only with --verbose or CORTEX_DEBUG=1. */
  debug(message: string): void;
}

export function createLogger(stderr: OutputStream, options: { debug?: boolean } = {}): Logger {
  return {
    info: (message) => stderr.write(`${message}\n`),
    warn: (message) => stderr.write(`warning: ${message}\n`),
    error: (message) => stderr.write(`error: ${message}\n`),
    debug: (message) => {
      if (options.debug) stderr.write(`debug: ${message}\n`);
    },
  };
}

/** A logger that keeps every line, for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    debug: (message) => lines.push(`debug: ${message}`),
  };
}
