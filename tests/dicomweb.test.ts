// DICOMweb through the real route handlers against a real database and file store: every sample
// file ingests and comes back byte-identical, frames decode, bad input is refused and leaves
// nothing behind, searches match, and access follows the session or client credential.
import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as dicomwebGet, POST as dicomwebPost } from '@/app/dicomweb/[...path]/route';
import { POST as uploadDicom } from '@/app/interface/uploadDicom/route';
import { GET as wadoUri } from '@/app/wado/route';
import { issueAccessToken } from '@/lib/links/issue';
import { saveClient } from '@/lib/links/clients';
import { createSession } from '@/lib/sessions';
import { recoverBlobs } from '@/lib/domain/blob-recovery';
import { linkWaitingStudies } from '@/lib/dicom/ingest';
import { contentTypeParam, multipartRelated, parseMultipart } from '@/lib/dicom/multipart';
import { parseDicom } from '@/lib/dicom/parse';
import { backfillPersonNames } from '@/lib/dicom/person-name';
import { MAX_NAME_MATCHES } from '@/lib/dicom/qido';
import { DECODABLE_TRANSFER_SYNTAXES } from '@/lib/dicom/pixels';
import { retag, uidFromString } from '@/lib/dicom/retag';
import { synthesizeSeries } from '@/lib/dicom/synth';
import { blobStore } from '@/lib/store/blobs';
import type { LinkContext } from '@/lib/links/types';
import { appDatabase, type AppDatabase } from './support/app-db';
import { SAMPLES_DIR } from './support/samples';

const SAMPLES = SAMPLES_DIR ?? '';
const haveSamples = SAMPLES_DIR !== null;
let db: AppDatabase;
let token: string;
const ORIGIN = 'http://yy.test';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.dcm') ? [path.join(dir, e.name)] : []));
}

function req(url: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}) {
  return new NextRequest(`${ORIGIN}${url}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, ...init.headers }, body: init.body });
}
const ctx = (p: string) => ({ params: Promise.resolve({ path: p.replace(/^\/dicomweb\//, '').split('?')[0].split('/') }) });
const get = (p: string, headers: Record<string, string> = {}) => dicomwebGet(req(p, { headers }), ctx(p));

const stowReq = (files: Uint8Array[], p = '/dicomweb/studies', headers: Record<string, string> = {}) => {
  const m = multipartRelated(files);
  return dicomwebPost(req(p, { method: 'POST', headers: { 'content-type': m.contentType, ...headers }, body: m.body }), ctx(p));
};
async function parts(res: Response) {
  const buf = new Uint8Array(await res.arrayBuffer());
  return parseMultipart(buf, contentTypeParam(res.headers.get('content-type') ?? '', 'boundary') ?? '');
}
function blobFiles(): string[] {
  const root = blobStore().root;
  return fs.existsSync(root) ? walk(root).concat(fs.existsSync(path.join(root, '.incoming')) ? fs.readdirSync(path.join(root, '.incoming')) : []) : [];
}

beforeAll(async () => {
  db = await appDatabase();
  await db.prisma.organization.createMany({ data: [{ code: 'H1', name: '测试一院' }, { code: 'H2', name: '测试二院' }] });
  await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'pacs-h1', orgCodes: ['H1'], desKey: 'k', desIv: '12345678', md5Key: 'm' });
  await saveClient(db.prisma, { dialect: 'JILIN', clientKey: 'jl-h1', orgCodes: ['H1'] });
  token = (await issueAccessToken(db.prisma, 'H1', 'pacs', ['dicomweb-read', 'dicomweb-write'])).token;
}, 120_000);
afterAll(async () => {
  await db?.dispose();
});

describe.skipIf(!haveSamples)('every sample file (../shared/dicom-samples)', () => {
  const files = haveSamples ? walk(SAMPLES) : [];
  const broken = new Set(['MR_truncated.dcm', 'no_meta.dcm']);

  it('ingests (the broken ones are refused and leave nothing) and returns byte-identical; frames decode', async () => {
    // Lossless transfer-syntax variants share one SOP Instance UID: store them in rounds.
    const byUid = new Map<string, string[]>();
    for (const f of files.filter((x) => !broken.has(path.basename(x)))) {
      const uid = parseDicom(new Uint8Array(fs.readFileSync(f))).sopInstanceUid;
      byUid.set(uid, [...(byUid.get(uid) ?? []), f]);
    }
    const rounds = Math.max(...[...byUid.values()].map((v) => v.length));
    let checked = 0;
    for (let round = 0; round < rounds; round++) {
      await db.sql.exec('TRUNCATE "DicomInstance", "DicomSeries", "DicomStudy" RESTART IDENTITY CASCADE');
      const batch = [...byUid.values()].map((v) => v[round]).filter(Boolean);
      const res = await stowReq(batch.map((f) => new Uint8Array(fs.readFileSync(f))));
      const body = await res.json();
      expect(res.status, JSON.stringify(body['00081198'])).toBe(200);
      for (const f of batch) {
        const bytes = fs.readFileSync(f);
        const p = parseDicom(new Uint8Array(bytes));
        const url = `/dicomweb/studies/${p.studyInstanceUid}/series/${p.seriesInstanceUid}/instances/${p.sopInstanceUid}`;
        const r = await get(url, { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
        expect(r.status, f).toBe(200);
        const [part] = await parts(r);
        expect(Buffer.compare(Buffer.from(part.body), bytes), `${path.basename(f)} byte-identical`).toBe(0);
        checked++;
        if (p.rows) {
          const stored = await get(`${url}/frames/1`, { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' });
          expect(stored.status, f).toBe(200);
          const [frame] = await parts(stored);
          expect(frame.body.byteLength, f).toBeGreaterThan(0);
          const native = await get(`${url}/frames/1`, { accept: 'multipart/related; type="application/octet-stream"' });
          if (!DECODABLE_TRANSFER_SYNTAXES.has(p.transferSyntaxUid)) {
            expect(native.status, `${f}: cannot be decoded here, says so`).toBe(406);
            continue;
          }
          expect(native.status, `${f} decodes`).toBe(200);
          const [raw] = await parts(native);
          const meta = (await (await get(`${url}/metadata`)).json())[0];
          const spp = meta['00280002']?.Value?.[0] ?? 1;
          const bits = meta['00280100']?.Value?.[0] ?? 16;
          expect(raw.body.byteLength, `${path.basename(f)} native frame size`).toBe(p.rows * p.columns! * spp * (bits > 8 ? 2 : 1));
          expect(raw.headers['content-type']).toContain('transfer-syntax=1.2.840.10008.1.2.1');
        }
      }
    }
    expect(checked).toBe(files.length - broken.size);
  });

  it.each(['bad-input/MR_truncated.dcm', 'bad-input/no_meta.dcm'])('refuses %s with a clear reason and writes nothing', async (name) => {
    const before = { rows: await db.prisma.dicomInstance.count(), files: blobFiles().length };
    const res = await stowReq([new Uint8Array(fs.readFileSync(path.join(SAMPLES, name)))]);
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body['00081198'].Value[0]['00081197'].Value[0]).toBe(0xc000);
    expect(await db.prisma.dicomInstance.count()).toBe(before.rows);
    expect(blobFiles().length).toBe(before.files);
  });
});

describe('STOW-RS of a mixed study in one request', () => {
  it('indexes parts concurrently without losing a series, an instance or a modality; answers in part order', async () => {
    const study = uidFromString('mixed-study');
    const kinds = ['CT', 'MG', 'ES', 'US', 'DR'] as const;
    const files = kinds.flatMap((kind, k) =>
      synthesizeSeries(kind, { seed: 60 + k, slices: 5, rows: 32, columns: 32 }).map((f, i) =>
        retag(f, { studyInstanceUid: study, seriesInstanceUid: uidFromString(`mixed-${kind}`), sopInstanceUid: uidFromString(`mixed-${kind}-${i}`) }),
      ),
    );
    // Interleaved, so parts of several new series arrive at the same time.
    const order = files.map((f, i) => ({ f, i })).sort((a, b) => (a.i % 3) - (b.i % 3) || a.i - b.i).map((x) => x.f);
    const res = await stowReq(order);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body['00081199'].Value.map((v: Record<string, { Value: string[] }>) => v['00081155'].Value[0])).toEqual(order.map((f) => parseDicom(f).sopInstanceUid));
    const row = await db.prisma.dicomStudy.findUniqueOrThrow({ where: { studyInstanceUid: study } });
    expect(files.length).toBeGreaterThan(8);
    expect([row.numberOfSeries, row.numberOfInstances]).toEqual([5, files.length]);
    expect([...row.modalities].sort()).toEqual(['CT', 'DX', 'ES', 'MG', 'US']);
    const qido = (await (await get(`/dicomweb/studies?StudyInstanceUID=${study}`)).json())[0];
    expect([...qido['00080061'].Value].sort()).toEqual(['CT', 'DX', 'ES', 'MG', 'US']);
    expect(await db.prisma.dicomInstance.count({ where: { series: { study: { studyInstanceUid: study } } } })).toBe(files.length);
  });
});

describe('STOW-RS bad input', () => {
  const series = synthesizeSeries('CT', { seed: 11, slices: 3, rows: 64, columns: 64 });
  const study = parseDicom(series[0]).studyInstanceUid;

  it('stores the good parts of a body with one bad part, and reports the bad one', async () => {
    const res = await stowReq([series[0], new Uint8Array(Buffer.from('not dicom at all')), series[1]]);
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body['00081199'].Value).toHaveLength(2);
    expect(body['00081198'].Value).toHaveLength(1);
    expect(body['00081190'].Value[0]).toBe(`${ORIGIN}/dicomweb/studies/${study}`);
  });

  it('the same instance twice is stored once; the same UID with other bytes is refused', async () => {
    const before = await db.prisma.dicomInstance.count();
    expect((await stowReq([series[0]])).status).toBe(200);
    expect(await db.prisma.dicomInstance.count()).toBe(before);
    const altered = retag(series[0], { patientName: '改动^了' });
    const res = await stowReq([altered]);
    expect(res.status).toBe(409);
    expect((await res.json())['00081198'].Value[0]['00081197'].Value[0]).toBe(0x0111);
  });

  it('a file without the 128-byte preamble is accepted and kept as sent', async () => {
    const noPreamble = series[2].subarray(128);
    expect((await stowReq([noPreamble])).status).toBe(200);
    const p = parseDicom(series[2]);
    const r = await get(`/dicomweb/studies/${study}/series/${p.seriesInstanceUid}/instances/${p.sopInstanceUid}`);
    expect(Buffer.compare(Buffer.from((await parts(r))[0].body), Buffer.from(noPreamble))).toBe(0);
  });

  it('truncated data, a wrong content type, an instance of another study and an oversized body', async () => {
    const truncated = await stowReq([series[1].subarray(0, series[1].length - 100)]);
    expect(truncated.status).toBe(409);
    const wrong = await dicomwebPost(req('/dicomweb/studies', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), ctx('/dicomweb/studies'));
    expect(wrong.status).toBe(415);
    const other = synthesizeSeries('DR', { seed: 3 })[0];
    const mismatch = await stowReq([other], `/dicomweb/studies/${study}`);
    expect(mismatch.status).toBe(409);
    expect((await mismatch.json())['00081198'].Value[0]['00081197'].Value[0]).toBe(0xa900);
    process.env.YINGYUN_STOW_MAX_BYTES = '1000';
    try {
      expect((await stowReq([other])).status).toBe(413);
    } finally {
      delete process.env.YINGYUN_STOW_MAX_BYTES;
    }
    expect(await db.prisma.dicomInstance.count({ where: { sopInstanceUid: parseDicom(other).sopInstanceUid } })).toBe(0);
  });
});

describe('QIDO-RS', () => {
  const uid = uidFromString('qido-study');
  beforeAll(async () => {
    const files = synthesizeSeries('CT', { seed: 21, slices: 2, rows: 32, columns: 32 }).map((f, i) =>
      retag(f, { patientName: '欧阳青松', patientId: 'QIDO-1', accessionNumber: 'ACC-Q1', studyInstanceUid: uid, seriesInstanceUid: uidFromString('qido-series'), sopInstanceUid: uidFromString(`qido-${i}`), studyDate: '20210629' }),
    );
    expect((await stowReq(files)).status).toBe(200);
  });

  it('matches PatientID, Chinese PatientName, AccessionNumber, StudyDate ranges and modalities', async () => {
    const ids = async (q: string) => ((await (await get(`/dicomweb/studies?${q}`)).json()) as Record<string, { Value: string[] }>[]).map((s) => s['0020000D'].Value[0]);
    expect(await ids('PatientID=QIDO-1')).toEqual([uid]);
    expect(await ids(`PatientName=${encodeURIComponent('欧阳*')}`)).toEqual([uid]);
    expect(await ids(`00100010=${encodeURIComponent('青松')}`)).toEqual([uid]);
    expect(await ids('AccessionNumber=ACC-Q1')).toEqual([uid]);
    expect(await ids('StudyDate=20210601-20210630&ModalitiesInStudy=CT')).toContain(uid);
    expect(await ids('StudyDate=20210630-')).not.toContain(uid);
    expect(await ids('PatientID=nobody')).toEqual([]);
    const limited = await (await get('/dicomweb/studies?limit=1&offset=0')).json();
    expect(limited).toHaveLength(1);
    expect((await get('/dicomweb/studies?Bogus=1')).status).toBe(400);
  });

  it('lists series and instances with counts and retrieve URLs; includefield adds attributes', async () => {
    const series = await (await get(`/dicomweb/studies/${uid}/series`)).json();
    expect(series).toHaveLength(1);
    expect(series[0]['00201209'].Value[0]).toBe(2);
    const inst = await (await get(`/dicomweb/studies/${uid}/series/${uidFromString('qido-series')}/instances?includefield=00280030`)).json();
    expect(inst).toHaveLength(2);
    expect(inst[0]['00081190'].Value[0]).toMatch(/\/dicomweb\/studies\/.+\/instances\//);
    expect(inst[0]['00280030']).toBeDefined();
    const study = (await (await get(`/dicomweb/studies?StudyInstanceUID=${uid}`)).json())[0];
    expect(study['00100010'].Value[0].Alphabetic).toBe('欧阳青松');
    expect(study['00201208'].Value[0]).toBe(2);
    // Retrieve URLs name the host the client asked (or the proxy's), not the one the server listens on.
    const asked = await (await get(`/dicomweb/studies?StudyInstanceUID=${uid}`, { host: 'pacs.hospital.cn:8443' })).json();
    expect(asked[0]['00081190'].Value[0]).toBe(`http://pacs.hospital.cn:8443/dicomweb/studies/${uid}`);
    const proxied = await (await get(`/dicomweb/studies?StudyInstanceUID=${uid}`, { 'x-forwarded-host': 'yingyun.example.cn', 'x-forwarded-proto': 'https' })).json();
    expect(proxied[0]['00081190'].Value[0]).toBe(`https://yingyun.example.cn/dicomweb/studies/${uid}`);
    const forged = await (await get(`/dicomweb/studies?StudyInstanceUID=${uid}`, { host: 'evil"host/<x>' })).json();
    expect(forged[0]['00081190'].Value[0]).toBe(`${ORIGIN}/dicomweb/studies/${uid}`);
  });
});

describe('QIDO-RS PatientName (component-wise, every representation group, wildcards)', () => {
  const names = ['Doe^Peter', 'Doe^Petra', 'Doering^Peter', 'Zhang^XiaoDong=张^小东=', '张^小东东', 'Zhao^Xiao=赵^晓=', 'Li^Zhangwei', 'Dr^X^^Doe'];
  const study = (n: string) => uidFromString(`pn-study/${n}`);
  beforeAll(async () => {
    const files = names.map((n, k) =>
      retag(synthesizeSeries('DR', { seed: 70 + k, rows: 16, columns: 16 })[0], { patientName: n, patientId: `PN-${k}`, studyInstanceUid: study(n), seriesInstanceUid: uidFromString(`pn-series/${n}`), sopInstanceUid: uidFromString(`pn-sop/${n}`) }),
    );
    expect((await stowReq(files)).status).toBe(200);
  });
  /** The names (of ours) a query finds, at the study level. */
  const found = async (q: string, level = 'studies') => {
    const res = await get(`/dicomweb/${level}?PatientName=${encodeURIComponent(q)}&limit=1000`);
    expect(res.status, q).toBe(200);
    const uids = new Set(((await res.json()) as Record<string, { Value: string[] }>[]).map((s) => s['0020000D'].Value[0]));
    return names.filter((n) => uids.has(study(n)));
  };

  it.each([
    ['Doe^Peter', ['Doe^Peter']],
    ['doe^peter', ['Doe^Peter']],
    ['DOE^PETER^^^', ['Doe^Peter']],
    ['Doe^*', ['Doe^Petra', 'Doe^Peter']],
    ['*^Peter', ['Doe^Peter', 'Doering^Peter']],
    ['Doe^Pet?r', ['Doe^Peter']],
    ['D?e^P*a', ['Doe^Petra']],
    ['D*e^Peter', ['Doe^Peter']],
    ['Zhang*', ['Zhang^XiaoDong=张^小东=']],
    ['zhang^xiaodong', ['Zhang^XiaoDong=张^小东=']],
    ['张^小东', ['Zhang^XiaoDong=张^小东=']],
    ['张^小??', ['张^小东东']],
    ['张^*东', ['Zhang^XiaoDong=张^小东=', '张^小东东']],
    ['Zhang^XiaoDong=张^小东', ['Zhang^XiaoDong=张^小东=']],
    ['=张^小?', ['Zhang^XiaoDong=张^小东=']],
    ['=赵*', ['Zhao^Xiao=赵^晓=']],
    ['Zhang^XiaoDong=赵^晓', []],
    ['Zh??^*', ['Zhao^Xiao=赵^晓=']],
    ['Doe', ['Doe^Peter', 'Doe^Petra', 'Doering^Peter', 'Dr^X^^Doe']],
    ['张小东', ['Zhang^XiaoDong=张^小东=', '张^小东东']],
    ['D_e^Peter', []],
    ['Doe%', []],
    ['*^*^*^Doe', ['Dr^X^^Doe']],
  ])('PatientName=%s', async (q, expected) => {
    expect((await found(q)).sort()).toEqual([...expected].sort());
  });

  it('applies at the series and instance levels, answers the name as the file has it, refuses malformed names', async () => {
    expect(await found('Doe^Peter', 'series')).toEqual(['Doe^Peter']);
    expect(await found('Zhang*', 'instances')).toEqual(['Zhang^XiaoDong=张^小东=']);
    expect((await found('*')).length).toBe(names.length);
    const res = await get(`/dicomweb/studies?StudyInstanceUID=${study('Zhang^XiaoDong=张^小东=')}`);
    expect((await res.json())[0]['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Zhang^XiaoDong', Ideographic: '张^小东' }] });
    expect((await get(`/dicomweb/studies?PatientName=${encodeURIComponent('a=b=c=d')}`)).status).toBe(400);
    expect((await get(`/dicomweb/studies?PatientName=${encodeURIComponent('a^b^c^d^e^f')}`)).status).toBe(400);
  });

  it('finds only what the caller may read; refuses a name matching too many readable studies', async () => {
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { code: 'H1' } });
    const patient = await db.prisma.patient.create({ data: { name: '彼得' } });
    const exam = await db.prisma.exam.create({ data: { organizationId: org.id, patientId: patient.id, accessionNumber: 'PN-EXAM', modality: 'DX', itemCode: 'X', itemName: '胸片', studyInstanceUid: study('Doe^Peter') } });
    await db.prisma.dicomStudy.update({ where: { studyInstanceUid: study('Doe^Peter') }, data: { examId: exam.id } });
    const link = { dialect: 'IDCAS', page: 'clinicview', clientId: 1, caller: { kind: 'CLINICIAN', clientId: 1 }, patient: {}, exams: {}, options: {}, signatureHash: 'x', fullyCovered: true, oneTime: false, issuedAt: null } as LinkContext;
    const s = await createSession(db.prisma, link, { patientId: patient.id, examIds: [], labTestIds: [] }, {});
    const asSession = await dicomwebGet(new NextRequest(`${ORIGIN}/dicomweb/studies?PatientName=Doe*`, { headers: { cookie: `yy_vs_${s.ref}=${s.secret}`, 'x-view-session': s.ref } }), ctx('/dicomweb/studies'));
    expect((await asSession.json()).map((x: Record<string, { Value: string[] }>) => x['0020000D'].Value[0])).toEqual([study('Doe^Peter')]);
    await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'pacs-h2-pn', orgCodes: ['H2'], desKey: 'k', desIv: '12345678', md5Key: 'm3' });
    const h2 = (await issueAccessToken(db.prisma, 'H2', 'pacs', ['dicomweb-read'])).token;
    const asH2 = await dicomwebGet(new NextRequest(`${ORIGIN}/dicomweb/studies?PatientName=Doe*`, { headers: { authorization: `Bearer ${h2}` } }), ctx('/dicomweb/studies'));
    expect(await asH2.json()).toEqual([]);

    await db.sql.exec(`INSERT INTO "DicomStudy" ("studyInstanceUid", "organizationCode", "patientNameTag", "patientNameAlphabetic", "updatedAt")
      SELECT '1.2.999.' || i, 'H1', 'Wang^' || i, 'wang^' || i || '^^^', now() FROM generate_series(1, ${MAX_NAME_MATCHES + 1}) i`);
    try {
      const broad = await get('/dicomweb/studies?PatientName=Wang*');
      expect(broad.status).toBe(400);
      expect((await broad.json()).error).toContain('more than');
      expect(await (await get('/dicomweb/studies?PatientName=Wang^123')).json()).toHaveLength(1);
      expect((await get('/dicomweb/studies?PatientName=Wang*', { authorization: `Bearer ${h2}` })).status).toBe(200); // H2 reads none of them
    } finally {
      await db.sql.exec(`DELETE FROM "DicomStudy" WHERE "studyInstanceUid" LIKE '1.2.999.%'`);
    }
  });

  it('studies indexed before the name columns existed are filled in from their stored metadata', async () => {
    await db.sql.exec('UPDATE "DicomStudy" SET "patientNameAlphabetic" = NULL, "patientNameIdeographic" = NULL, "patientNamePhonetic" = NULL');
    expect(await found('Zhang*')).toEqual([]);
    expect(await backfillPersonNames(db.prisma, 3)).toBe(await db.prisma.dicomStudy.count({ where: { patientNameTag: { not: null } } }));
    expect(await found('Zhang*')).toEqual(['Zhang^XiaoDong=张^小东=']);
    expect(await found('Doe^Peter')).toEqual(['Doe^Peter']);
    expect(await backfillPersonNames(db.prisma)).toBe(0);
  });
});

describe('rendered images and WADO-URI', () => {
  it('gives JPEG and PNG renderings, thumbnails, and the file itself', async () => {
    const f = synthesizeSeries('CT', { seed: 31, slices: 1 })[0];
    expect((await stowReq([f])).status).toBe(200);
    const p = parseDicom(f);
    const base = `/dicomweb/studies/${p.studyInstanceUid}/series/${p.seriesInstanceUid}/instances/${p.sopInstanceUid}`;
    const jpeg = Buffer.from(await (await get(`${base}/rendered`, { accept: 'image/jpeg' })).arrayBuffer());
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const png = await get(`${base}/thumbnail`, { accept: 'image/png' });
    expect(png.headers.get('content-type')).toBe('image/png');
    const pngBytes = Buffer.from(await png.arrayBuffer());
    expect(pngBytes.readUInt32BE(16)).toBeLessThanOrEqual(128);
    const uri = (type: string) => wadoUri(req(`/wado?requestType=WADO&studyUID=${p.studyInstanceUid}&seriesUID=${p.seriesInstanceUid}&objectUID=${p.sopInstanceUid}&contentType=${type}`));
    expect(Buffer.compare(Buffer.from(await (await uri('application/dicom')).arrayBuffer()), Buffer.from(f))).toBe(0);
    expect((await uri('image/jpeg')).headers.get('content-type')).toBe('image/jpeg');
  });
});

describe('access', () => {
  it('needs a credential, and a session reads only its own patient\'s studies', async () => {
    const noAuth = await dicomwebGet(new NextRequest(`${ORIGIN}/dicomweb/studies`), ctx('/dicomweb/studies'));
    expect(noAuth.status).toBe(401);
    // Two patients with one exam and one study each.
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { code: 'H1' } });
    const mine = await db.prisma.patient.create({ data: { name: '甲' } });
    const theirs = await db.prisma.patient.create({ data: { name: '乙' } });
    const studies: string[] = [];
    for (const [i, p] of [mine, theirs].entries()) {
      const f = retag(synthesizeSeries('DR', { seed: 40 + i })[0], { accessionNumber: `SCOPE-${i}`, studyInstanceUid: uidFromString(`scope-${i}`), seriesInstanceUid: uidFromString(`scope-s-${i}`), sopInstanceUid: uidFromString(`scope-i-${i}`) });
      await db.prisma.exam.create({ data: { organizationId: org.id, patientId: p.id, accessionNumber: `SCOPE-${i}`, modality: 'DR', itemCode: 'X', itemName: '胸片', studyInstanceUid: uidFromString(`scope-${i}`) } });
      expect((await stowReq([f])).status).toBe(200);
      studies.push(uidFromString(`scope-${i}`));
    }
    const link = { dialect: 'IDCAS', page: 'clinicview', clientId: 1, caller: { kind: 'CLINICIAN', clientId: 1 }, patient: {}, exams: {}, options: {}, signatureHash: 'x', fullyCovered: true, oneTime: false, issuedAt: null } as LinkContext;
    const s = await createSession(db.prisma, link, { patientId: mine.id, examIds: [], labTestIds: [] }, {});
    const asSession = (p: string) => dicomwebGet(new NextRequest(`${ORIGIN}${p}`, { headers: { cookie: `yy_vs_${s.ref}=${s.secret}`, 'x-view-session': s.ref } }), ctx(p));
    const found = await (await asSession('/dicomweb/studies')).json();
    expect(found.map((x: Record<string, { Value: string[] }>) => x['0020000D'].Value[0])).toEqual([studies[0]]);
    expect((await asSession(`/dicomweb/studies/${studies[0]}/metadata`)).status).toBe(200);
    expect((await asSession(`/dicomweb/studies/${studies[1]}/metadata`)).status).toBe(403);
    expect((await asSession(`/dicomweb/studies/${studies[1]}/series`)).status).toBe(403);
    const stowAsSession = await dicomwebPost(new NextRequest(`${ORIGIN}/dicomweb/studies`, { method: 'POST', headers: { cookie: `yy_vs_${s.ref}=${s.secret}`, 'x-view-session': s.ref, 'content-type': 'multipart/related; type="application/dicom"; boundary=x' }, body: '--x--' }), ctx('/dicomweb/studies'));
    expect(stowAsSession.status).toBe(403);
    // A client reads only its organizations' studies.
    await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'pacs-h2', orgCodes: ['H2'], desKey: 'k', desIv: '12345678', md5Key: 'm2' });
    const h2 = (await issueAccessToken(db.prisma, 'H2', 'pacs', ['dicomweb-read'])).token;
    const asH2 = await dicomwebGet(new NextRequest(`${ORIGIN}/dicomweb/studies/${studies[0]}/metadata`, { headers: { authorization: `Bearer ${h2}` } }), ctx(`/dicomweb/studies/${studies[0]}/metadata`));
    expect(asH2.status).toBe(403);
  });
});

describe('Jilin uploadDicom', () => {
  const form = (f: Uint8Array, fields: Record<string, string>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    fd.set('dicomFile', new Blob([Buffer.from(f)], { type: 'application/dicom' }), 'a.dcm');
    return fd;
  };
  it('stores an image before its exam index, links it when the index arrives; refuses disagreeing fields and bad tokens', async () => {
    const jl = (await issueAccessToken(db.prisma, 'H1', 'jilin', ['jilin-api'], { dialect: 'JILIN' })).token;
    const f = retag(synthesizeSeries('DR', { seed: 51 })[0], { accessionNumber: 'JL-001' });
    const p = parseDicom(f);
    const fields = { hospitalCode: 'H1', accessNumber: 'JL-001', studyUid: p.studyInstanceUid, seriesUid: p.seriesInstanceUid, instanceUid: p.sopInstanceUid };
    const post = (body: FormData, t: string | null = jl) => uploadDicom(new NextRequest(`${ORIGIN}/interface/uploadDicom`, { method: 'POST', headers: t ? { 'X-Token': t } : {}, body }));
    expect(await (await post(form(f, { ...fields, studyUid: '1.2.3' }))).json()).toEqual({ code: 400, msg: '入参不规范' });
    expect(await (await post(form(f, fields), null)).json()).toEqual({ code: 403, msg: '授权校验失败' });
    expect(await (await post(form(f, { ...fields, hospitalCode: 'H2' }))).json()).toEqual({ code: 403, msg: '授权校验失败' });
    const ok = await post(form(f, fields));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ code: 200, msg: '上传成功！' });
    const study = await db.prisma.dicomStudy.findUniqueOrThrow({ where: { studyInstanceUid: p.studyInstanceUid } });
    expect(study.examId).toBeNull();
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { code: 'H1' } });
    const patient = await db.prisma.patient.create({ data: { name: '丙' } });
    const exam = await db.prisma.exam.create({ data: { organizationId: org.id, patientId: patient.id, accessionNumber: 'JL-001', modality: 'DR', itemCode: 'X', itemName: '胸片' } });
    expect(await linkWaitingStudies(db.prisma, { id: exam.id, organizationCode: 'H1', accessionNumber: 'JL-001' })).toBe(1);
    expect((await db.prisma.dicomStudy.findUniqueOrThrow({ where: { id: study.id } })).examId).toBe(exam.id);
  });
});

describe('crash safety of the file store', () => {
  it('finishes a staged write whose row committed and drops one whose row did not', async () => {
    const store = blobStore();
    const orphan = await store.stage('dicom/crash/orphan.dcm', new Uint8Array([1, 2, 3]));
    const kept = await db.prisma.dicomInstance.findFirstOrThrow();
    const bytes = (await store.get(kept.blobKey))!;
    await store.delete(kept.blobKey);
    await store.stage(kept.blobKey, bytes); // as if the process died after the commit, before the move
    expect(await store.has(kept.blobKey)).toBe(false);
    // Files younger than the staging grace period may be a live write: left alone.
    expect(await recoverBlobs(db.prisma)).toMatchObject({ committed: 0, dropped: 0, young: 2 });
    const r = await recoverBlobs(db.prisma, { graceMs: 0 });
    expect(r).toMatchObject({ committed: 1, dropped: 1, failed: 0 });
    expect(await store.has(kept.blobKey)).toBe(true);
    expect(await store.has(orphan.key)).toBe(false);
  });
});
