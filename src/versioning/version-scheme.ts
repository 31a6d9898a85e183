/**
 * The ordering rules of one family of package versions (dpkg's, later apk's
 * or RPM's). Each ecosystem maps to at most one scheme in `schemes.ts`.
 */
export interface VersionScheme {
  /** Name used in messages (`Debian`). */
  readonly name: string;
  /**
   * Orders two versions: negative when `a` sorts first, 0 when equal,
   * positive when `b` sorts first. Throws when either version is invalid.
   */
  compare(a: string, b: string): number;
  /** Whether `compare` accepts this version. */
  isValid(version: string): boolean;
}
