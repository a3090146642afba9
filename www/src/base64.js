// Base64 decoding with a plain loop: no atob (it builds a binary string
// first) and no fetch of a data: URL (a strict CSP blocks it).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function decodeBase64(text) {
  const table = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  let n = text.length;
  while (n > 0 && text.charCodeAt(n - 1) === 61 /* = */) n--;
  const out = new Uint8Array((n * 3) >> 2);
  let j = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v =
      (table[text.charCodeAt(i)] << 18) |
      (table[text.charCodeAt(i + 1)] << 12) |
      (table[text.charCodeAt(i + 2)] << 6) |
      table[text.charCodeAt(i + 3)];
    out[j++] = v >> 16;
    out[j++] = (v >> 8) & 255;
    out[j++] = v & 255;
  }
  if (n - i === 2) {
    out[j++] = (table[text.charCodeAt(i)] << 2) | (table[text.charCodeAt(i + 1)] >> 4);
  } else if (n - i === 3) {
    const v = (table[text.charCodeAt(i)] << 10) | (table[text.charCodeAt(i + 1)] << 4) | (table[text.charCodeAt(i + 2)] >> 2);
    out[j++] = v >> 8;
    out[j++] = v & 255;
  }
  return out;
}
