const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;
const TILDE = 0x7e;

function isDigit(code: number): boolean {
  return code >= DIGIT_ZERO && code <= DIGIT_NINE;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * Sort weight of one non-digit character, as dpkg's `order()`: `~` before the
 * end of the part, then letters, then every other character.
 *
 * Characters outside ASCII are outside the deb-version(7) grammar (dpkg only
 * warns). dpkg 1.21 weighs each UTF-8 byte as a signed `char`, which on amd64
 * puts them after letters and before ASCII punctuation, in code point order.
 * The weights below reproduce that.
 * NOTE: dpkg on architectures with an unsigned `char` (arm64) sorts them after
 * ASCII punctuation instead, so there the order of such versions differs.
 */
function characterWeight(code: number): number {
  if (code === TILDE) {
    return -1;
  }
  if (isAsciiLetter(code)) {
    return code;
  }
  if (code < 0x80) {
    return code + 0x10000;
  }
  // UTF-16 surrogates (0xD800-0xDFFF) encode code points above U+FFFF, so they
  // move after U+E000-U+FFFF to keep code point order.
  if (code >= 0xe000) {
    return code - 0x800;
  }
  if (code >= 0xd800) {
    return code + 0x2000;
  }
  return code;
}

/**
 * Compares two upstream versions or two Debian revisions as deb-version(7)
 * and dpkg's `verrevcmp()` do: alternating runs of non-digits (compared by
 * character weight) and digits (compared as numbers of any length). The empty
 * string equals "0". Returns a negative number, 0 or a positive number.
 */
export function compareVersionPart(a: string, b: string): number {
  const aLength = a.length;
  const bLength = b.length;
  let i = 0;
  let j = 0;

  while (i < aLength || j < bLength) {
    let aCode = i < aLength ? a.charCodeAt(i) : -1;
    let bCode = j < bLength ? b.charCodeAt(j) : -1;

    // Non-digit run. The end of a part and the start of a digit run weigh 0.
    while ((aCode >= 0 && !isDigit(aCode)) || (bCode >= 0 && !isDigit(bCode))) {
      const aWeight = aCode >= 0 && !isDigit(aCode) ? characterWeight(aCode) : 0;
      const bWeight = bCode >= 0 && !isDigit(bCode) ? characterWeight(bCode) : 0;
      if (aWeight !== bWeight) {
        return aWeight - bWeight;
      }
      // Equal weights here mean both characters are non-digits, so both advance.
      i++;
      j++;
      aCode = i < aLength ? a.charCodeAt(i) : -1;
      bCode = j < bLength ? b.charCodeAt(j) : -1;
    }

    // Digit run: skip leading zeros, then the longer run is the larger number,
    // and runs of equal length are decided by their first differing digit.
    while (aCode === DIGIT_ZERO) {
      i++;
      aCode = i < aLength ? a.charCodeAt(i) : -1;
    }
    while (bCode === DIGIT_ZERO) {
      j++;
      bCode = j < bLength ? b.charCodeAt(j) : -1;
    }
    let firstDifference = 0;
    while (isDigit(aCode) && isDigit(bCode)) {
      if (firstDifference === 0) {
        firstDifference = aCode - bCode;
      }
      i++;
      j++;
      aCode = i < aLength ? a.charCodeAt(i) : -1;
      bCode = j < bLength ? b.charCodeAt(j) : -1;
    }
    if (isDigit(aCode)) {
      return 1;
    }
    if (isDigit(bCode)) {
      return -1;
    }
    if (firstDifference !== 0) {
      return firstDifference;
    }
  }
  return 0;
}
