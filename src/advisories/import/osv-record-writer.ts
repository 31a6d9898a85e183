import {
  type AdvisoryToStore,
  newerTimestamp,
  upsertAdvisories,
} from "../../store/advisory-store.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import { tryParseOsvRecord } from "../osv/osv-record.ts";
import { classifyJson } from "./classify-json.ts";
import type { RejectedRecord } from "./import-report.ts";

/** Records per `upsertAdvisories` call: large enough to amortise the savepoint, small enough to bound memory. */
const BATCH_SIZE = 500;
/** Record text (UTF-16 code units) that also stores a batch early, since one record can be megabytes. */
const BATCH_TEXT_LENGTH = 32 * 1024 * 1024;

/**
 * Validates OSV record texts one at a time and stores them in batches, counting
 * what happened to each. A record that is not valid JSON, not an OSV record, or
 * fails validation is rejected with a reason; it never stops the others.
 */
export class OsvRecordWriter {
  imported = 0;
  updated = 0;
  unchanged = 0;
  readonly rejected: RejectedRecord[] = [];
  /** Newest `modified` per ecosystem among the records accepted so far. */
  readonly newestModifiedByEcosystem = new Map<string, string>();

  private batch: AdvisoryToStore[] = [];
  private batchTextLength = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(
    private readonly db: CortexDatabase,
    private readonly storedAt: Date,
    private readonly onReject: (rejected: RejectedRecord) => void,
  ) {}

  /** Number of records read so far, stored or not (the pending batch included). */
  get recordsRead(): number {
    return this.imported + this.updated + this.unchanged + this.rejected.length + this.batch.length;
  }

  /**
   * Reads one record from `bytes`. `source` names the zip member or file in the report;
   * `origin` names it fully (archive or directory path included) in messages.
   */
  addBytes(source: string, origin: string, bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      this.reject(source, null, `invalid UTF-8 in ${origin}: OSV records are UTF-8 JSON`);
      return;
    }
    this.addText(source, origin, text);
  }

  addText(source: string, origin: string, text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.reject(source, null, `invalid JSON in ${origin}: ${(error as Error).message}`);
      return;
    }

    const kind = classifyJson(value);
    if (kind.startsWith("nvd-")) {
      this.reject(
        source,
        null,
        `${origin} is NVD CVE API JSON, not an OSV record: import that file on its own`,
      );
      return;
    }

    const parsed = tryParseOsvRecord(value, origin);
    if (!parsed.ok) {
      this.reject(source, parsed.id, parsed.reason);
      return;
    }
    this.batch.push({ record: parsed.record, rawJson: text });
    this.batchTextLength += text.length;
    if (this.batch.length >= BATCH_SIZE || this.batchTextLength >= BATCH_TEXT_LENGTH) this.flush();
  }

  /** Stores the pending batch. */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.batchTextLength = 0;
    const outcomes = upsertAdvisories(this.db, batch, "import", this.storedAt);
    for (const outcome of outcomes) this[outcome] += 1;
    for (const { record } of batch) {
      for (const entry of record.affected ?? []) {
        const ecosystem = entry.package?.ecosystem;
        if (ecosystem === undefined) continue;
        const newest = this.newestModifiedByEcosystem.get(ecosystem) ?? null;
        this.newestModifiedByEcosystem.set(
          ecosystem,
          newerTimestamp(newest, record.modified) as string,
        );
      }
    }
  }

  /** Counts a record that could not even be read, such as an unreadable file. */
  reject(source: string, id: string | null, reason: string): void {
    const rejected = { source, id, reason };
    this.rejected.push(rejected);
    this.onReject(rejected);
  }
}
