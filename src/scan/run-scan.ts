import type { CortexConfig } from "../config/cortex-config.ts";
import type { Logger } from "../platform/logger.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import type { ScanResult } from "./scan-result.ts";

/** What to scan and with which data. */
export interface ScanRequest {
  /** Filesystem root: `/` for the host, or a chroot or mounted image. */
  root: string;
  /** Only this binary or source package. */
  packageName?: string;
  /** Use the local database only; never touch the network. */
  offline: boolean;
  /** Ask the network even when cached answers are fresh. */
  refresh: boolean;
  /** Ecosystem to use instead of the one os-release implies (`Debian:12`). */
  ecosystemOverride?: string;
  /** Look up missing severities at NVD (online scans only). */
  nvd: boolean;
}

export interface ScanProgress {
  done: number;
  total: number;
  findings: number;
}

/** The I/O a scan needs, passed in so tests control all of it. */
export interface ScanServices {
  db: CortexDatabase;
  config: CortexConfig;
  fetch: typeof fetch;
  now: () => Date;
  log: Logger;
  /** `uname -r` of the running kernel; ignored (treated as unknown) when root is not `/`. */
  runningKernelRelease: string | null;
  onProgress?: (progress: ScanProgress) => void;
}

/**
 * Scans the installed packages of `request.root` and stores the result.
 * TODO: being written; the signature is fixed so that patch, schedule and serve can build on it.
 */
export async function runScan(request: ScanRequest, services: ScanServices): Promise<ScanResult> {
  void request;
  void services;
  throw new Error("runScan is not implemented yet");
}
