import {
  type MockAdvisoryServer,
  type MockAdvisoryServerOptions,
  startMockAdvisoryServer,
} from "./mock-advisory-server.ts";
import { loadNvdCves, loadRecordedQueryBatches, loadRecordTexts } from "./osv-fixtures.ts";
import { recordedMockData } from "./osv-mock-data.ts";

let recorded: ReturnType<typeof loadRecordedQueryBatches> | undefined;
let records: ReturnType<typeof loadRecordTexts> | undefined;
let nvd: ReturnType<typeof loadNvdCves> | undefined;

/**
 * Starts the mock with the recorded fixtures: querybatch results from the recorded
 * pairs, records from `fixtures/osv-api/vulns/` and NVD results from `fixtures/nvd/`.
 */
export function startRecordedMock(
  options: Omit<MockAdvisoryServerOptions, "osv" | "nvd"> = {},
): MockAdvisoryServer {
  recorded ??= loadRecordedQueryBatches();
  records ??= loadRecordTexts();
  nvd ??= loadNvdCves();
  return startMockAdvisoryServer({ ...options, osv: recordedMockData(recorded, records), nvd });
}
