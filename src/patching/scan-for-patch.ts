import { runScan, type ScanRequest } from "../scan/run-scan.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import type { PatchServices } from "./run-patch.ts";

/** Scans with `services.scan` when given (tests), else with `runScan`. */
export function scanForPatch(request: ScanRequest, services: PatchServices): Promise<ScanResult> {
  if (services.scan) return services.scan(request);
  return runScan(request, {
    db: services.db,
    config: services.config,
    fetch: services.fetch,
    now: services.now,
    log: services.log,
    runningKernelRelease: services.runningKernelRelease,
  });
}
