import picomatch from "picomatch";

/**
 * Returns the first pattern that matches the binary package name or its source package
 * name, or null. A pattern is an exact name or a shell-style glob (`linux-image-*`,
 * `lib?ssl*`), matched against the whole name: `libc6` matches `libc6` only, never
 * `libc6-dev`.
 */
export function findMatchingPattern(
  patterns: readonly string[],
  binaryName: string,
  sourceName: string,
): string | null {
  for (const pattern of patterns) {
    const matches = picomatch(pattern, { dot: true, nocase: false });
    if (matches(binaryName) || matches(sourceName)) return pattern;
  }
  return null;
}
