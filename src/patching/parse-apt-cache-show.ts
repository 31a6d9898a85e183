import { parseControlStanzas } from "../inventory/dpkg/parse-control-stanzas.ts";

/** One package version as `apt-cache show NAME=VERSION` describes it. */
export interface AptPackageRecord {
  name: string;
  arch: string;
  version: string;
  /** Source package name: the `Source:` field's name, else the binary name. */
  sourceName: string;
  /** Source version: from `Source: name (version)`, else the binary version. */
  sourceVersion: string;
  /** Size of the .deb file in bytes, or null when the field is missing. */
  size: number | null;
  /** `Installed-Size` in KiB, or null when the field is missing. */
  installedSizeKib: number | null;
}

/** Sample: `Source: openssl (3.0.15-1~deb12u1)` or `Source: openssl`. */
const SOURCE_FIELD = /^(\S+)(?:\s+\((\S+)\))?$/;

/**
 * Parses the deb822 stanzas that `apt-cache show` prints (run under `LC_ALL=C`).
 * Stanzas without Package, Version or Architecture are skipped.
 */
export function parseAptCacheShow(text: string): AptPackageRecord[] {
  const records: AptPackageRecord[] = [];
  for (const stanza of parseControlStanzas(text)) {
    const name = stanza.fields.get("package");
    const version = stanza.fields.get("version");
    const arch = stanza.fields.get("architecture");
    if (!name || !version || !arch) continue;
    const source = SOURCE_FIELD.exec(stanza.fields.get("source") ?? "");
    records.push({
      name,
      arch,
      version,
      sourceName: source?.[1] ?? name,
      sourceVersion: source?.[2] ?? version,
      size: toNumber(stanza.fields.get("size")),
      installedSizeKib: toNumber(stanza.fields.get("installed-size")),
    });
  }
  return records;
}

function toNumber(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}
