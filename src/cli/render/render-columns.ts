/**
 * Renders rows as left-aligned columns separated by two spaces, without
 * trailing blanks. cli-table3 took about 1.5 s for a 5,000-row scan table on a
 * 2-core VM; this takes milliseconds. Widths count UTF-16 code units, which is
 * exact for the ASCII that package names, versions and ids are made of.
 */
export function renderColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title) => title.length);
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  return lines.join("\n");
}
