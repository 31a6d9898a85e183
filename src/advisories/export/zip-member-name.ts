// Characters that are safe in a file name on every common system and in a zip.
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Returns the zip member name for a record id: `<id>.json`, as in OSV's own
 * `all.zip`. An id with other characters (`/`, `:`, a leading dot) is
 * percent-encoded, so that no member can name a directory or escape the
 * extraction folder. Import reads the id from the JSON, never from this name.
 */
export function zipMemberName(id: string): string {
  if (SAFE_ID.test(id)) return `${id}.json`;
  const encoded = Array.from(new TextEncoder().encode(id), (byte) => {
    const character = String.fromCharCode(byte);
    return /[A-Za-z0-9_-]/.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  return `${encoded}.json`;
}
