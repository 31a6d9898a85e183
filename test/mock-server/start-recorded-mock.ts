import {
  type MockAdvisoryServer,
  type MockAdvisoryServerOptions,
  startMockAdvisoryServer,
} from "./mock-advisory-server.ts";
import { recordedAnswers } from "./osv-answers.ts";
import { loadNvdCves, loadRecordedQueryBatches, loadRecordTexts } from "./osv-fixtures.ts";

let recorded: ReturnType<typeof loadRecordedQueryBatches> | undefined;
let records: ReturnType<typeof loadRecordTexts> | undefined;
let nvd: ReturnType<typeof loadNvdCves> | undefined;

/**
 * Starts the mock with the recorded fixtures: querybatch answers from the recorded
 * pairs, records from `fixtures/osv-api/vulns/`, NVD answers from `fixtures/nvd/`.
 */
export function startRecordedMock(
  options: Omit<MockAdvisoryServerOptions, "osv" | "nvd"> = {},
): MockAdvisoryServer {
  recorded ??= loadRecordedQueryBatches();
  records ??= loadRecordTexts();
  nvd ??= loadNvdCves();
  return startMockAdvisoryServer({ ...options, osv: recordedAnswers(recorded, records), nvd });
}
