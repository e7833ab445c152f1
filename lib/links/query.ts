// Reads a link's query string the way HIS systems actually produce it: names padded with spaces
// ("? source=his"), '+' or raw spaces in timestamps, Base64 whose '+' was turned into a space by a
// form decoder, values URL-encoded twice. What cannot be read is a MALFORMED_PARAMETER — never an
// exception of another kind.
import { createHash } from 'node:crypto';
import { LinkRejection, type LinkPage } from './types';

export interface LinkQuery {
  /** Trimmed names with decoded values, in URL order (Xiamen signs values in URL order). */
  readonly entries: readonly [string, string][];
  /** The value of a parameter, or undefined; a security parameter given twice is refused. */
  get(name: string): string | undefined;
  /** Like get, but refuses an absent or empty value. */
  require(name: string): string;
  has(name: string): boolean;
}

function decode(raw: string, name: string): string {
  let v: string;
  try {
    v = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new LinkRejection('MALFORMED_PARAMETER', `undecodable value of ${name}`, [name]);
  }
  // Control characters (NUL above all) have no business in a link and break database text.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v)) throw new LinkRejection('MALFORMED_PARAMETER', `control character in ${name}`, [name]);
  return v;
}

export function parseQuery(search: string): LinkQuery {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  const entries: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = decode(rawName, 'parameter name').trim();
    if (name === '') continue;
    entries.push([name, eq < 0 ? '' : decode(part.slice(eq + 1), name)]);
  }
  const values = (name: string) => entries.filter(([n]) => n === name).map(([, v]) => v);
  const q: LinkQuery = {
    entries,
    get(name) {
      const all = values(name);
      if (all.length > 1) throw new LinkRejection('MALFORMED_PARAMETER', `parameter ${name} given ${all.length} times`, [name]);
      return all[0];
    },
    require(name) {
      const v = q.get(name);
      if (v === undefined || v.trim() === '') throw new LinkRejection('MISSING_PARAMETER', `missing ${name}`, [name]);
      return v;
    },
    has(name) {
      return values(name).length > 0;
    },
  };
  return q;
}

/**
 * The whole link as one value: its page and every parameter (trimmed name, decoded and trimmed
 * value), sorted, the signature included. Two links that share a signature but differ in any
 * parameter (another patient, another item) have different hashes.
 */
export function linkHash(page: LinkPage, q: LinkQuery): string {
  const pairs = q.entries.map(([n, v]) => [n, v.trim()] as const).sort(([a, x], [b, y]) => (a !== b ? (a < b ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([page, pairs])).digest('hex');
}

/** Refuses the link naming every absent parameter at once. */
export function requireAll(q: LinkQuery, names: string[]): void {
  const missing = names.filter((n) => (q.get(n) ?? '').trim() === '');
  if (missing.length) throw new LinkRejection('MISSING_PARAMETER', `missing ${missing.join(', ')}`, missing);
}

/**
 * Repairs a Base64 value as HIS systems mangle it: spaces that were "+", a second layer of URL
 * encoding. The signature is checked over the repaired value, so repairing
 * cannot turn one link into another.
 */
export function repairBase64(value: string, name: string): string {
  let v = value.trim();
  if (/%[0-9A-Fa-f]{2}/.test(v)) v = decode(v, name);
  v = v.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0 || v.length === 0) {
    throw new LinkRejection('MALFORMED_PARAMETER', `${name} is not Base64`, [name]);
  }
  return v;
}

/** A hex value (Neijiang channel, QR accession): case-insensitive, whitespace tolerated. */
export function repairHex(value: string, name: string): string {
  let v = value.trim();
  if (/%[0-9A-Fa-f]{2}/.test(v)) v = decode(v, name);
  v = v.replace(/\s+/g, '');
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(v) || v.length % 32 !== 0) throw new LinkRejection('MALFORMED_PARAMETER', `${name} is not AES hex`, [name]);
  return v.toUpperCase();
}

/** yyyy-MM-dd (a date filter); anything else is refused rather than guessed. */
export function optionalDate(q: LinkQuery, name: string): string | undefined {
  return parseDate(q.get(name), name);
}

export function parseDate(value: string | undefined, name: string): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const m = v.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/) ?? v.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) throw new LinkRejection('MALFORMED_PARAMETER', `${name} is not a date`, [name]);
  const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  if (Number.isNaN(Date.parse(`${d}T00:00:00Z`))) throw new LinkRejection('MALFORMED_PARAMETER', `${name} is not a date`, [name]);
  return d;
}
