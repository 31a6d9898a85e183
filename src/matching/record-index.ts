import type { OsvAffected, OsvRecord } from "../advisories/osv/osv-record.ts";
import { type EcosystemRole, ecosystemRole } from "./ecosystem-role.ts";

/** The affected entries of one record for one source package, sorted by their role for the host. */
export interface RecordEntries {
  record: OsvRecord;
  /** Entries in the host's own ecosystem. */
  host: OsvAffected[];
  /** Entries in the host release's Ubuntu Pro ecosystem. */
  pro: OsvAffected[];
  /** Entries in other Ubuntu Pro channels of the host release (FIPS, Realtime). */
  proVariant: OsvAffected[];
}

const ROLE_FIELDS: Readonly<Record<EcosystemRole, "host" | "pro" | "proVariant">> = {
  host: "host",
  "ubuntu-pro": "pro",
  "ubuntu-pro-variant": "proVariant",
};

/**
 * Checks whether a record is withdrawn: its `withdrawn` time has passed at
 * `now`, or, without `now`, whenever it has one.
 */
export function isWithdrawn(record: OsvRecord, now?: Date): boolean {
  if (record.withdrawn === undefined) {
    return false;
  }
  return now === undefined || Date.parse(record.withdrawn) <= now.getTime();
}

/**
 * Indexes the records that can apply to a host by source package name. Keeps
 * only entries whose ecosystem has a role for the host (see `ecosystemRole`)
 * and drops withdrawn records, so matching a package is one map lookup.
 */
export function indexRecordsBySource(
  records: readonly OsvRecord[],
  hostEcosystem: string,
  now?: Date,
): Map<string, RecordEntries[]> {
  const index = new Map<string, RecordEntries[]>();

  for (const record of records) {
    if (isWithdrawn(record, now)) {
      continue;
    }
    // One record can list a source more than once (one entry per release or channel).
    const bySource = new Map<string, RecordEntries>();
    for (const entry of record.affected ?? []) {
      const role =
        entry.package === undefined ? null : ecosystemRole(hostEcosystem, entry.package.ecosystem);
      if (role === null || entry.package === undefined) {
        continue;
      }
      const source = entry.package.name;
      let entries = bySource.get(source);
      if (entries === undefined) {
        entries = { record, host: [], pro: [], proVariant: [] };
        bySource.set(source, entries);
      }
      entries[ROLE_FIELDS[role]].push(entry);
    }

    for (const [source, entries] of bySource) {
      const list = index.get(source);
      if (list === undefined) {
        index.set(source, [entries]);
      } else {
        list.push(entries);
      }
    }
  }
  return index;
}
