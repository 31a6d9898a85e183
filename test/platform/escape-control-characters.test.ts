import { describe, expect, test } from "bun:test";
import { escapeControlCharacters } from "../../src/platform/escape-control-characters.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { createMemoryStream } from "../../src/platform/output-stream.ts";

describe("escapeControlCharacters", () => {
  const cases: Array<[string, string, string]> = [
    ["plain ASCII", "openssl 3.0.15-1~deb12u1", "openssl 3.0.15-1~deb12u1"],
    ["ANSI colour", "jq\x1b[31mRED", "jq\\x1b[31mRED"],
    ["OSC title with BEL", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"],
    ["newline and NUL", "CVE-1\nINJECT\0", "CVE-1\\x0aINJECT\\x00"],
    ["DEL", "a\x7fb", "a\\x7fb"],
    ["C1 CSI", "a\u009b2Jb", "a\\x9b2Jb"],
    ["non-ASCII letters stay", "ДСА-1-ünï😀", "ДСА-1-ünï😀"],
  ];
  test.each(cases)("%s", (_name, input, expected) => {
    expect(escapeControlCharacters(input)).toBe(expected);
  });

  test("keeps newline and tab on request", () => {
    expect(escapeControlCharacters("a\n\tb\x1b", { keepLineBreaks: true })).toBe("a\n\tb\\x1b");
  });
});

describe("createLogger", () => {
  test("escapes escape sequences in messages", () => {
    const stderr = createMemoryStream();
    const log = createLogger(stderr);

    log.warn('invalid package name "jq\x1b[2J"');

    expect(stderr.text()).toBe('warning: invalid package name "jq\\x1b[2J"\n');
  });
});
