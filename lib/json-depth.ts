// How deep a JSON text nests, measured on its bytes before anything parses or walks it.

/**
 * The nesting depth of `[` and `{` outside strings, stopping as soon as it passes `max`. One pass
 * over the bytes, no recursion: a 10,000-deep body is refused before JSON.parse or any recursive
 * walk (validation, logging) could run out of stack on it.
 */
export function jsonDepthExceeds(buf: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
