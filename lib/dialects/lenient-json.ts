// Request bodies as the specs' own examples write them: full-width colons and commas outside
// strings, a missing comma between lines, keys padded with spaces. Strict in what we send,
// lenient in what we accept — but only these repairs; anything else is a 400.
const PUNCTUATION: Record<string, string> = { '：': ':', '，': ',', '“': '"', '”': '"' };

/** Full-width punctuation outside strings made ASCII (strings, escapes included, pass untouched). */
function normalisePunctuation(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"?|[：，“”]/g, (m) => PUNCTUATION[m] ?? m);
}

function trimKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(trimKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.trim(), trimKeys(x)]));
  return v;
}

export function parseLenientJson(text: string): unknown {
  const cleaned = normalisePunctuation(text.replace(/^\uFEFF/, ''));
  try {
    return trimKeys(JSON.parse(cleaned));
  } catch {
    // "a": "1"⏎"b": … — a line that ends a value and a next line that starts a key. The gap is white
    // space other than a line feed, a line feed, then any white space: one way to match, so linear.
    return trimKeys(JSON.parse(cleaned.replace(/("|\d|true|false|null|\]|\})([^\S\n]*\n\s*)(")/g, '$1,$2$3')));
  }
}

/** A scalar field as text ("1" and 1 alike), trimmed; undefined when absent or empty. */
export function text(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}
