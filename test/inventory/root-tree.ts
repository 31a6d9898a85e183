import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A symbolic link to create in a root tree; `target` is stored as given. */
export interface LinkEntry {
  symlink: string;
}

/** A directory to create, even when empty. */
export const DIRECTORY = Symbol("directory");

export type TreeEntry = string | Uint8Array | LinkEntry | typeof DIRECTORY;

/**
 * Temporary root filesystems for tests: `create` builds one from paths relative to the
 * root (`var/lib/dpkg/status`) and `removeAll` deletes every tree it built.
 */
export function createRootTrees() {
  const roots: string[] = [];
  return {
    async create(entries: Record<string, TreeEntry>): Promise<string> {
      const root = await realpath(await mkdtemp(join(tmpdir(), "cortex-root-")));
      roots.push(root);
      for (const [path, entry] of Object.entries(entries)) {
        const hostPath = join(root, path);
        if (entry === DIRECTORY) {
          await mkdir(hostPath, { recursive: true });
          continue;
        }
        await mkdir(dirname(hostPath), { recursive: true });
        if (typeof entry === "object" && "symlink" in entry) {
          await symlink(entry.symlink, hostPath);
        } else {
          await writeFile(hostPath, entry);
        }
      }
      return root;
    },
    async removeAll(): Promise<void> {
      for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
    },
  };
}
