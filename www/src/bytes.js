// The inlined wasm is a JS string with one character per byte (printable
// ASCII as itself, every other byte as a \xNN escape; the file stays pure
// ASCII, so any page charset reads it right). It gzips to 93 KB where
// base64 took 102 KB. No atob, and no fetch of a data: URL (a strict CSP
// blocks it).
export function decodeBytes(text) {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The build's side (www/build.mjs): the bytes as the inside of a JS string
 * literal in any quotes, pure ASCII. */
export function bytesLiteral(bytes) {
  let s = '';
  for (const b of bytes) {
    if (b === 0x5c || b === 0x22 || b === 0x27 || b === 0x60 || b === 0x24) s += '\\' + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\x' + b.toString(16).padStart(2, '0');
  }
  return s;
}
