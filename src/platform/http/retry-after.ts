/**
 * Parses an HTTP `Retry-After` header (RFC 9110, section 10.2.3): either a number
 * of seconds (`120`) or an HTTP date (`Fri, 04 Dec 2026 20:31:03 GMT`).
 *
 * Returns the wait in milliseconds, 0 for a date in the past, or null when the
 * header is absent or is neither form.
 */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;

  // Every HTTP-date form names the month in letters; Date.parse alone also takes "-5" or "1.5".
  if (!/[A-Za-z]{3}/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now.getTime());
}
