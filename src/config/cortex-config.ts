import { z } from "zod";
import { inputError } from "../platform/errors.ts";
import { configDirectories, type PathInputs } from "../platform/paths.ts";
import { loadConfigFiles } from "./load-config-files.ts";

/** Default OSV API base; `/v1/...` paths are appended to it. */
export const DEFAULT_OSV_URL = "https://api.osv.dev";
/** Default NVD CVE API 2.0 endpoint; `?cveId=` is added to it. */
export const DEFAULT_NVD_URL = "https://services.nvd.nist.gov/rest/json/cves/2.0";

/** An http or https URL: Bun's fetch would also read file: URLs from the local disk. */
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/**
 * `config.json`: data sources, cache lifetime and maximum data age. Every key
 * is optional; unknown keys are rejected so that a typo is not silently ignored.
 */
export const cortexConfigSchema = z
  .object({
    osvUrl: httpUrl.optional(),
    nvdUrl: httpUrl.optional(),
    nvdApiKey: z.string().min(1).optional(),
    /** Turns NVD severity lookups off. */
    nvdEnabled: z.boolean().optional(),
    /** Seconds one scan may spend on NVD before leaving the rest unrated. */
    nvdTimeBudgetSeconds: z.number().nonnegative().optional(),
    /** Hours a cached OSV or NVD result stays fresh. */
    cacheTtlHours: z.number().positive().optional(),
    /** Days after which the advisory data is reported as stale. */
    maxDataAgeDays: z.number().positive().optional(),
    /** Seconds before one HTTP request is abandoned and retried. */
    requestTimeoutSeconds: z.number().positive().optional(),
  })
  .strict();

export interface CortexConfig {
  osvUrl: string;
  nvdUrl: string;
  nvdApiKey: string | null;
  nvdEnabled: boolean;
  nvdTimeBudgetSeconds: number;
  cacheTtlHours: number;
  maxDataAgeDays: number;
  requestTimeoutSeconds: number;
}

/**
 * Loads `config.json` from the configuration directories, then applies the
 * environment (`CORTEX_OSV_URL`, `CORTEX_NVD_URL`, `NVD_API_KEY`), which wins.
 */
export function loadCortexConfig(inputs: PathInputs): CortexConfig {
  const file = loadConfigFiles(configDirectories(inputs), "config.json", cortexConfigSchema);
  return {
    osvUrl: environmentUrl(inputs.env, "CORTEX_OSV_URL") || file.osvUrl || DEFAULT_OSV_URL,
    nvdUrl: environmentUrl(inputs.env, "CORTEX_NVD_URL") || file.nvdUrl || DEFAULT_NVD_URL,
    nvdApiKey: inputs.env.NVD_API_KEY || file.nvdApiKey || null,
    nvdEnabled: file.nvdEnabled ?? true,
    nvdTimeBudgetSeconds: file.nvdTimeBudgetSeconds ?? 5,
    cacheTtlHours: file.cacheTtlHours ?? 24,
    maxDataAgeDays: file.maxDataAgeDays ?? 7,
    requestTimeoutSeconds: file.requestTimeoutSeconds ?? 30,
  };
}

/**
 * Returns the URL in environment variable `name`, or undefined when it is unset or empty.
 * Throws `inputError` when it is not an http or https URL, rather than letting every
 * lookup of a scan fail and retry.
 */
function environmentUrl(env: PathInputs["env"], name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!httpUrl.safeParse(value).success) {
    throw inputError(
      `invalid ${name} "${value}": expected an http:// or https:// URL such as ${name === "CORTEX_OSV_URL" ? DEFAULT_OSV_URL : DEFAULT_NVD_URL}`,
    );
  }
  return value;
}
