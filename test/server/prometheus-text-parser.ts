/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests.
 * It throws on anything a Prometheus server would reject, and also on what the
 * format discourages: samples of a family split into groups, a TYPE after the
 * family's first sample, duplicate series, and a family without HELP or TYPE.
 */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | null;
}

export interface ParsedFamily {
  name: string;
  help: string | null;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped" | null;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const TYPES = ["counter", "gauge", "histogram", "summary", "untyped"] as const;

/** Parses a whole exposition and returns its families by name, in order of appearance. */
export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("exposition does not end with \\n");
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const seriesKeys = new Set<string>();
  let current: string | null = null;

  const lines = text.split("\n").slice(0, -1);
  lines.forEach((line, index) => {
    const where = `line ${index + 1} "${line}"`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) return; // A plain comment.
      const [, keyword, name, rest] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: invalid metric name`);
      const family = familyFor(families, name);
      if (keyword === "HELP") {
        if (family.help !== null) throw new Error(`${where}: second HELP for ${name}`);
        family.help = unescapeHelp(rest, where);
      } else {
        if (family.type !== null) throw new Error(`${where}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`);
        if (!(TYPES as readonly string[]).includes(rest)) {
          throw new Error(`${where}: unknown type "${rest}"`);
        }
        family.type = rest as ParsedFamily["type"];
      }
      return;
    }

    const sample = parseSampleLine(line, where);
    const familyName = familyNameOf(sample.name, families);
    if (current !== familyName) {
      if (current !== null) closed.add(current);
      if (closed.has(familyName)) throw new Error(`${where}: samples of ${familyName} are split`);
      current = familyName;
    }
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seriesKeys.has(key)) throw new Error(`${where}: duplicate series`);
    seriesKeys.add(key);
    familyFor(families, familyName).samples.push(sample);
  });

  for (const family of families.values()) {
    if (family.help === null) throw new Error(`family ${family.name} has no HELP line`);
    if (family.type === null) throw new Error(`family ${family.name} has no TYPE line`);
  }
  return families;
}

function familyFor(families: Map<string, ParsedFamily>, name: string): ParsedFamily {
  let family = families.get(name);
  if (family === undefined) {
    family = { name, help: null, type: null, samples: [] };
    families.set(name, family);
  }
  return family;
}

/** Maps a sample to its family: histogram and summary samples carry a suffix, others do not. */
function familyNameOf(sampleName: string, families: Map<string, ParsedFamily>): string {
  if (families.has(sampleName)) return sampleName;
  const base = sampleName.replace(/_(bucket|sum|count)$/, "");
  const family = families.get(base);
  if (family && (family.type === "histogram" || family.type === "summary")) return base;
  return sampleName;
}

function parseSampleLine(line: string, where: string): ParsedSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`${where}: invalid metric name`);
  const name = nameMatch[0];
  let position = name.length;
  const labels: Record<string, string> = {};

  if (line[position] === "{") {
    position += 1;
    while (line[position] !== "}") {
      const labelMatch = /^([^=]*)="/.exec(line.slice(position));
      if (!labelMatch) throw new Error(`${where}: invalid label at column ${position + 1}`);
      const labelName = labelMatch[1] as string;
      if (!LABEL_NAME.test(labelName)) throw new Error(`${where}: invalid label name`);
      if (labelName in labels) throw new Error(`${where}: label ${labelName} given twice`);
      position += labelMatch[0].length;
      let value = "";
      for (;;) {
        const char = line[position];
        if (char === undefined) throw new Error(`${where}: unterminated label value`);
        if (char === '"') break;
        if (char === "\\") {
          const escaped = line[position + 1];
          if (escaped === "\\") value += "\\";
          else if (escaped === '"') value += '"';
          else if (escaped === "n") value += "\n";
          else throw new Error(`${where}: invalid escape \\${escaped} in label value`);
          position += 2;
        } else {
          value += char;
          position += 1;
        }
      }
      labels[labelName] = value;
      position += 1;
      if (line[position] === ",") position += 1;
      else if (line[position] !== "}") throw new Error(`${where}: expected , or } after label`);
    }
    position += 1;
  }

  const rest = line.slice(position);
  const match = /^ ([^ ]+)(?: (-?[0-9]+))?$/.exec(rest);
  if (!match) throw new Error(`${where}: expected " value [timestamp]" after the series`);
  return {
    name,
    labels,
    value: parseValue(match[1] as string, where),
    timestampMs: match[2] === undefined ? null : Number(match[2]),
  };
}

function parseValue(text: string, where: string): number {
  if (text === "NaN") return Number.NaN;
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (!FLOAT.test(text)) throw new Error(`${where}: invalid sample value "${text}"`);
  return Number(text);
}

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.?)/g, (_, escaped: string) => {
    if (escaped === "\\") return "\\";
    if (escaped === "n") return "\n";
    throw new Error(`${where}: invalid escape \\${escaped} in HELP`);
  });
}
