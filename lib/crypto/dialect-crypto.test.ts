// Pins every vector of ../shared/spec/VECTORS.md §1–§5 (sources: seed002 §3, seed001 §3–4, seed004, seed003).
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  aesHexDecrypt,
  aesHexEncrypt,
  CryptoFormatError,
  dollarDecode,
  dollarEncode,
  idcasSign,
  md5Hex,
  neijiangHashRuleSign,
  neijiangSortedSign,
  safeEqualHex,
  sm2Decrypt,
  sm2Encrypt,
  smrSign,
  tripleDesDecrypt,
  tripleDesEncrypt,
  xiamenToken,
} from './dialect-crypto';

const { sm2 } = smCrypto;

// Published test keys (production keys come from configuration).
const DES_KEY = 'eWorldTomTaw#7=*';
const DES_IV = 'TomTaw#7';
const MD5_KEY = 'TomtawMD5Key';
const AES_KEY = 'qkzdcsilusqgph37';
const AES_IV = '2rthacazxph2qtkt';

// Independent oracle for "the documented string": MD5 straight from node:crypto.
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Asserts fn throws CryptoFormatError and nothing else. */
function expectFormatError(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(CryptoFormatError);
}

/** Runs fn; returns true if it succeeded, false on CryptoFormatError, rethrows anything else. */
const failures = new Map<string, number>(); // CryptoFormatError message → count, for the fuzz report
function decrypts(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof CryptoFormatError)) throw e;
    const reason = e.message.replace(/\d+/g, 'N');
    failures.set(reason, (failures.get(reason) ?? 0) + 1);
    return false;
  }
}

// Deterministic PRNG (mulberry32) for the fuzz tests.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

// ---------------------------------------------------------------------------------------------------
describe('IDCAS 3DES (seed 002, VECTORS §1)', () => {
  const APP_JSON =
    '{"work_no":"001","org_code":"2470","med_rec_no":"","visit_id":"","accession_number":"SD-53242","id_card_no":"","patient_name":"","placer_order_no":""}';
  const APP_CT =
    'R8DHV1doOCP2q3ymxuQZxI2apra5vgW2GM1XKWVsu/KXaetkL2MLjfw4h6mY2A/7JT75uZ4Q9V9Zp5xltSTIGjnnBWG/yImKpW8rNelp+qwEoupCuBbF5QC4sWL4fOVYqbJ0lX/TM1htLm8D4Yn694HViUGRJn/daPaQeyGv/9DLCmdotwYE2ALctnDsf7Q49h+pGVHAPH0=';

  it('appendix vector: encrypt', () => {
    expect(tripleDesEncrypt(APP_JSON, DES_KEY, DES_IV)).toBe(APP_CT);
  });
  it('appendix vector: decrypt', () => {
    expect(tripleDesDecrypt(APP_CT, DES_KEY, DES_IV)).toBe(APP_JSON);
  });

  // seed002 §3.4: every H5 per-parameter value (as printed, URL-encoded with lower-case escapes).
  const H5: [string, string, string][] = [
    ['report-list identity_type', 'lpeFKtXZ1kc%3d', '1'],
    ['report-list card_type', 'lpeFKtXZ1kc%3d', '1'],
    ['report-list identity_no', '%2bA%2bDB27wKMdgGAvdJoGw9vC3EZ2xzF82', '330922196309015018'],
    ['report-list med_rec_no', 'doH%2fXf73VKJgK6QOJMvuWg%3d%3d', 'SD-1601013025'],
    ['report-list perform_org_code', 'vvw30jQ1sjE%3d', '2470'],
    ['report-list perform_depart_code', '6hBuR3av%2bzI%3d', 'RIS'],
    ['report-list perform_time_start', 'rpXMBIcxoZ7l4kYGnPgctQ%3d%3d', '2019-11-01'],
    ['report-list perform_time_end', 'rpXMBIcxoZ4aHMYWvn%2fLpQ%3d%3d', '2019-11-02'],
    ['exam-detail perform_org_code', 'mQ3OZ5VwkhQ%3d', '2402'],
    ['exam-detail accession_number', 'W4TzqL72se4%3d', 'acc123'],
    ['lab-detail perform_org_code', '36ynFgk4lxE%3d', '221'],
  ];
  it.each(H5)('H5 %s decrypts to the listed plaintext and re-encrypts byte-identically', (_name, printed, plain) => {
    const ct = decodeURIComponent(printed);
    expect(tripleDesDecrypt(ct, DES_KEY, DES_IV)).toBe(plain);
    expect(tripleDesEncrypt(plain, DES_KEY, DES_IV)).toBe(ct);
  });

  it('InterSystems corroboration vector (seed002 §3.8), both directions, UTF-8 Chinese', () => {
    const plain = '{"ScheduleOperatorID":"10999","ScheduleOperatorName":"陈医生","MedRecNO":"123","Timestamp":"1490415566"}';
    const ct =
      'VcyCfRqZ2TOpXoC+qOzAjQJ1195tlaleBEjCie4u9RPvfhua37PGs2r8+1pJUCOmv/thVnUF2PP3K5z5fypx12lKnHHulxNlYi5rN194RDntjv9yEgh01UhkwZxvku4wosD1ECxMIXTMNt88EhipHA==';
    expect(tripleDesEncrypt(plain, DES_KEY, DES_IV)).toBe(ct);
    expect(tripleDesDecrypt(ct, DES_KEY, DES_IV)).toBe(plain);
  });

  it('Chinese JSON round trip; encryption is deterministic', () => {
    const json = JSON.stringify({ patient_name: '张三丰', org_name: '内江市第一人民医院', note: 'CT 胸部平扫 ✓ 𠀀' });
    const ct = tripleDesEncrypt(json, DES_KEY, DES_IV);
    expect(tripleDesDecrypt(ct, DES_KEY, DES_IV)).toBe(json);
    expect(tripleDesEncrypt(json, DES_KEY, DES_IV)).toBe(ct);
    expect(tripleDesDecrypt(tripleDesEncrypt('', DES_KEY, DES_IV), DES_KEY, DES_IV)).toBe('');
  });

  it('key schedule matters: zero-padded 3-key EDE3 reproduces the spec, 2-key EDE and ECB do not', () => {
    // The spec only gives a 16-byte key. .NET's TripleDES with a 16-byte key is 2-key EDE (K3 = K1);
    // the vendor instead zero-pads to 24 bytes (K3 = 00…00). Only the latter gives the printed vvw30jQ1sjE=.
    const enc = (alg: string, key: Buffer, iv: Buffer | null) => {
      const c = createCipheriv(alg, key, iv);
      return Buffer.concat([c.update('2470', 'utf8'), c.final()]).toString('base64');
    };
    const zeroPadded = Buffer.concat([Buffer.from(DES_KEY), Buffer.alloc(8)]);
    expect(zeroPadded.toString('hex')).toBe('65576f726c64546f6d54617723373d2a0000000000000000');
    expect(enc('des-ede3-cbc', zeroPadded, Buffer.from(DES_IV))).toBe('vvw30jQ1sjE=');
    expect(tripleDesEncrypt('2470', DES_KEY, DES_IV)).toBe('vvw30jQ1sjE=');
    expect(enc('des-ede-cbc', Buffer.from(DES_KEY), Buffer.from(DES_IV))).toBe('t2iVusctDiA=');
    expect(enc('des-ede3-ecb', zeroPadded, null)).toBe('k2VLl1JXI9Y=');
    // Raw (unpadded) decrypt of the vector shows PKCS#7: 2470 04 04 04 04.
    const d = createDecipheriv('des-ede3-cbc', zeroPadded, Buffer.from(DES_IV)).setAutoPadding(false);
    expect(Buffer.concat([d.update(Buffer.from('vvw30jQ1sjE=', 'base64')), d.final()]).toString('hex')).toBe('3234373004040404');
  });

  it('rejects a malformed IV or empty key as configuration errors (RangeError, not CryptoFormatError)', () => {
    expect(() => tripleDesEncrypt('x', DES_KEY, 'short')).toThrow(RangeError);
    expect(() => tripleDesDecrypt('vvw30jQ1sjE=', DES_KEY, 'TomTaw#77')).toThrow(RangeError);
    expect(() => tripleDesEncrypt('x', '', DES_IV)).toThrow(RangeError);
  });

  it('keys longer than 24 bytes are truncated', () => {
    const long = 'abcdefghijklmnopqrstuvwx-ignored';
    expect(tripleDesEncrypt('2470', long, DES_IV)).toBe(tripleDesEncrypt('2470', long.slice(0, 24), DES_IV));
  });

  it('decrypt throws only CryptoFormatError on bad input', () => {
    expectFormatError(() => tripleDesDecrypt('vvw30jQ1sjE', DES_KEY, DES_IV)); // missing '='
    expectFormatError(() => tripleDesDecrypt('vvw30jQ1sjE%3d', DES_KEY, DES_IV)); // still URL-encoded
    expectFormatError(() => tripleDesDecrypt('vvw30jQ1 sjE=', DES_KEY, DES_IV)); // space (form-decoded '+')
    expectFormatError(() => tripleDesDecrypt('vvw30jQ1sjF=', DES_KEY, DES_IV)); // non-canonical trailing bits
    expectFormatError(() => tripleDesDecrypt('', DES_KEY, DES_IV)); // empty
    expectFormatError(() => tripleDesDecrypt(APP_CT.slice(0, 12), DES_KEY, DES_IV)); // truncated: 9 bytes
    expectFormatError(() => tripleDesDecrypt(Buffer.from(APP_CT, 'base64').subarray(0, 20).toString('base64'), DES_KEY, DES_IV));
    expectFormatError(() => tripleDesDecrypt(APP_CT, 'eWorldTomTaw#8=*', DES_IV)); // wrong key → padding
    // DES ignores the low (parity) bit of every key byte: '*' (0x2a) and '+' (0x2b) are the same key.
    expect(tripleDesDecrypt('vvw30jQ1sjE=', 'eWorldTomTaw#7=+', DES_IV)).toBe('2470');
    // Valid padding but not UTF-8: encrypt raw 0xff bytes with the same key schedule.
    const c = createCipheriv('des-ede3-cbc', Buffer.concat([Buffer.from(DES_KEY), Buffer.alloc(8)]), Buffer.from(DES_IV));
    const notUtf8 = Buffer.concat([c.update(Buffer.from([0xff, 0xfe, 0xc0])), c.final()]).toString('base64');
    expectFormatError(() => tripleDesDecrypt(notUtf8, DES_KEY, DES_IV));
  });
});

// ---------------------------------------------------------------------------------------------------
describe('IDCAS MD5 sign (seed 002 §3.2, VECTORS §1)', () => {
  it('appendix vector', () => {
    expect(idcasSign('TokenValue', 'SevValue', '2020-05-01 12:09:22', MD5_KEY)).toBe('05459fbafa3d4d80f9f40b28b727b3ee');
  });

  // Example URLs of seed002 §3.9, as printed (URL-encoded); the sign is over the raw (decoded) strings.
  const P1_TOKEN =
    'R8DHV1doOCP2q3ymxuQZxI2apra5vgW2GM1XKWVsu%2fKXaetkL2MLjfw4h6mY2A%2f7JT75uZ4Q9V9Zp5xltSTIGjnnBWG%2fyImKpW8rNelp%2bqwEoupCuBbF5QC4sWL4fOVYqbJ0lX%2fTM1htLm8D4Yn694HViUGRJn%2fdaPaQeyGv%2f9DLCmdotwYE2ALctnDsf7Q49h%2bpGVHAPH0%3d';
  const P1_SEV =
    'itTbK%2bINTLuZji4vrvuJNQrk7SZRTF%2bq4xNG3pqoTjfP5NXfhIh5InU0CTjBdjYlhGIroV1sPVSvpLdwdHwtSA997SYHsyQFZ1mMgqHzNXlNP4wSz2WFXqB5RWJk48YVD4F7StEdOVi5kBb60UeX6a5HNOkfl65iBfMywoXvsMw8mAD2cfOlGdCR4RfNEM6CuN%2f5w6eNNQdqPcQWb6g8lZ0x3nCQTvNBFodHqS3JxCix1JTWuXSD6kIB7cWhWYBo5GtBjH6aR%2bHwd5U52s73SZYyQIAhpwTrxeAmyxeULfWzfVoTohATIg4lnnZga1Dro7SIQcT4lOk%2f5%2bAgLD6tRQ%3d%3d';
  const P2_TOKEN =
    'R8DHV1doOCMp7g0buzheujE%2fBsVrmvtb7VzAlOAO%2fAsIRz%2fh%2bQT%2ftErgHL35GzfuwD4%2bbOCrKJgMzsrPliBIVfHU7NkXEfkE%2bslnNkxYv4DvY6ktjgYJ1KVAk0vc%2blXoaegfJudHHx4SUfLaqaSjeWX0e%2bSUYTHQMd8g0XerpgmL5r%2bXSqO84P%2bFuEc3qX78';
  const P2_SEV =
    'I7g83t8Seu9mZdZbQ8cHqrkwTmd6SxgK9kkGSwcZX46ygyTpxiZ9M1buW%2fkrHkmenz4lS1QrxdYhk%2b%2fMPIn1nbD4%2f6rgdprfmciI8On7HwRYHMdLaW%2flTcwO4Z8tjsMqGmsefJadSx7uxH1tQiZh5eu1N%2fNPwAviFFeeg5LA4oYa8MllTyDqNE3LZavurgRKTqru4WvkynLTjMehiebTXIf7Ut4gyeqDh%2fq%2fS0FlBMWoXfEvsn9knXVx0zUEVcg3Nf7lCtDOF5JakRolbkrQd9BH0MFZsmlTvpNWCuww%2fNw1I2T%2fWxAFhpOV8tTsbJ6VQxFCIqo2QLl7VoUo00TKsQ%3d%3d';
  const P3_SEV =
    'g9G5bdqXADHdEj7YYrJzhqzUzKNnigfKyW1inHyjIeMec%2bo8s9sISj34uKmO32arNJTA4hBKkAFS2xfdCMhhQhcn3DdT1c6pGTayhYWBZfLLBfabnajgoc2Ngv0%2bRcDSm2QB5L%2fzeigz2%2bZafnW%2bebZkQ3eqeXOobpZw0rbO7McZ5mTTUhcxiKvlhHwvbI9Pen7ErgncmYJB%2b3Sib9zmXt66XjnwYcn4%2fR42YElD9yjQS9PO08R8kMRPfKM3kezjSoZjsLSg0lZpU%2bOS%2fZhdxXpPiFRfsBRBzJVYzWh5gGaIvPS5CS8tTSXXfIT0srt0EE6mLTAY6hhWb8ZJUadwrQ%3d%3d';

  it('P1 clinicview (and R3 copy): ab908f…', () => {
    const token = decodeURIComponent(P1_TOKEN);
    expect(idcasSign(token, decodeURIComponent(P1_SEV), '2021-05-19 00:00:00', MD5_KEY)).toBe('ab908f036c291be486c88a6d17aba48d');
    // Its token is the appendix ciphertext.
    expect(tripleDesDecrypt(token, DES_KEY, DES_IV)).toContain('"accession_number":"SD-53242"');
    // Counter-check: signing the URL-encoded strings gives a different value, so the raw form is right.
    expect(idcasSign(P1_TOKEN, P1_SEV, '2021-05-19 00:00:00', MD5_KEY)).toBe('4789477533ee7f7c85c9d2e12b0ebe7b');
  });

  it('P2 exam-report: aee674…, token decrypts to the listed JSON', () => {
    const token = decodeURIComponent(P2_TOKEN);
    expect(idcasSign(token, decodeURIComponent(P2_SEV), '2021-05-25 16:00:00', MD5_KEY)).toBe('aee6746e4b91e1db72fb8e8eda3ef322');
    expect(tripleDesDecrypt(token, DES_KEY, DES_IV)).toBe(
      '{"work_no":"1","org_code":"1","med_rec_no":"1","visit_id":"","accession_number":"","id_card_no":"","patient_name":"","placer_order_no":""}',
    );
    expect(tripleDesEncrypt(tripleDesDecrypt(token, DES_KEY, DES_IV), DES_KEY, DES_IV)).toBe(token);
  });

  it('P3 repeat-reminder (no token → ""): 2a473b…', () => {
    expect(idcasSign('', decodeURIComponent(P3_SEV), '2021-06-17 09:00:00', MD5_KEY)).toBe('2a473b73d482724f741205588957dfa0');
  });

  it('sev values are 256 bytes (RSA-2048)', () => {
    for (const s of [P1_SEV, P2_SEV, P3_SEV]) expect(Buffer.from(decodeURIComponent(s), 'base64').length).toBe(256);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('Neijiang AES channel (seed 001 rule C, VECTORS §2)', () => {
  const PLAIN = 'HIS#ACCESSIONNUMBER#57120003#000001013#20210629#1629876453773#0#10';
  const CT =
    'E2991AA1DD58C3430407EF61A3EB072C8B3E7E73296CD1636B90EA5E85AD054EC63155779D7ED75AF74DE0F2E1FA3EDA9ACF7CD4E3D0F88727B50F0E70C880525B82764957A96891831A5E2523E12708';

  it('encrypt → upper-case hex vector', () => {
    expect(aesHexEncrypt(PLAIN, AES_KEY, AES_IV)).toBe(CT);
  });
  it('decrypt, upper or lower hex', () => {
    expect(aesHexDecrypt(CT, AES_KEY, AES_IV)).toBe(PLAIN);
    expect(aesHexDecrypt(CT.toLowerCase(), AES_KEY, AES_IV)).toBe(PLAIN);
  });
  it('the leftover TCR3658334 plaintext shares only the first block', () => {
    const other = aesHexEncrypt('HIS#ACCESSIONNUMBER#57120003#TCR3658334#20201224#1624496740043#0#10', AES_KEY, AES_IV);
    expect(other.slice(0, 32)).toBe(CT.slice(0, 32));
    expect(other).not.toBe(CT);
  });
  it('rule E with the channel key/IV (seed001 §4 reference): 1000027 → CB4D0D8D…', () => {
    expect(aesHexEncrypt('1000027', AES_KEY, AES_IV)).toBe('CB4D0D8D128DD980BBB5B18C940F97EB');
  });
  it('key and IV must be 16 bytes (the seed prints the IV one short)', () => {
    expect(() => aesHexEncrypt(PLAIN, AES_KEY, '2rthacazxph2qtk')).toThrow(RangeError);
    expect(() => aesHexDecrypt(CT, 'short', AES_IV)).toThrow(RangeError);
    expect(() => aesHexEncrypt(PLAIN, '内江内江内江', AES_IV)).toThrow(RangeError); // 6 chars but 18 bytes
  });
  it('Chinese round trip', () => {
    expect(aesHexDecrypt(aesHexEncrypt('检查号 TCR-0001，内江', AES_KEY, AES_IV), AES_KEY, AES_IV)).toBe('检查号 TCR-0001，内江');
  });
  it('decrypt throws only CryptoFormatError on bad input', () => {
    expectFormatError(() => aesHexDecrypt(CT.slice(1), AES_KEY, AES_IV)); // odd length
    expectFormatError(() => aesHexDecrypt(`${CT.slice(0, -2)}ZZ`, AES_KEY, AES_IV)); // non-hex
    expectFormatError(() => aesHexDecrypt('', AES_KEY, AES_IV));
    expectFormatError(() => aesHexDecrypt(CT.slice(0, 40), AES_KEY, AES_IV)); // truncated mid-block
    expectFormatError(() => aesHexDecrypt(CT.slice(0, 64), AES_KEY, AES_IV)); // truncated at block boundary → padding
    expectFormatError(() => aesHexDecrypt(CT, 'qkzdcsilusqgph38', AES_IV)); // wrong key
    const c = createCipheriv('aes-128-cbc', Buffer.from(AES_KEY), Buffer.from(AES_IV));
    const notUtf8 = Buffer.concat([c.update(Buffer.from([0xc3, 0x28])), c.final()]).toString('hex');
    expectFormatError(() => aesHexDecrypt(notUtf8, AES_KEY, AES_IV));
  });
});

// ---------------------------------------------------------------------------------------------------
describe('Neijiang MD5 signs (seed 001, VECTORS §3)', () => {
  const AREA = '1asjlajsjfaslasdfasdfasfas';
  const STUDY = '{"studyStartTime":"2020-01-01 00:00:00","studyEndTime":"2020-01-02 00:00:00"}';
  const ADT = '{"adtStartTime":"2020-01-01 00:00:00","adtEndTime":"2020-01-02 00:00:00"}';

  it('rule A (401 summaryData): AC9263A8…', () => {
    // Insertion order deliberately unsorted: the function must sort.
    expect(neijiangSortedSign('123456', { timeStamp: '1589167913', query: STUDY, areaId: AREA }, 'abcdefg')).toBe(
      'AC9263A8B3D66E7D17A0D54C291B5165',
    );
    expect(md5(`123456areaId=${AREA}&query=${STUDY}&timeStamp=1589167913abcdefg`).toUpperCase()).toBe('AC9263A8B3D66E7D17A0D54C291B5165');
  });
  it('rule A (202 fetchReport): 287CD819…', () => {
    expect(neijiangSortedSign('123456', { query: ADT, areaId: AREA, timeStamp: '1589167913' }, 'abcdefg')).toBe(
      '287CD8197006447BA90C1DB2CF295420',
    );
  });
  it('rule A hospitalCode forms (seed001 §4 reference values)', () => {
    expect(neijiangSortedSign('123456', { hospitalCode: '05871212', query: ADT, timeStamp: '1589167913' }, 'abcdefg')).toBe(
      'F93E31251BE525414E81D5C8FBE5303A',
    );
    expect(neijiangSortedSign('123456', { hospitalCode: '05871212', query: STUDY, timeStamp: '1589167913' }, 'abcdefg')).toBe(
      '69A2A6C1849E368CCBE6B4E8D19FCB59',
    );
  });
  it('rule A sorts by ASCII (upper-case before lower-case), not locale', () => {
    expect(neijiangSortedSign('k', { b: '2', B: '1', a: '3' }, 's')).toBe(md5('kB=1&a=3&b=2s').toUpperCase());
  });

  it('rule D (501/502): 1B10868819766977 is the middle 16 of 48CB92D9…', () => {
    const { full, short } = smrSign(
      'a',
      [
        ['hospitalCode', 'b'],
        ['idCard', 'c'],
        ['smrCode', 'd'],
        ['timeStamp', '1640145238083'],
        ['opName', 'zhang'],
        ['opUid', '001'],
      ],
      'f',
    );
    expect(full).toBe('48CB92D91B1086881976697749DD98CE');
    expect(short).toBe('1B10868819766977');
  });
  it('rule D keeps the given order (sorted differs) and is case-sensitive in names (opUId differs)', () => {
    const base: [string, string][] = [
      ['hospitalCode', 'b'],
      ['idCard', 'c'],
      ['smrCode', 'd'],
      ['timeStamp', '1640145238083'],
      ['opName', 'zhang'],
    ];
    expect(smrSign('a', [...base, ['opUId', '001']], 'f').full).toBe('AE5B89EFF82036D822EAE7D47563B764');
    const sorted = [...base, ['opUid', '001'] as [string, string]].sort(([x], [y]) => (x < y ? -1 : 1));
    expect(smrSign('a', sorted, 'f').full.startsWith('0C1FCEC2')).toBe(true);
  });

  describe('rule B (301/302): no reproducible vector — own vectors against the literal documented strings', () => {
    const AK = 'testhan8ity79hd';
    const H = '57120003';
    const TS = '1589167913';
    const SEC = 's3cret';
    it('patIcCard, hash-separated and plain', () => {
      const q = { key: 'patIcCard' as const, value: '230103199306302422' };
      const hash = neijiangHashRuleSign(AK, H, q, TS, SEC, 'hash-separated');
      const plain = neijiangHashRuleSign(AK, H, q, TS, SEC, 'plain');
      expect(hash).toBe(
        md5('accesskey#testhan8ity79hdhospitalId#57120003patIcCard#230103199306302422timeStamp#1589167913accessSecret#s3cret').toUpperCase(),
      );
      expect(plain).toBe(
        md5('accesskeytesthan8ity79hdhospitalId57120003patIcCard230103199306302422timeStamp1589167913accessSecrets3cret').toUpperCase(),
      );
      expect(hash).not.toBe(plain);
      expect(hash).toMatch(/^[0-9A-F]{32}$/);
    });
    it('patNo', () => {
      const q = { key: 'patNo' as const, value: 'P0001' };
      expect(neijiangHashRuleSign(AK, H, q, TS, SEC, 'hash-separated')).toBe(
        md5('accesskey#testhan8ity79hdhospitalId#57120003patNo#P0001timeStamp#1589167913accessSecret#s3cret').toUpperCase(),
      );
      expect(neijiangHashRuleSign(AK, H, q, TS, SEC, 'plain')).toBe(
        md5('accesskeytesthan8ity79hdhospitalId57120003patNoP0001timeStamp1589167913accessSecrets3cret').toUpperCase(),
      );
    });
    it('clinicId sorts before hospitalId', () => {
      const q = { key: 'clinicId' as const, value: 'MZ123' };
      expect(neijiangHashRuleSign(AK, H, q, TS, SEC, 'hash-separated')).toBe(
        md5('accesskey#testhan8ity79hdclinicId#MZ123hospitalId#57120003timeStamp#1589167913accessSecret#s3cret').toUpperCase(),
      );
      expect(neijiangHashRuleSign(AK, H, q, TS, SEC, 'plain')).toBe(
        md5('accesskeytesthan8ity79hdclinicIdMZ123hospitalId57120003timeStamp1589167913accessSecrets3cret').toUpperCase(),
      );
    });
    it('the published examples (unknown secret) are not matched by a guessed secret', () => {
      const q = { key: 'patIcCard' as const, value: '123' };
      expect(neijiangHashRuleSign(AK, H, q, TS, 'abcdefg', 'hash-separated')).not.toBe('350A58879171120F30F2E9CB43B3324C');
    });
  });
});

// ---------------------------------------------------------------------------------------------------
describe('Xiamen token (seed 004, VECTORS §4)', () => {
  const VALUES = ['c883333f-f0dd-4548-acb7-065719423239', 'test', '测试', '123', '医院', '123', '1478793600'];
  it('UTF-16LE MD5 upper: F2213710…', () => {
    expect(xiamenToken(VALUES, 'key')).toBe('F2213710E2DF9FF4714755AF3E415557');
  });
  it('UTF-8 would give a different value (so the encoding matters)', () => {
    expect(md5(`${VALUES.join('')}key`).toUpperCase()).toBe('444A8DE8370C103CCAE575D7CC5A5465');
  });
  it('leaving out Timestamp changes it', () => {
    expect(xiamenToken(VALUES.slice(0, -1), 'key').startsWith('28EC')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('Medical-insurance cloud $-encoding (seed 003, VECTORS §5)', () => {
  it('张医生 → $E5$BC$A0$E5$8C$BB$E7$94$9F and back', () => {
    expect(dollarEncode('张医生')).toBe('$E5$BC$A0$E5$8C$BB$E7$94$9F');
    expect(dollarDecode('$E5$BC$A0$E5$8C$BB$E7$94$9F')).toBe('张医生');
  });
  it('ASCII passes through; $ and query-breaking characters are escaped so the encoding is invertible', () => {
    expect(dollarEncode('Dr. Li-1001')).toBe('Dr.$20Li-1001');
    expect(dollarEncode('a$b&c=d?e#f+g')).toBe('a$24b$26c$3Dd$3Fe$23f$2Bg');
    for (const s of ['a$b&c=d?e#f+g', '放射科 / CT室', '100%', '𠀀', '']) expect(dollarDecode(dollarEncode(s))).toBe(s);
  });
  it('malformed input throws only CryptoFormatError', () => {
    for (const bad of ['$E5$BC', '$ZZ', '$', 'abc$4', '$C3$28', '100%']) expectFormatError(() => dollarDecode(bad));
    expectFormatError(() => dollarEncode('\ud800'));
  });
});

// ---------------------------------------------------------------------------------------------------
describe('Jilin SM2 idCardNo (seed 000 §3.2, VECTORS §5)', () => {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  const other = sm2.generateKeyPairHex();
  const PLAINS = ['330922196309015018', '11010519491231002X', '张三 身份证 吉林省长春市'];

  it.each(['C1C3C2', 'C1C2C3'] as const)('round trip in %s (hex, Base64, with/without 04, upper-case)', (order) => {
    for (const p of PLAINS) {
      const ct = sm2Encrypt(p, publicKey, order);
      expect(ct.startsWith('04')).toBe(true);
      // 18-char ID: 1 + 64 + 32 + 18 bytes.
      if (p === '330922196309015018') expect(ct.length).toBe(2 * (1 + 64 + 32 + 18));
      expect(sm2Decrypt(ct, privateKey)).toBe(p);
      expect(sm2Decrypt(ct.slice(2), privateKey)).toBe(p); // sm-crypto's native form (no 04)
      expect(sm2Decrypt(ct.toUpperCase(), privateKey)).toBe(p);
      expect(sm2Decrypt(Buffer.from(ct, 'hex').toString('base64'), privateKey)).toBe(p);
      expect(sm2Decrypt(Buffer.from(ct.slice(2), 'hex').toString('base64'), privateKey)).toBe(p);
    }
  });

  it('accepts sm-crypto output directly, and a public key without the 04 prefix', () => {
    expect(sm2Decrypt(sm2.doEncrypt('220102198001011234', publicKey, 0), privateKey)).toBe('220102198001011234');
    expect(sm2Decrypt(sm2Encrypt('220102198001011234', publicKey.slice(2), 'C1C3C2'), privateKey)).toBe('220102198001011234');
  });

  it('sm-crypto behaviour we rely on: wrong order / wrong key / 04 prefix → "" (no throw); non-UTF-8 → throws', () => {
    const c13 = sm2.doEncrypt('330922196309015018', publicKey, 1);
    expect(sm2.doDecrypt(c13, privateKey, 0)).toBe(''); // wrong order: C3 check fails
    expect(sm2.doDecrypt(c13, other.privateKey, 1)).toBe(''); // wrong key
    expect(sm2.doDecrypt(`04${c13}`, privateKey, 1)).toBe(''); // sm-crypto cannot read the 04 prefix itself
    expect(sm2.doDecrypt(sm2.doEncrypt('', publicKey, 1), privateKey, 1)).toBe(''); // empty = same as failure
    const bin = sm2.doEncrypt([0xff, 0xfe, 0x80] as unknown as string, publicKey, 1);
    expect(() => sm2.doDecrypt(bin, privateKey, 1)).toThrow('Malformed UTF-8 data');
  });

  it('throws only CryptoFormatError for wrong key, corruption, truncation, junk, non-UTF-8', () => {
    const ct = sm2Encrypt('330922196309015018', publicKey, 'C1C3C2');
    expectFormatError(() => sm2Decrypt(ct, other.privateKey)); // wrong key
    const flipped = ct.slice(0, -2) + (ct.slice(-2) === '00' ? '01' : '00');
    expectFormatError(() => sm2Decrypt(flipped, privateKey)); // C2 bit flip → C3 fails
    expectFormatError(() => sm2Decrypt(ct.slice(0, 2 * (1 + 64 + 32)), privateKey)); // truncated to C1‖C3
    expectFormatError(() => sm2Decrypt(ct.slice(0, 100), privateKey));
    expectFormatError(() => sm2Decrypt('', privateKey));
    expectFormatError(() => sm2Decrypt('fugreoherowjrpejwkeqohoueqhrohroijw==', privateKey)); // seed 000's placeholder
    expectFormatError(() => sm2Decrypt(`${ct}z`, privateKey));
    const bin = sm2.doEncrypt([0xff, 0xfe, 0x80] as unknown as string, publicKey, 1);
    expectFormatError(() => sm2Decrypt(bin, privateKey)); // C3 ok, plaintext not UTF-8
    expect(() => sm2Decrypt(ct, 'not-a-key')).toThrow(RangeError);
    expect(() => sm2Decrypt(ct, '00')).toThrow(RangeError);
    expect(() => sm2Encrypt('x', `04${'00'.repeat(64)}`, 'C1C2C3')).toThrow(RangeError);
    expect(() => sm2Encrypt('', publicKey, 'C1C3C2')).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('fuzz: 2,000 random byte strings per decoder (seed 20240501) throw nothing but CryptoFormatError', () => {
  const N = 2000;
  const counts: Record<string, number> = {};
  const reasons: Record<string, Record<string, number>> = {};
  const collect = (name: string, ok: number) => {
    counts[name] = ok;
    reasons[name] = Object.fromEntries(failures);
    failures.clear();
  };
  // Half the lengths are block multiples so padding and UTF-8 checks are reached, not just the length check.
  const lengthOf = (rnd: () => number, block: number) =>
    rnd() < 0.5 ? block * (1 + Math.floor(rnd() * 6)) : Math.floor(rnd() * 64);

  it('tripleDesDecrypt (Base64 of random bytes, and random strings)', () => {
    failures.clear();
    const rnd = prng(20240501);
    let ok = 0;
    for (let i = 0; i < N; i++) {
      const b = randomBytes(rnd, lengthOf(rnd, 8));
      if (decrypts(() => tripleDesDecrypt(b.toString('base64'), DES_KEY, DES_IV))) ok++;
      decrypts(() => tripleDesDecrypt(b.toString('latin1'), DES_KEY, DES_IV));
    }
    collect('tripleDes', ok);
    expect(ok).toBeLessThan(N / 10);
  });

  it('aesHexDecrypt (hex of random bytes, upper and lower, and random strings)', () => {
    failures.clear();
    const rnd = prng(20240502);
    let ok = 0;
    for (let i = 0; i < N; i++) {
      const b = randomBytes(rnd, lengthOf(rnd, 16));
      const hex = i % 2 ? b.toString('hex') : b.toString('hex').toUpperCase();
      if (decrypts(() => aesHexDecrypt(hex, AES_KEY, AES_IV))) ok++;
      decrypts(() => aesHexDecrypt(b.toString('latin1'), AES_KEY, AES_IV));
    }
    collect('aes', ok);
    expect(ok).toBeLessThan(N / 10);
  });

  it('sm2Decrypt (random bytes as hex and Base64, plus valid C1 with random tail to reach the C3 check)', () => {
    failures.clear();
    const rnd = prng(20240503);
    const { privateKey, publicKey } = sm2.generateKeyPairHex();
    const c1 = sm2Encrypt('x', publicKey, 'C1C3C2').slice(0, 130);
    let ok = 0;
    for (let i = 0; i < N; i++) {
      const b = randomBytes(rnd, 90 + Math.floor(rnd() * 40));
      if (decrypts(() => sm2Decrypt(b.toString('hex'), privateKey))) ok++;
      if (decrypts(() => sm2Decrypt(b.toString('base64'), privateKey))) ok++;
      if (i < 100 && decrypts(() => sm2Decrypt(c1 + randomBytes(rnd, 33 + (i % 20)).toString('hex'), privateKey))) ok++;
    }
    collect('sm2', ok);
    expect(ok).toBe(0); // a random C3 match has probability 2^-256
  });

  it('dollarDecode (random strings over $, hex digits and letters)', () => {
    failures.clear();
    const rnd = prng(20240504);
    const alphabet = '$$$$0123456789ABCDEFabcdefXYZ%';
    let ok = 0;
    for (let i = 0; i < N; i++) {
      const s = Array.from({ length: Math.floor(rnd() * 24) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      if (decrypts(() => dollarDecode(s))) ok++;
    }
    collect('dollar', ok);
  });

  it('report counts', () => {
    console.log('fuzz successes out of', N, JSON.stringify(counts), '\nCryptoFormatError reasons:', JSON.stringify(reasons, null, 1));
  });
});

// ---------------------------------------------------------------------------------------------------
describe('shared helpers', () => {
  it('md5Hex: string as UTF-8, Buffer as bytes, lower-case', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('张')).toBe(md5Hex(Buffer.from('张', 'utf8')));
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
  it('safeEqualHex', () => {
    expect(safeEqualHex('ab908f036c291be486c88a6d17aba48d', 'AB908F036C291BE486C88A6D17ABA48D')).toBe(true);
    expect(safeEqualHex('1B10868819766977', '1b10868819766977')).toBe(true);
    expect(safeEqualHex('ab908f036c291be486c88a6d17aba48d', 'ab908f036c291be486c88a6d17aba48e')).toBe(false);
    expect(safeEqualHex('ab908f', 'ab908f0')).toBe(false); // different lengths
    expect(safeEqualHex('48CB92D91B1086881976697749DD98CE', '1B10868819766977')).toBe(false);
    expect(safeEqualHex('zz', 'zz')).toBe(false); // non-hex
    expect(safeEqualHex('ab 9', 'ab 9')).toBe(false);
    expect(safeEqualHex('', '')).toBe(false); // an empty signature never matches
  });
});
