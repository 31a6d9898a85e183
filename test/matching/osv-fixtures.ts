import { join } from "node:path";
import { type OsvRecord, parseOsvRecord } from "../../src/advisories/osv/osv-record.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";

const OSV_FIXTURES = join(import.meta.dir, "..", "fixtures", "osv");

/** Reads and validates one record under test/fixtures/osv (`ubuntu/USN-7287-1.json`). */
export async function loadOsvFixture(relativePath: string): Promise<OsvRecord> {
  const value: unknown = await Bun.file(join(OSV_FIXTURES, relativePath)).json();
  return parseOsvRecord(value, relativePath);
}

/** Lists the record files under test/fixtures/osv, relative to it. */
export async function listOsvFixtures(): Promise<string[]> {
  const glob = new Bun.Glob("**/*.json");
  const paths = await Array.fromAsync(glob.scan({ cwd: OSV_FIXTURES }));
  return paths.sort();
}

/**
 * Builds an installed package. The source defaults to the binary itself, as
 * dpkg does when `Source:` is absent.
 */
export function installed(
  name: string,
  version: string,
  options: Partial<Omit<InstalledPackage, "name" | "version">> = {},
): InstalledPackage {
  return {
    name,
    version,
    arch: options.arch ?? "amd64",
    sourceName: options.sourceName ?? name,
    sourceVersion: options.sourceVersion ?? version,
    status: options.status ?? "install ok installed",
    held: options.held ?? false,
    essential: options.essential ?? false,
  };
}

/** Builds a minimal valid record with one affected entry per item of `affected`. */
export function handMadeRecord(
  id: string,
  affected: NonNullable<OsvRecord["affected"]>,
  extra: Partial<OsvRecord> = {},
): OsvRecord {
  return { id, modified: "2026-01-01T00:00:00Z", affected, ...extra };
}
