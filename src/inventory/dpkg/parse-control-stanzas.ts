/**
 * One paragraph of a deb822 control file (deb822(5)), such as one package's record in
 * `/var/lib/dpkg/status`.
 */
export interface ControlStanza {
  /** 1-based number of the stanza's first line. */
  line: number;
  /**
   * Field values by lower-cased field name (deb822 field names are case-insensitive). The
   * first line's value is trimmed; each continuation line adds `\n` and its trimmed text.
   */
  fields: Map<string, string>;
  /** Lower-cased names of fields that occur more than once; `fields` keeps the last value. */
  duplicateFields: string[];
  /** Line numbers of lines that are neither a field nor a continuation line. */
  malformedLines: number[];
  /**
   * Set when the text ends without a newline inside this stanza, as a file cut off mid-write
   * does: the lower-cased name of the field whose last line was cut, or "" when the cut line
   * is not part of a field.
   */
  cutField: string | null;
}

/**
 * A field line: a name of printable US-ASCII characters other than `:`, not starting with
 * `#` or `-` (deb822(5)), then a colon. Sample: `Source: openssl (3.0.15-1~deb12u1)`.
 */
const FIELD_LINE = /^([!-9;-~]+):(.*)$/;

/**
 * Splits deb822 text into stanzas. Lines are separated by LF or CRLF. Blank lines, and
 * lines of only spaces and tabs, separate stanzas; any number of them may precede,
 * separate and follow the stanzas. A line that starts with a space or tab continues the
 * previous field, and a continuation line of ` .` (an empty line in a description) is
 * kept as `.`. A leading byte order mark is ignored.
 */
export function parseControlStanzas(text: string): ControlStanza[] {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  const endsMidLine = body.length > 0 && !body.endsWith("\n");
  if (!endsMidLine) lines.pop();

  const stanzas: ControlStanza[] = [];
  let current: ControlStanza | null = null;
  let currentField: string | null = null;

  for (const [index, lineText] of lines.entries()) {
    const lineNumber = index + 1;
    if (lineText.trim() === "") {
      current = null;
      currentField = null;
      continue;
    }
    if (current === null) {
      current = {
        line: lineNumber,
        fields: new Map(),
        duplicateFields: [],
        malformedLines: [],
        cutField: null,
      };
      stanzas.push(current);
    }
    const stanza = current;

    if (lineText.startsWith(" ") || lineText.startsWith("\t")) {
      if (currentField === null) {
        stanza.malformedLines.push(lineNumber);
      } else {
        const previous = stanza.fields.get(currentField) ?? "";
        stanza.fields.set(currentField, `${previous}\n${lineText.trim()}`);
      }
    } else {
      const match = FIELD_LINE.exec(lineText);
      if (match === null || match[1]?.startsWith("#") || match[1]?.startsWith("-")) {
        stanza.malformedLines.push(lineNumber);
        currentField = null;
      } else {
        const name = (match[1] as string).toLowerCase();
        if (stanza.fields.has(name)) stanza.duplicateFields.push(name);
        stanza.fields.set(name, (match[2] as string).trim());
        currentField = name;
      }
    }

    if (endsMidLine && index === lines.length - 1) stanza.cutField = currentField ?? "";
  }

  return stanzas;
}
