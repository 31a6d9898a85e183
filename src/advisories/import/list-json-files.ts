import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** The files of a directory tree, split into `.json` files and the others. */
export interface DirectoryListing {
  /** Paths relative to the directory, sorted by code point within each directory. */
  jsonFiles: string[];
  otherFiles: string[];
}

/**
 * Lists the files under `directory`, recursively. A symbolic link is listed like a
 * file and never entered as a directory, so a link loop cannot recur.
 */
export async function listJsonFiles(directory: string): Promise<DirectoryListing> {
  const listing: DirectoryListing = { jsonFiles: [], otherFiles: [] };
  await walk(directory, "", listing);
  return listing;
}

function byName(a: { name: string }, b: { name: string }): number {
  if (a.name < b.name) return -1;
  if (a.name > b.name) return 1;
  return 0;
}

async function walk(root: string, relative: string, listing: DirectoryListing): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  entries.sort(byName);
  for (const entry of entries) {
    const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      await walk(root, path, listing);
    } else if (entry.name.toLowerCase().endsWith(".json")) {
      listing.jsonFiles.push(path);
    } else {
      listing.otherFiles.push(path);
    }
  }
}
