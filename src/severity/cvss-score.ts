import type * as CvssCalculator from "ae-cvss-calculator";
import type { Severity } from "./severity.ts";

/** CVSS specification version of a vector. */
export type CvssVersion = "2.0" | "3.0" | "3.1" | "4.0";

/** OSV `severity[].type` values that carry a CVSS vector. */
export type CvssSeverityType = "CVSS_V2" | "CVSS_V3" | "CVSS_V4";

/** A vector and the score computed from it. */
export interface CvssScore {
  version: CvssVersion;
  score: number;
  vector: string;
}

/** A vector that was not scored, and why. */
export interface SkippedCvssVector {
  type: string;
  vector: string;
  reason: string;
}

export type CvssScoreResult = ({ ok: true } & CvssScore) | ({ ok: false } & SkippedCvssVector);

const CVSS_TYPES: ReadonlySet<string> = new Set(["CVSS_V2", "CVSS_V3", "CVSS_V4"]);
const METRIC = /^[A-Za-z]+:[A-Za-z]+$/;

/** Checks whether an OSV `severity[].type` carries a CVSS vector (the other type, `Ubuntu`, is a word). */
export function isCvssSeverityType(type: string): type is CvssSeverityType {
  return CVSS_TYPES.has(type);
}

/**
 * Computes the score of a CVSS vector with ae-cvss-calculator. Never throws: an
 * invalid vector returns `ok: false` and the reason.
 *
 * The score is the one NVD publishes as `baseScore`. For CVSS v2 and v3 that is the
 * base score, and temporal and environmental metrics in the vector are ignored. For
 * CVSS v4.0 every metric the vector sets counts (CVSS-B, -BT, -BE or -BTE), so `E:U`
 * lowers it.
 *
 * @param type the OSV severity type; the vector's prefix must agree with it
 *   (`CVSS_V3` takes `CVSS:3.0/` or `CVSS:3.1/`, `CVSS_V4` takes `CVSS:4.0/`,
 *   `CVSS_V2` takes a vector without prefix).
 */
export function scoreCvssVector(type: string, vector: string): CvssScoreResult {
  const skip = (reason: string): CvssScoreResult => ({ ok: false, type, vector, reason });

  const version = versionFor(type, vector);
  if (typeof version !== "string") {
    return skip(version.reason);
  }
  const syntaxProblem = findSyntaxProblem(version, vector);
  if (syntaxProblem !== null) {
    return skip(syntaxProblem);
  }

  try {
    const cvss = createCalculator(version, vector);
    if (!cvss.isBaseFullyDefined()) {
      return skip("the vector does not set every base metric");
    }
    const score = cvss.calculateScores().base;
    if (score === undefined || !Number.isFinite(score)) {
      return skip("the calculator returned no base score");
    }
    return { ok: true, version, score, vector };
  } catch (error) {
    // The calculator throws plain Errors for unknown metrics or values ("Unknown component value Q for component AV").
    return skip(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Maps a CVSS score to a severity with the CVSS v3.1 qualitative scale:
 * critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0.
 * A score of 0.0 is "None" on that scale. `Severity` has no such level, and
 * "low" would claim an impact the vector denies, so 0.0 maps to `unknown`.
 */
export function severityForCvssScore(score: number): Severity {
  if (score >= 9) {
    return "critical";
  }
  if (score >= 7) {
    return "high";
  }
  if (score >= 4) {
    return "medium";
  }
  return score > 0 ? "low" : "unknown";
}

/** Scores every CVSS entry of an OSV `severity` list and returns the highest, plus the skipped ones. */
export function highestCvssScore(severities: readonly { type: string; score: string }[]): {
  highest: CvssScore | null;
  skipped: SkippedCvssVector[];
} {
  let highest: CvssScore | null = null;
  const skipped: SkippedCvssVector[] = [];
  for (const severity of severities) {
    if (!isCvssSeverityType(severity.type)) {
      continue;
    }
    const result = scoreCvssVector(severity.type, severity.score);
    if (!result.ok) {
      skipped.push({ type: result.type, vector: result.vector, reason: result.reason });
    } else if (highest === null || result.score > highest.score) {
      highest = { version: result.version, score: result.score, vector: result.vector };
    }
  }
  return { highest, skipped };
}

function versionFor(type: string, vector: string): CvssVersion | { reason: string } {
  switch (type) {
    case "CVSS_V4":
      return vector.startsWith("CVSS:4.0/")
        ? "4.0"
        : { reason: "a CVSS_V4 vector must start with CVSS:4.0/" };
    case "CVSS_V3":
      if (vector.startsWith("CVSS:3.1/")) {
        return "3.1";
      }
      return vector.startsWith("CVSS:3.0/")
        ? "3.0"
        : { reason: "a CVSS_V3 vector must start with CVSS:3.0/ or CVSS:3.1/" };
    case "CVSS_V2":
      return vector.startsWith("CVSS:")
        ? { reason: "a CVSS_V2 vector has no CVSS: prefix" }
        : "2.0";
    default:
      return { reason: `${JSON.stringify(type)} is not a CVSS severity type` };
  }
}

/**
 * Checks the `METRIC:VALUE/…` syntax. The calculator keeps the last of a
 * repeated metric and ignores empty parts, so both are rejected here.
 */
function findSyntaxProblem(version: CvssVersion, vector: string): string | null {
  const body = version === "2.0" ? vector : vector.slice(vector.indexOf("/") + 1);
  const seen = new Set<string>();
  for (const part of body.split("/")) {
    if (!METRIC.test(part)) {
      return `${JSON.stringify(part)} is not a METRIC:VALUE pair`;
    }
    const metric = part.slice(0, part.indexOf(":"));
    if (seen.has(metric)) {
      return `the metric ${metric} appears twice`;
    }
    seen.add(metric);
  }
  return null;
}

type Calculator =
  | CvssCalculator.Cvss2
  | CvssCalculator.Cvss3P0
  | CvssCalculator.Cvss3P1
  | CvssCalculator.Cvss4P0;

let calculatorModule: typeof CvssCalculator | null = null;

/**
 * Loads ae-cvss-calculator on first use. Building its tables takes about 20 ms,
 * a fifth of an offline host scan, and many Debian records carry no vector at all.
 */
function loadCalculatorModule(): typeof CvssCalculator {
  // A literal require() so that `bun build --compile` still bundles the module.
  calculatorModule ??= require("ae-cvss-calculator") as typeof CvssCalculator;
  return calculatorModule;
}

function createCalculator(version: CvssVersion, vector: string): Calculator {
  const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = loadCalculatorModule();
  switch (version) {
    case "2.0":
      return new Cvss2(vector);
    case "3.0":
      return new Cvss3P0(vector);
    case "3.1":
      return new Cvss3P1(vector);
    case "4.0":
      return new Cvss4P0(vector);
  }
}
