import { escapeControlCharacters } from "./escape-control-characters.ts";
import type { OutputStream } from "./output-stream.ts";

/** Writes human-readable log lines to stderr, keeping stdout for results. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Printed only when the environment sets CORTEX_DEBUG=1. */
  debug(message: string): void;
}

/** Messages quote scanned and downloaded text, so their control characters are escaped. */
export function createLogger(stderr: OutputStream, options: { debug?: boolean } = {}): Logger {
  const write = (prefix: string, message: string) =>
    stderr.write(`${prefix}${escapeControlCharacters(message, { keepLineBreaks: true })}\n`);
  return {
    info: (message) => write("", message),
    warn: (message) => write("warning: ", message),
    error: (message) => write("error: ", message),
    debug: (message) => {
      if (options.debug) write("debug: ", message);
    },
  };
}

/** Creates a logger that keeps every line in memory, for tests. */
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
