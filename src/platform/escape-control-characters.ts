/**
 * Replaces control characters (C0, DEL, and C1, which includes the 8-bit CSI U+009B) with
 * a visible `\xNN`. Text from scanned images and advisory feeds (package names,
 * architectures, record ids) thus cannot move the cursor, clear the screen or set the
 * terminal title when printed. With `keepLineBreaks`, newline and tab are kept, for
 * messages that span lines.
 */
export function escapeControlCharacters(
  text: string,
  options: { keepLineBreaks?: boolean } = {},
): string {
  let escaped = "";
  let copiedUpTo = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!isControlCode(code)) continue;
    if (options.keepLineBreaks && (code === 0x0a || code === 0x09)) continue;
    escaped += `${text.slice(copiedUpTo, index)}\\x${code.toString(16).padStart(2, "0")}`;
    copiedUpTo = index + 1;
  }
  return copiedUpTo === 0 ? text : escaped + text.slice(copiedUpTo);
}

function isControlCode(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
