import { describe, expect, it } from 'vitest';
import { hashPii, maskIdCard, maskName, maskPhone, normalizeIdentifier, openPii, protectPii, sealPii } from './pii';

describe('personal data at rest', () => {
  it('seals with SM4 and a random IV, and opens back', () => {
    const a = sealPii('230101198701115283');
    const b = sealPii('230101198701115283');
    expect(a).not.toBe(b);
    expect(a).not.toContain('230101198701115283');
    expect(openPii(a)).toBe('230101198701115283');
    expect(openPii(b)).toBe('230101198701115283');
  });

  it('hashes deterministically after normalising, and the hash is keyed', () => {
    expect(hashPii('11010519491231002x')).toBe(hashPii(' 11010519491231002X '));
    expect(hashPii('１３８００１３８０００')).toBe(hashPii('13800138000'));
    expect(hashPii('230101198701115283')).toMatch(/^[0-9a-f]{64}$/);
    const withKey = (key: string) => {
      const previous = process.env.YINGYUN_PII_HMAC_KEY;
      process.env.YINGYUN_PII_HMAC_KEY = key;
      try {
        return hashPii('230101198701115283');
      } finally {
        if (previous === undefined) delete process.env.YINGYUN_PII_HMAC_KEY;
        else process.env.YINGYUN_PII_HMAC_KEY = previous;
      }
    };
    expect(withKey('ab'.repeat(16))).not.toBe(withKey('cd'.repeat(16)));
    expect(withKey('ab'.repeat(16))).toBe(withKey('ab'.repeat(16)));
  });

  it('gives null columns for an empty value', () => {
    expect(protectPii('')).toEqual({ hash: null, cipher: null });
    expect(protectPii(null)).toEqual({ hash: null, cipher: null });
    const p = protectPii('13800138000');
    expect(p.hash).toBe(hashPii('13800138000'));
    expect(openPii(p.cipher!)).toBe('13800138000');
  });

  it('rejects malformed keys instead of encrypting with them', () => {
    const previous = process.env.YINGYUN_PII_KEY;
    process.env.YINGYUN_PII_KEY = 'short';
    try {
      expect(() => sealPii('1')).toThrow(/32 hex/);
    } finally {
      if (previous === undefined) delete process.env.YINGYUN_PII_KEY;
      else process.env.YINGYUN_PII_KEY = previous;
    }
  });

  it('masks for display', () => {
    expect(maskIdCard('230101198701115283')).toBe('2301**********5283');
    expect(maskIdCard('11010519491231002x')).toBe('1101**********002X');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('李小明')).toBe('李**');
    expect(maskName('欧阳小明')).toBe('欧阳**');
    expect(maskIdCard(null)).toBe('');
    expect(normalizeIdentifier(' 1101 0519 ')).toBe('11010519');
  });
});

describe('integration secrets at rest', () => {
  it('seal and open byte for byte (case, spaces and PEM line breaks kept)', async () => {
    const { sealSecret, openSecret } = await import('./pii');
    for (const secret of ['TomtawMD5Key', 'eWorldTomTaw#7=*', ' a b ', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n']) {
      const sealed = sealSecret(secret);
      expect(sealed).not.toContain(secret.trim());
      expect(openSecret(sealed)).toBe(secret);
    }
  });
});
