import type { ScanRequest } from "../scan/run-scan.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import type { PatchServices } from "./run-patch.ts";

/** Scans with `services.scan` when given (tests), else with `runScan`. */
export async function scanForPatch(
  request: ScanRequest,
  services: PatchServices,
): Promise<ScanResult> {
  if (services.scan) return services.scan(request);
  const { runScan } = await import("../scan/run-scan.ts");
  return runScan(request, {
    db: services.db,
    config: services.config,
    fetch: services.fetch,
    now: services.now,
    log: services.log,
    runningKernelRelease: services.runningKernelRelease,
  });
}
