import { join } from "node:path";

/** One line of a version-order fixture: `A < B`, `A = B` or `A > B`. */
export interface VersionPair {
  readonly a: string;
  readonly b: string;
  /** -1 when `a < b`, 0 when equal, 1 when `a > b`. */
  readonly expected: -1 | 0 | 1;
  readonly line: number;
}

const FIXTURE_DIRECTORY = join(import.meta.dir, "../fixtures/versioning");
const EXPECTED_BY_OPERATOR = { "<": -1, "=": 0, ">": 1 } as const;

export function fixturePath(fileName: string): string {
  return join(FIXTURE_DIRECTORY, fileName);
}

/** Reads a fixture of the form `A < B` per line; blank lines and `#` comments are skipped. */
export async function readVersionPairs(fileName: string): Promise<VersionPair[]> {
  const text = await Bun.file(fixturePath(fileName)).text();
  const pairs: VersionPair[] = [];
  for (const [index, rawLine] of text.split("\n").entries()) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) {
      continue;
    }
    const [a, operator, b, ...rest] = line.split(" ");
    if (a === undefined || b === undefined || rest.length > 0 || !isOperator(operator)) {
      throw new Error(
        `${fileName}:${index + 1}: expected "A < B", "A = B" or "A > B", got ${JSON.stringify(line)}`,
      );
    }
    pairs.push({ a, b, expected: EXPECTED_BY_OPERATOR[operator], line: index + 1 });
  }
  return pairs;
}

/** Reads a list of versions, one per line; blank lines and `#` comments are skipped. */
export async function readVersionList(fileName: string): Promise<string[]> {
  const text = await Bun.file(fixturePath(fileName)).text();
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function isOperator(operator: string | undefined): operator is keyof typeof EXPECTED_BY_OPERATOR {
  return operator === "<" || operator === "=" || operator === ">";
}
