// The documented command lines: keys set with `npm run keys`, links printed by `npm run link`,
// and links built by independent code (plain node:crypto, as a HIS vendor would write it) verify.
import { constants, createCipheriv, createHash, publicEncrypt } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@/lib/db';
import { resolveScope } from '@/lib/domain/subjects';
import { verifyLink } from '@/lib/links/open';
import { loadRegion } from '@/scripts/demo/load';
import { planRegion } from '@/scripts/demo/region';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-cli-'));
const env = { ...process.env, YINGYUN_DATA_DIR: dataDir, DATABASE_URL: '' };
const tsx = (script: string, args: string[]) =>
  execFileSync(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), script, ...args], { env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });

let db: Database | undefined;
async function withDb<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  db = await openDatabase({ url: '', pgliteDir: path.join(dataDir, 'pglite') });
  try {
    return await fn(db);
  } finally {
    await db.prisma.$disconnect();
    await db.sql.close();
    db = undefined;
  }
}

// Independent implementations of the vendors' side, from the specs only.
const des3 = (plain: string, key: string, iv: string) => {
  const k = Buffer.alloc(24);
  Buffer.from(key, 'utf8').copy(k);
  const c = createCipheriv('des-ede3-cbc', k, Buffer.from(iv, 'utf8'));
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
};
const md5 = (s: string, enc: BufferEncoding = 'utf8') => createHash('md5').update(Buffer.from(s, enc)).digest('hex');
const china = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);

beforeAll(async () => {
  await withDb((d) => loadRegion(d.prisma, planRegion({ seed: 3, patients: 2 }), { images: false }));
}, 120_000);
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('keys CLI + independently built links', () => {
  it('IDCAS: keys and an RSA pair set by the CLI; a vendor-built clinicview link verifies', async () => {
    const out = tsx('scripts/keys.ts', ['set', 'IDCAS', 'vendor-x', '--name', '某HIS厂商', '--orgs', '2470', '--des-key', 'VendorKey3DES!!x', '--des-iv', 'Iv#12345', '--md5-key', 'VendorMD5Key', '--rsa', 'generate']);
    const pub = out.slice(out.indexOf('-----BEGIN PUBLIC KEY-----'), out.indexOf('-----END PUBLIC KEY-----') + 24);
    expect(pub).toContain('BEGIN PUBLIC KEY');
    expect(tsx('scripts/keys.ts', ['list'])).toMatch(/IDCAS\s+vendor-x\s+某HIS厂商 · orgs 2470 · keys 3DES,MD5,RSA/);
    // The vendor: sev = RSA-PKCS#1 v1.5 of the account id, token = 3DES(JSON), sign = MD5(token+sev+timestamp+key).
    const sev = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('2470/001')).toString('base64');
    const token = des3(JSON.stringify({ work_no: '001', org_code: '2470', med_rec_no: '', visit_id: '', accession_number: 'SD-53242', id_card_no: '', patient_name: '', placer_order_no: '' }), 'VendorKey3DES!!x', 'Iv#12345');
    const ts = china(new Date());
    const search = `?source=HIS&token=${encodeURIComponent(token)}&sev=${encodeURIComponent(sev)}&timestamp=${encodeURIComponent(ts)}&sign=${md5(token + sev + ts + 'VendorMD5Key')}`;
    await withDb(async (d) => {
      const ctx = await verifyLink('clinicview', search, { prisma: d.prisma });
      expect(ctx.caller).toMatchObject({ orgCode: '2470', workNo: '001' });
      const exam = await d.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' } });
      expect((await resolveScope(d.prisma, ctx)).patientId).toBe(exam.patientId);
    });
  });

  it('Neijiang: AES keys set by the CLI; a vendor-built channel verifies', async () => {
    tsx('scripts/keys.ts', ['set', 'NEIJIANG', 'nj-vendor', '--orgs', '57120003', '--aes-key', 'vendorAESkey16ch', '--aes-iv', 'vendorAESiv16chr']);
    await withDb((d) => d.prisma.integrationClient.updateMany({ where: { clientKey: 'testhan8ity79hd' }, data: { enabled: false } }));
    const plain = `HIS#ACCESSIONNUMBER#57120003#000001013#20210629#${Date.now()}#1#01`;
    const c = createCipheriv('aes-128-cbc', Buffer.from('vendorAESkey16ch'), Buffer.from('vendorAESiv16chr'));
    const channel = Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('hex').toUpperCase();
    await withDb(async (d) => {
      const ctx = await verifyLink('dimage', `?stm=57120003&channel=${channel}`, { prisma: d.prisma });
      expect(ctx.options).toMatchObject({ showAi: true, feeCheck: false, privacyCheck: true });
      expect(ctx.exams.accessionNumbers).toEqual(['000001013']);
    });
  });

  it('Xiamen: a secret set by the CLI; a vendor-built UTF-16LE token verifies', async () => {
    tsx('scripts/keys.ts', ['set', 'XIAMEN', '0f8fad5b-d9cb-469f-a165-70867728950e', '--orgs', '2470', '--secret', '厦门密钥']);
    const values = ['0f8fad5b-d9cb-469f-a165-70867728950e', 'doc1', '张医生', '2470', 'SD-53242', String(Math.floor(Date.now() / 1000))];
    const token = md5(values.join('') + '厦门密钥', 'utf16le').toUpperCase();
    const search = `?CustomerGuid=${values[0]}&UserID=doc1&UserName=${encodeURIComponent('张医生')}&UserOrganizationID=2470&AccessionNumber=SD-53242&Timestamp=${values[5]}&token=${token}`;
    await withDb(async (d) => {
      const ctx = await verifyLink('xiamen-exam-view', search, { prisma: d.prisma });
      expect(ctx.caller.name).toBe('张医生');
    });
  });

  it('npm run link prints a link that verifies', async () => {
    const url = tsx('scripts/link.ts', ['idcas', 'clinicview', '--org', '2470', '--work-no', '001', '--accession', 'SD-53242', '--nosearch', '--base', 'https://yy.example']).trim().split('\n').pop()!;
    expect(url).toMatch(/^https:\/\/yy\.example\/clinicview\/index\.html\?source=HIS&nosearch=true&token=/);
    await withDb(async (d) => {
      const ctx = await verifyLink('clinicview', url.slice(url.indexOf('?')), { prisma: d.prisma });
      expect(ctx.options.nosearch).toBe(true);
    });
  });

  it('sets and lists the scopes a client\'s tokens may be granted, and revokes its tokens', async () => {
    expect(tsx('scripts/keys.ts', ['set', 'JILIN', 'jl-cli', '--orgs', '2470'])).toMatch(/scopes jilin-api,dicomweb-read,dicomweb-write/);
    expect(tsx('scripts/keys.ts', ['set', 'JILIN', 'jl-cli', '--scopes', 'jilin-api'])).toMatch(/scopes jilin-api$/m);
    expect(tsx('scripts/keys.ts', ['list'])).toMatch(/JILIN\s+jl-cli\s.* · scopes jilin-api$/m);
    await withDb(async (d) => {
      const { issueAccessToken } = await import('@/lib/links/issue');
      await issueAccessToken(d.prisma, '2470', 'his', ['jilin-api'], { dialect: 'JILIN' });
    });
    expect(tsx('scripts/keys.ts', ['revoke-tokens', 'JILIN', 'jl-cli'])).toMatch(/revoked 1 access token/);
  });

  it('refuses bad options without writing', () => {
    expect(() => tsx('scripts/keys.ts', ['set', 'IDCAS', 'x', '--des-iv', 'short'])).toThrow(/8 bytes/);
    expect(() => tsx('scripts/keys.ts', ['set', 'NOPE', 'x'])).toThrow(/dialect must be one of/);
    expect(tsx('scripts/keys.ts', ['list'])).not.toMatch(/^IDCAS\s+x\s/m);
  });
});
