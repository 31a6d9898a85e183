import { inputError } from "../platform/errors.ts";
import { readTextInRoot } from "../platform/root-fs.ts";
import { parseOsRelease } from "./os-release.ts";

/** Locations that os-release(5) lists, in its order. */
export const OS_RELEASE_PATHS = ["/etc/os-release", "/usr/lib/os-release"] as const;

/** Largest os-release file read. Debian's and Ubuntu's are under 1 KiB; this leaves ample room. */
const MAX_OS_RELEASE_BYTES = 64 * 1024;

export interface OsReleaseFile {
  values: Record<string, string>;
  /** The file that was read, as a path inside the root. */
  path: string;
}

/**
 * Reads `/etc/os-release`, else `/usr/lib/os-release`, inside `root`. On Debian and Ubuntu
 * the first is a relative symbolic link to the second, which `readTextInRoot` follows
 * inside the root.
 *
 * Throws `inputError` when neither exists.
 */
export async function readOsRelease(root: string): Promise<OsReleaseFile> {
  const file = await findOsRelease(root);
  if (file !== null) return file;
  throw inputError(
    `Cannot tell the release: neither /etc/os-release nor /usr/lib/os-release exists under ${root}. Pass the release with --ecosystem (for example --ecosystem Debian:12 or --ecosystem Ubuntu:22.04:LTS).`,
  );
}

/** Like `readOsRelease`, but returns null when neither file exists. */
export async function findOsRelease(root: string): Promise<OsReleaseFile | null> {
  for (const path of OS_RELEASE_PATHS) {
    const text = await readTextInRoot(root, path, { maxBytes: MAX_OS_RELEASE_BYTES });
    if (text !== null) return { values: parseOsRelease(text), path };
  }
  return null;
}
