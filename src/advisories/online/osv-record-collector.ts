import type { Logger } from "../../platform/logger.ts";
import { upsertAdvisories } from "../../store/advisory-store.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import type { OsvClient, OsvPackageQuery } from "../osv/osv-client.ts";
import { type OsvRecord, tryParseOsvRecord } from "../osv/osv-record.ts";
import type { RecordFetch } from "./plan-record-fetches.ts";

/**
 * Fetches and stores records, and remembers per id whether its record is now stored
 * or why it could not be fetched. A success wins over a failure of the same id, since
 * two package requests can both return a record that several packages share.
 */
export class OsvRecordCollector {
  /** Ids whose record is stored and at least as new as querybatch reported. */
  readonly stored = new Set<string>();
  private readonly failures = new Map<string, string>();
  private readonly settled = new Set<string>();
  /** Ids a package request should have returned but did not; fetched one by one afterwards. */
  private readonly missing = new Set<string>();
  private readonly settleListeners: ((id: string) => void)[] = [];

  constructor(
    private readonly client: OsvClient,
    private readonly db: CortexDatabase,
    private readonly now: Date,
    private readonly log: Logger,
  ) {}

  /** Calls `listener` the first time an id is stored or fails. */
  onSettled(listener: (id: string) => void): void {
    this.settleListeners.push(listener);
  }

  /** Marks ids whose stored record is already current. */
  markStored(ids: Iterable<string>): void {
    for (const id of ids) {
      this.stored.add(id);
      this.settle(id);
    }
  }

  /** Returns why the record of `id` is not stored, or null when it is. */
  failureOf(id: string): string | null {
    if (this.stored.has(id)) return null;
    return this.failures.get(id) ?? `OSV did not return record ${id}, which querybatch listed`;
  }

  /** Ids that package requests left out and that did not fail otherwise. */
  takeMissing(): string[] {
    const ids = [...this.missing].filter((id) => !this.stored.has(id) && !this.failures.has(id));
    this.missing.clear();
    return ids;
  }

  async run(fetch: RecordFetch): Promise<void> {
    if (fetch.kind === "record") {
      await this.fetchRecord(fetch.id);
    } else {
      await this.fetchPackage(fetch.query, fetch.ids);
    }
  }

  private async fetchRecord(id: string): Promise<void> {
    const outcome = await this.client.getVulnerability(id);
    if (!outcome.ok) {
      const reason = outcome.notFound
        ? `OSV has no record ${id} (HTTP 404), although querybatch listed it`
        : outcome.reason;
      this.fail(id, reason);
      return;
    }
    const [result] = this.store([outcome.value], `GET /v1/vulns/${id}`);
    if (result === undefined || result.id === id) return;
    this.fail(id, result.reason ?? `OSV returned record ${result.id} when asked for ${id}`);
  }

  private async fetchPackage(query: OsvPackageQuery, ids: readonly string[]): Promise<void> {
    const outcome = await this.client.queryPackage(query);
    if (!outcome.ok) {
      for (const id of ids) this.fail(id, outcome.reason);
      return;
    }
    const results = this.store(outcome.value, `POST /v1/query for ${query.name} ${query.version}`);
    const returned = new Set(results.map((result) => result.id));
    // The package response can lack an id that querybatch listed, when the data changed in between.
    for (const id of ids) {
      if (!returned.has(id) && !this.stored.has(id)) this.missing.add(id);
    }
  }

  /**
   * Validates records and stores the valid ones in one transaction. Returns, per
   * record, its id (null when it has none) and the reason when it was rejected.
   */
  private store(values: readonly unknown[], origin: string): StoreResult[] {
    const valid: { record: OsvRecord; rawJson: string }[] = [];
    const results: StoreResult[] = [];
    for (const value of values) {
      const parsed = tryParseOsvRecord(value, `the OSV API (${origin})`);
      if (parsed.ok) {
        valid.push({ record: parsed.record, rawJson: JSON.stringify(value) });
        results.push({ id: parsed.record.id, reason: null });
        continue;
      }
      this.log.warn(parsed.reason);
      if (parsed.id !== null) this.fail(parsed.id, parsed.reason);
      results.push({ id: parsed.id, reason: parsed.reason });
    }
    upsertAdvisories(this.db, valid, "osv-api", this.now);
    for (const { record } of valid) {
      this.stored.add(record.id);
      this.settle(record.id);
    }
    return results;
  }

  private fail(id: string, reason: string): void {
    if (!this.failures.has(id)) this.failures.set(id, reason);
    this.settle(id);
  }

  private settle(id: string): void {
    if (this.settled.has(id)) return;
    this.settled.add(id);
    for (const listener of this.settleListeners) listener(id);
  }
}

interface StoreResult {
  id: string | null;
  /** Reason the record was rejected, or null when it was stored. */
  reason: string | null;
}
