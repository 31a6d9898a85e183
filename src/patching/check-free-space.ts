import { existsSync, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";

/** Space one step needs on the filesystem that contains `path`. */
export interface SpaceRequirement {
  path: string;
  bytes: number;
  purpose: string;
}

/** Free space of the filesystem holding a path, and which filesystem it is. */
export interface FilesystemSpace {
  /** Device id (`stat.dev`): requirements on one filesystem add up. */
  device: number;
  availableBytes: number;
}

/** Headroom kept free on every filesystem, beyond the estimate: dpkg writes its database too. */
export const SPACE_MARGIN_BYTES = 64 * 1024 * 1024;

/**
 * Returns one message per filesystem whose available space is below the sum of its
 * requirements plus `SPACE_MARGIN_BYTES`; an empty list when everything fits.
 */
export function findSpaceShortages(
  requirements: readonly SpaceRequirement[],
  spaceOf: (path: string) => FilesystemSpace,
): string[] {
  const byDevice = new Map<number, { space: FilesystemSpace; items: SpaceRequirement[] }>();
  for (const requirement of requirements) {
    const space = spaceOf(requirement.path);
    const group = byDevice.get(space.device) ?? { space, items: [] };
    group.items.push(requirement);
    byDevice.set(space.device, group);
  }

  const shortages: string[] = [];
  for (const { space, items } of byDevice.values()) {
    const needed = items.reduce((sum, item) => sum + item.bytes, 0) + SPACE_MARGIN_BYTES;
    if (space.availableBytes >= needed) continue;
    const parts = items.map(
      (item) => `${formatBytes(item.bytes)} in ${item.path} for ${item.purpose}`,
    );
    shortages.push(
      `${formatBytes(space.availableBytes)} available, ${formatBytes(needed)} needed (${parts.join(", ")}, plus ${formatBytes(SPACE_MARGIN_BYTES)} headroom)`,
    );
  }
  return shortages;
}

/** Throws a `CortexError` with exit code 9 when a filesystem lacks the space needed. */
export function checkFreeSpace(
  requirements: readonly SpaceRequirement[],
  spaceOf: (path: string) => FilesystemSpace = readFilesystemSpace,
): void {
  const shortages = findSpaceShortages(requirements, spaceOf);
  if (shortages.length === 0) return;
  throw new CortexError(
    `not enough free space to patch: ${shortages.join("; ")}. Free some space (for example "apt-get clean") and run again.`,
    ExitCode.insufficientSpace,
  );
}

/** Reads the space of the filesystem holding `path`, or of its nearest existing parent. */
export function readFilesystemSpace(path: string): FilesystemSpace {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const stats = statfsSync(existing);
  return { device: statSync(existing).dev, availableBytes: stats.bavail * stats.bsize };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
