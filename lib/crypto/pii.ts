// Personal data at rest: ID-card and phone numbers are stored SM4-CBC encrypted with a random IV,
// next to a keyed SM3 hash (HMAC-SM3) that lookups use. The clear number is never in a column,
// an index or a log; screens show it masked.
import { randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';

const { sm3, sm4 } = smCrypto;

// Published on purpose so the demo runs with no set-up; a deployment must set its own.
const DEMO_SM4_KEY = '59696e6779756e2d44454d4f2d4b4559'; // "Yingyun-DEMO-KEY"
const DEMO_HMAC_KEY = '59696e6779756e2d44454d4f2d484d41432d4b4559'; // "Yingyun-DEMO-HMAC-KEY"

let warned = false;
function keys(): { sm4: string; hmac: string } {
  const sm4Key = process.env.YINGYUN_PII_KEY || DEMO_SM4_KEY;
  const hmacKey = process.env.YINGYUN_PII_HMAC_KEY || DEMO_HMAC_KEY;
  if (!/^[0-9a-fA-F]{32}$/.test(sm4Key)) throw new Error('YINGYUN_PII_KEY must be 32 hex characters (an SM4 key)');
  if (!/^[0-9a-fA-F]{32,}$/.test(hmacKey)) throw new Error('YINGYUN_PII_HMAC_KEY must be at least 32 hex characters');
  if (!warned && (sm4Key === DEMO_SM4_KEY || hmacKey === DEMO_HMAC_KEY)) {
    warned = true;
    console.warn(
      '\n**********************************************************************\n' +
        '* 警告 WARNING: personal data is encrypted with the PUBLISHED DEMO KEYS. *\n' +
        '* Set YINGYUN_PII_KEY and YINGYUN_PII_HMAC_KEY before real patient data. *\n' +
        '**********************************************************************\n',
    );
  }
  return { sm4: sm4Key.toLowerCase(), hmac: hmacKey.toLowerCase() };
}

/** Validates the keys (and prints the demo-key warning) at start rather than on first use. */
export function checkPiiKeys(): void {
  keys();
}

/** Canonical form before hashing: no spaces, upper-case X in ID-card numbers, full-width digits folded. */
export function normalizeIdentifier(value: string): string {
  return value
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase();
}

/** HMAC-SM3 of the normalised value, hex: the lookup key for an ID-card or phone number. */
export function hashPii(value: string): string {
  return sm3(normalizeIdentifier(value), { key: keys().hmac });
}

/** SM4-CBC with a random IV; "iv:ciphertext" in hex. The value is sealed exactly as given. */
function seal(value: string): string {
  const iv = randomBytes(16).toString('hex');
  const ct = sm4.encrypt(value, keys().sm4, { mode: 'cbc', iv });
  return `${iv}:${ct}`;
}

/** An ID-card or phone number, normalised first so it opens in the canonical form. */
export function sealPii(value: string): string {
  return seal(normalizeIdentifier(value));
}

export function openPii(sealed: string): string {
  const [iv, ct] = sealed.split(':');
  if (!iv || !ct) throw new Error('malformed sealed value');
  return sm4.decrypt(ct, keys().sm4, { mode: 'cbc', iv });
}

/** Both columns for one value, or both null. */
export function protectPii(value: string | null | undefined): { hash: string | null; cipher: string | null } {
  if (!value || !value.trim()) return { hash: null, cipher: null };
  return { hash: hashPii(value), cipher: sealPii(value) };
}

/** Integration secrets (keys, appSecrets) are sealed the same way, byte for byte (no normalising). */
export const sealSecret = seal;
export const openSecret = openPii;

/** 2301**********5283 — first 4 and last 4 kept, whatever the length. */
export function maskIdCard(value: string | null | undefined): string {
  if (!value) return '';
  const v = normalizeIdentifier(value);
  if (v.length <= 8) return v.slice(0, 1) + '*'.repeat(Math.max(v.length - 1, 0));
  return v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
}

/** 138****5678 */
export function maskPhone(value: string | null | undefined): string {
  if (!value) return '';
  const v = normalizeIdentifier(value);
  if (v.length < 7) return '*'.repeat(v.length);
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}

/** 张*, 欧阳**: the family name stays, the given name is hidden (the usual display on shared screens). */
export function maskName(value: string | null | undefined): string {
  if (!value) return '';
  const chars = Array.from(value.trim());
  if (chars.length <= 1) return chars.join('');
  const keep = chars.length >= 4 ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}
