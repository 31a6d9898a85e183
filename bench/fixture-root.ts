import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const REPOSITORY = join(import.meta.dir, "..");

/**
 * Creates `<work>/root`, a filesystem root with the dpkg status file of the 710-package
 * Debian 12 host (test/fixtures/dpkg/debian12-host.status) and an os-release of Debian 12.
 * Returns the root's path.
 */
export function createFixtureRoot(work: string): string {
  const root = join(work, "root");
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(
    join(root, "var/lib/dpkg/status"),
    readFileSync(join(REPOSITORY, "test/fixtures/dpkg/debian12-host.status")),
  );
  writeFileSync(join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  return root;
}
