/**
 * Quotes one argument for `ExecStart=` so that systemd passes it through unchanged. The argument
 * goes in double quotes, with C-style escapes for `\`, `"` and control characters as
 * systemd.syntax(7) describes. A literal `%` becomes `%%` (specifier expansion) and a literal `$`
 * becomes `$$` (environment variable substitution, systemd.service(5) "Command lines").
 */
export function quoteExecArgument(argument: string): string {
  let quoted = '"';
  for (const character of argument) {
    quoted += escapeCharacter(character);
  }
  return `${quoted}"`;
}

const NAMED_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "%": "%%",
  $: "$$",
};

function escapeCharacter(character: string): string {
  const named = NAMED_ESCAPES[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
  return character;
}

/** Joins arguments into an `ExecStart=` command line, each one quoted. */
export function formatExecCommandLine(argv: readonly string[]): string {
  return argv.map(quoteExecArgument).join(" ");
}
