import { describe, expect, test } from "bun:test";
import {
  checkFreeSpace,
  findSpaceShortages,
  SPACE_MARGIN_BYTES,
} from "../../src/patching/check-free-space.ts";
import { CortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";

const MiB = 1024 * 1024;
const requirements = [
  { path: "/var/cache/apt/archives", bytes: 40 * MiB, purpose: "downloads" },
  { path: "/usr", bytes: 100 * MiB, purpose: "unpacked packages" },
  { path: "/var/lib/cortex/packages", bytes: 40 * MiB, purpose: "saved .deb files" },
];

describe("findSpaceShortages", () => {
  test("one filesystem adds up", () => {
    const space = () => ({ device: 1, availableBytes: 180 * MiB + SPACE_MARGIN_BYTES });
    expect(findSpaceShortages(requirements, space)).toEqual([]);
    const tight = () => ({ device: 1, availableBytes: 180 * MiB + SPACE_MARGIN_BYTES - 1 });
    expect(findSpaceShortages(requirements, tight)).toHaveLength(1);
  });

  test("separate filesystems are judged apart", () => {
    const space = (path: string) =>
      path.startsWith("/usr")
        ? { device: 2, availableBytes: 50 * MiB }
        : { device: 1, availableBytes: 10_000 * MiB };
    const shortages = findSpaceShortages(requirements, space);
    expect(shortages).toHaveLength(1);
    expect(shortages[0]).toContain("/usr for unpacked packages");
  });

  test("shortage is exit 9", () => {
    let error: unknown;
    try {
      checkFreeSpace(requirements, () => ({ device: 1, availableBytes: 0 }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CortexError);
    expect((error as CortexError).exitCode).toBe(ExitCode.insufficientSpace);
  });
});
