const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Parses an os-release(5) file: one shell-style `KEY=value` assignment per line, where the
 * value may be unquoted, 'single-quoted' or "double-quoted" with backslash escapes.
 * Sample: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"`.
 *
 * Blank lines and `#` comments are skipped, and so are lines that are not an assignment or
 * whose quote is never closed. Of two assignments to one key, the later wins, as in a shell.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;

    const match = ASSIGNMENT.exec(line);
    if (match === null) continue;
    const value = unquoteShellWord(match[2] as string);
    if (value !== null) values[match[1] as string] = value;
  }
  return values;
}

/**
 * Removes shell quoting from one word. In double quotes a backslash escapes only `$`, a
 * backtick, `"` and `\`; outside quotes it escapes any character; in single quotes nothing.
 * Returns null when a quote is not closed. Text after unquoted whitespace is ignored.
 */
function unquoteShellWord(word: string): string | null {
  let result = "";
  let index = 0;
  while (index < word.length) {
    const char = word[index] as string;
    if (char === "'") {
      const end = word.indexOf("'", index + 1);
      if (end === -1) return null;
      result += word.slice(index + 1, end);
      index = end + 1;
    } else if (char === '"') {
      const end = readDoubleQuoted(word, index + 1);
      if (end === null) return null;
      result += end.text;
      index = end.next;
    } else if (char === "\\") {
      result += word[index + 1] ?? "";
      index += 2;
    } else if (char === " " || char === "\t") {
      break;
    } else {
      result += char;
      index += 1;
    }
  }
  return result;
}

function readDoubleQuoted(word: string, start: number): { text: string; next: number } | null {
  let text = "";
  let index = start;
  while (index < word.length) {
    const char = word[index] as string;
    if (char === '"') return { text, next: index + 1 };
    const following = word[index + 1];
    if (char === "\\" && following !== undefined && '$`"\\'.includes(following)) {
      text += following;
      index += 2;
    } else {
      text += char;
      index += 1;
    }
  }
  return null;
}
