// The inlined wasm is a JS string with one character per byte (see
// `bytesLiteral` below). No atob, and no fetch of a data: URL (a strict CSP
// blocks it).
export function decodeBytes(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * `decodeBytes` in slices, each in its own task (issue 14.5): a part loaded
 * while the page runs (the analysis part) never blocks it for long.
 */
export async function decodeBytesAsync(text, slice = 32768) {
  const out = new Uint8Array(text.length);
  for (let a = 0; a < text.length; a += slice) {
    if (a) await new Promise((r) => setTimeout(r));
    const b = Math.min(text.length, a + slice);
    for (let i = a; i < b; i++) out[i] = text.charCodeAt(i);
  }
  return out;
}

/** The build's side (www/build.mjs): the bytes as the inside of a JS string
 * literal in any quotes, one character per byte: U+0000-U+00FF, raw except
 * for the quotes, the backslash, `$`, line breaks and NUL (escaped). The file
 * is UTF-8 with a byte order mark, which a browser honours before any page
 * charset; it gzips to 81 KB where \xNN escapes took 93 KB and base64 102 KB. */
export function bytesLiteral(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x5c || b === 0x22 || b === 0x27 || b === 0x60 || b === 0x24) s += '\\' + String.fromCharCode(b);
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    // \0 before a digit would read as an octal escape.
    else if (b === 0) s += i + 1 < bytes.length && bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39 ? '\\x00' : '\\0';
    else s += String.fromCharCode(b);
  }
  return s;
}
