// Saved state in localStorage, under namespaced keys. Rules:
//  - a saved value that cannot be read is set aside under
//    `<key>:broken:<time>` (never silently wiped) and reported;
//  - storage that is full or blocked (private mode, sandbox) never throws
//    into the page: every call reports { ok: false } instead;
//  - a value is only written after it validated, so a bad import never
//    overwrites good saved state.
export const PREFIX = 'stagecast:';

function storage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // a blocked storage throws on access
  }
}

/**
 * Reads `key` and checks it with `validate` (which throws on bad data).
 * Returns { value } | { empty: true } | { blocked: true } |
 * { broken: true, setAside: '<key>' | null, message }.
 */
export function load(key, validate) {
  const s = storage();
  let raw;
  try {
    if (!s) return { blocked: true };
    raw = s.getItem(key);
  } catch {
    return { blocked: true };
  }
  if (raw == null) return { empty: true };
  try {
    return { value: validate(JSON.parse(raw)) };
  } catch (e) {
    const aside = `${key}:broken:${new Date().toISOString()}`;
    try {
      s.setItem(aside, raw);
      s.removeItem(key);
      return { broken: true, setAside: aside, message: e.message };
    } catch {
      // Could not copy it: leave it where it is rather than lose it.
      return { broken: true, setAside: null, message: e.message };
    }
  }
}

/** Writes `value` as JSON; { ok } tells whether it was stored. */
export function save(key, value) {
  const s = storage();
  try {
    if (!s) return { ok: false };
    s.setItem(key, JSON.stringify(value));
    return { ok: true };
  } catch (e) {
    return { ok: false, message: e && e.message };
  }
}

/** Offers `data` as a JSON file download. */
export function downloadJson(name, data) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
