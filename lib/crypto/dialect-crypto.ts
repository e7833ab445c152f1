// Pure crypto primitives of the regional "dialects" (seeds 000–004). Rules and test vectors:
// ../shared/spec/VECTORS.md. No I/O, no URL parsing: callers pass raw (already URL-decoded) strings.
//
// Error contract: decrypt/decode functions throw CryptoFormatError for anything wrong with the *input*
// (encoding, length, padding, UTF-8) — map it to 400/401. A malformed *key or IV* is a configuration
// bug and throws RangeError (→ 500), so it is never mistaken for an attacker's bad input.
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import smCrypto from 'sm-crypto';

const { sm2 } = smCrypto;

export class CryptoFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CryptoFormatError';
  }
}

// ---------- shared helpers ----------

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// fatal: reject invalid UTF-8 instead of inserting U+FFFD; ignoreBOM: keep a leading BOM (byte-faithful).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function md5Hex(s: string | Buffer): string {
  return createHash('md5').update(typeof s === 'string' ? Buffer.from(s, 'utf8') : s).digest('hex');
}

/** Case-insensitive hex comparison in constant time (for equal lengths). Empty strings never match. */
export function safeEqualHex(a: string, b: string): boolean {
  if (a.length === 0 || a.length !== b.length || !HEX.test(a) || !HEX.test(b)) return false;
  return timingSafeEqual(Buffer.from(a.toLowerCase(), 'latin1'), Buffer.from(b.toLowerCase(), 'latin1'));
}

// Plain code-unit comparison = ASCII order for ASCII names (localeCompare would not be).
const ascii = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function strictBase64(s: string): Buffer {
  if (s.length % 4 !== 0 || !BASE64.test(s)) throw new CryptoFormatError('not standard Base64');
  const buf = Buffer.from(s, 'base64');
  // Node's decoder is lenient; the round trip rejects non-zero trailing bits and stray '='.
  if (buf.toString('base64') !== s) throw new CryptoFormatError('non-canonical Base64');
  return buf;
}

function strictHex(s: string): Buffer {
  if (s.length % 2 !== 0 || !HEX.test(s)) throw new CryptoFormatError('not hex');
  return Buffer.from(s, 'hex');
}

function strictUtf8(buf: Uint8Array): string {
  try {
    return UTF8.decode(buf);
  } catch (e) {
    throw new CryptoFormatError('plaintext is not valid UTF-8', { cause: e });
  }
}

function exactBytes(s: string, n: number, what: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length !== n) throw new RangeError(`${what} must be ${n} bytes of UTF-8, got ${b.length}`);
  return b;
}

function cbcEncrypt(alg: string, key: Buffer, iv: Buffer, plain: string): Buffer {
  const c = createCipheriv(alg, key, iv); // PKCS#7 (= "PKCS#5" in Java speak) is Node's default
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]);
}

function cbcDecrypt(alg: string, key: Buffer, iv: Buffer, ct: Buffer, block: number): string {
  if (ct.length === 0 || ct.length % block !== 0) {
    throw new CryptoFormatError(`ciphertext length ${ct.length} is not a positive multiple of ${block}`);
  }
  let out: Buffer;
  try {
    const d = createDecipheriv(alg, key, iv);
    out = Buffer.concat([d.update(ct), d.final()]);
  } catch (e) {
    throw new CryptoFormatError('bad padding (wrong key or corrupted ciphertext)', { cause: e });
  }
  return strictUtf8(out);
}

// ---------- IDCAS (seed 002) ----------

// The vendor never states the 16→24-byte key expansion. Zero-padding (K1 = bytes 0–7, K2 = 8–15,
// K3 = 8×0x00) is the only schedule that reproduces the spec's vectors; .NET's 2-key EDE (K3 = K1) does
// not. Longer keys are truncated to 24 bytes, as a Java `Arrays.copyOf(key, 24)` would.
function desKey(key: string): Buffer {
  const raw = Buffer.from(key, 'utf8');
  if (raw.length === 0) throw new RangeError('3DES key is empty');
  const k = Buffer.alloc(24);
  raw.copy(k, 0, 0, 24);
  return k;
}

// The IV is not printed either; the vectors use `TomTaw#7` (= chars 6–13 of the test key). Whether the
// vendor derives it from the key or fixes it is unknown, so it is configured per organization alongside
// the production key rather than derived here.
export function tripleDesEncrypt(plain: string, key: string, iv: string): string {
  return cbcEncrypt('des-ede3-cbc', desKey(key), exactBytes(iv, 8, '3DES IV'), plain).toString('base64');
}

export function tripleDesDecrypt(b64: string, key: string, iv: string): string {
  const k = desKey(key);
  const v = exactBytes(iv, 8, '3DES IV');
  return cbcDecrypt('des-ede3-cbc', k, v, strictBase64(b64), 8);
}

/** token and sev are the raw Base64 strings (before URL-encoding); token is '' on pages without one. */
export function idcasSign(token: string, sev: string, timestamp: string, md5Key: string): string {
  return md5Hex(token + sev + timestamp + md5Key);
}

// ---------- Neijiang (seed 001) ----------

/** Rule C/E: AES-128-CBC, PKCS#5, upper-case hex. Key and IV are per hospital (16 UTF-8 bytes each). */
export function aesHexEncrypt(plain: string, key: string, iv: string): string {
  const k = exactBytes(key, 16, 'AES key');
  const v = exactBytes(iv, 16, 'AES IV');
  return cbcEncrypt('aes-128-cbc', k, v, plain).toString('hex').toUpperCase();
}

export function aesHexDecrypt(hex: string, key: string, iv: string): string {
  const k = exactBytes(key, 16, 'AES key');
  const v = exactBytes(iv, 16, 'AES IV');
  return cbcDecrypt('aes-128-cbc', k, v, strictHex(hex), 16);
}

/** Rule A (202, 401). params = the form fields sent, without accessKey and sign (those are headers). */
export function neijiangSortedSign(accessKey: string, params: Record<string, string>, accessSecret: string): string {
  const body = Object.keys(params)
    .sort(ascii)
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return md5Hex(accessKey + body + accessSecret).toUpperCase();
}

/**
 * Rule B (301/302), as printed. Unverifiable (secret unpublished), and `#{x}` may be either a literal '#'
 * or the doc's placeholder syntax, hence both variants. The query slot uses queryKey as the field name.
 */
export function neijiangHashRuleSign(
  accessKey: string,
  hospitalId: string,
  query: { key: 'patIcCard' | 'patNo' | 'clinicId'; value: string },
  timeStamp: string,
  accessSecret: string,
  variant: 'hash-separated' | 'plain',
): string {
  const sep = variant === 'hash-separated' ? '#' : '';
  const fields: [string, string][] = [
    ['accesskey', accessKey], // lower-case name, as the spec insists
    ['hospitalId', hospitalId],
    [query.key, query.value],
    ['timeStamp', timeStamp],
  ];
  fields.sort(([a], [b]) => ascii(a, b)); // clinicId sorts before hospitalId, patIcCard/patNo after
  return md5Hex(fields.map(([k, v]) => k + sep + v).join('') + 'accessSecret' + sep + accessSecret).toUpperCase();
}

/**
 * Rule D (501/502). The published example only reproduces in document order (not sorted) and shows the
 * "16-char MD5" (hex 8..23); verifiers should accept either form.
 */
export function smrSign(
  accessKey: string,
  orderedParams: [string, string][],
  accessSecret: string,
): { full: string; short: string } {
  const full = md5Hex(accessKey + orderedParams.map(([k, v]) => `${k}=${v}`).join('&') + accessSecret).toUpperCase();
  return { full, short: full.slice(8, 24) };
}

// ---------- Xiamen (seed 004) ----------

/** "Unicode" in the .NET sense: UTF-16LE without BOM. Values URL-decoded, in URL order, token excluded. */
export function xiamenToken(orderedValues: string[], secret: string): string {
  return md5Hex(Buffer.from(orderedValues.join('') + secret, 'utf16le')).toUpperCase();
}

// ---------- Jilin (seed 000): SM2 idCardNo ----------

const SM2_C1 = 64; // x || y, without the 0x04 point-format byte (sm-crypto's layout)
const SM2_C3 = 32; // SM3 digest

/**
 * The layout is unspecified, so try every plausible reading. This is safe: a reading is accepted only if
 * sm-crypto's C3 (SM3 MAC) check passes, which a wrong order/prefix/key fails except with prob. 2^-256.
 * sm-crypto 0.5.8 signals C3 failure (and an off-curve C1) by returning '' rather than throwing, so an
 * empty plaintext is indistinguishable from failure: '' is treated as failure (an ID number is never empty).
 * It throws only after C3 passed, when the plaintext is not UTF-8.
 */
export function sm2Decrypt(cipher: string, privateKeyHex: string): string {
  if (!/^[0-9a-fA-F]{1,64}$/.test(privateKeyHex) || /^0+$/.test(privateKeyHex)) {
    throw new RangeError('SM2 private key must be 1–64 hex digits, not zero');
  }
  const priv = privateKeyHex.padStart(64, '0');
  const bodies: Buffer[] = [];
  if (cipher.length % 2 === 0 && HEX.test(cipher)) bodies.push(Buffer.from(cipher, 'hex'));
  try {
    bodies.push(strictBase64(cipher)); // a hex string may also be valid Base64: try both
  } catch {
    // not Base64
  }
  let cause: unknown;
  for (const body of bodies) {
    // With a leading 0x04 it is probably the standard point prefix; without stripping it is the 1/256 case
    // of a raw C1 whose x starts with 0x04.
    for (const c of body[0] === 0x04 ? [body.subarray(1), body] : [body]) {
      if (c.length <= SM2_C1 + SM2_C3) continue;
      const hex = c.toString('hex');
      for (const mode of [1, 0] as const) { // 1 = C1C3C2 (GB/T 32918.4-2016), 0 = C1C2C3 (legacy)
        try {
          const plain = sm2.doDecrypt(hex, priv, mode);
          if (plain !== '') return plain;
        } catch (e) {
          cause = e; // 'Malformed UTF-8 data': C3 passed but the plaintext is not UTF-8
        }
      }
    }
  }
  if (bodies.length === 0) throw new CryptoFormatError('SM2 ciphertext is neither hex nor Base64');
  throw new CryptoFormatError('SM2 decryption failed (wrong key, corrupted, or not UTF-8)', { cause });
}

/** Output: hex with the standard 04 prefix (GB/T 32918 point encoding); sm-crypto alone omits it. */
export function sm2Encrypt(plain: string, publicKeyHex: string, order: 'C1C3C2' | 'C1C2C3'): string {
  if (plain === '') throw new RangeError('SM2: empty plaintext cannot be told apart from a failed decryption');
  const pub = /^[0-9a-fA-F]{128}$/.test(publicKeyHex) ? `04${publicKeyHex}` : publicKeyHex;
  let body: string;
  try {
    body = sm2.doEncrypt(plain, pub, order === 'C1C3C2' ? 1 : 0);
  } catch (e) {
    throw new RangeError('SM2 public key is not a point on the curve (or plaintext has a lone surrogate)', { cause: e });
  }
  return `04${body}`;
}

// ---------- Medical-insurance cloud (seed 003) ----------

// encodeURI leaves '$' (and & = ? # +) alone, which would make '$' ambiguous with the escapes and let a
// value break the query; escaping them too keeps the encoding invertible and is still read correctly by
// the vendor's '$'→'%' + percent-decode. Unchanged for the spec's example (张医生).
const DOLLAR_EXTRA: Record<string, string> = { $: '%24', '&': '%26', '=': '%3D', '?': '%3F', '#': '%23', '+': '%2B' };

export function dollarEncode(value: string): string {
  let uri: string;
  try {
    uri = encodeURI(value);
  } catch (e) {
    throw new CryptoFormatError('value contains a lone surrogate', { cause: e });
  }
  return uri.replace(/[$&=?#+]/g, (ch) => DOLLAR_EXTRA[ch]).replace(/%/g, '$');
}

export function dollarDecode(value: string): string {
  if (value.includes('%')) throw new CryptoFormatError("'%' cannot occur in a $-encoded value");
  try {
    return decodeURIComponent(value.replace(/\$/g, '%'));
  } catch (e) {
    throw new CryptoFormatError('malformed $-escape', { cause: e });
  }
}
