// Upstream mode against a real Orthanc (Debian orthanc + orthanc-dicomweb, started here on a
// loopback port): writes go through us into Orthanc and are indexed; reads are proxied; our
// access control still decides, and nothing of ours (cookies, tokens) reaches Orthanc.
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/dicomweb/[...path]/route';
import { contentTypeParam, multipartRelated, parseMultipart } from '@/lib/dicom/multipart';
import { parseDicom } from '@/lib/dicom/parse';
import { retag, uidFromString } from '@/lib/dicom/retag';
import { synthesizeSeries } from '@/lib/dicom/synth';
import { saveClient } from '@/lib/links/clients';
import { issueAccessToken } from '@/lib/links/issue';
import { createSession } from '@/lib/sessions';
import type { LinkContext } from '@/lib/links/types';
import { ensureOrthancInstalled, startOrthanc, type Orthanc } from '@/scripts/orthanc';
import { appDatabase, type AppDatabase } from './support/app-db';

let db: AppDatabase;
let orthanc: Orthanc;
let token: string;
const ORIGIN = 'http://yy.test';
const ctx = (p: string) => ({ params: Promise.resolve({ path: p.replace(/^\/dicomweb\//, '').split('?')[0].split('/') }) });

const files = synthesizeSeries('CT', { seed: 61, slices: 3, rows: 64, columns: 64 }).map((f, i) =>
  retag(f, { patientName: '上游^测试', patientId: 'UP-1', accessionNumber: 'UP-ACC', studyInstanceUid: uidFromString('up-study'), seriesInstanceUid: uidFromString('up-series'), sopInstanceUid: uidFromString(`up-${i}`) }),
);
const study = uidFromString('up-study');

const get = (p: string, headers: Record<string, string>) => GET(new NextRequest(`${ORIGIN}${p}`, { headers }), ctx(p));
const bearer = () => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  await ensureOrthancInstalled();
  orthanc = await startOrthanc();
  db = await appDatabase();
  await db.prisma.organization.create({ data: { code: 'U1', name: '上游医院' } });
  await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'up-pacs', orgCodes: ['U1'], desKey: 'k', desIv: '12345678', md5Key: 'm' });
  token = (await issueAccessToken(db.prisma, 'U1', 'pacs', ['dicomweb-read', 'dicomweb-write'])).token;
  process.env.DICOMWEB_UPSTREAM = orthanc.dicomWebRoot;
}, 900_000);

afterAll(async () => {
  delete process.env.DICOMWEB_UPSTREAM;
  delete process.env.DICOMWEB_UPSTREAM_WRITE;
  await db?.dispose();
  await orthanc?.stop();
});

describe('upstream mode (Orthanc)', () => {
  it('refuses writes unless write-through is configured', async () => {
    const { body, contentType } = multipartRelated(files);
    const res = await POST(new NextRequest(`${ORIGIN}/dicomweb/studies`, { method: 'POST', headers: { ...bearer(), 'content-type': contentType }, body }), ctx('/dicomweb/studies'));
    expect(res.status).toBe(405);
  });

  it('writes through to Orthanc and indexes what it stored', async () => {
    process.env.DICOMWEB_UPSTREAM_WRITE = '1';
    const { body, contentType } = multipartRelated(files);
    const res = await POST(new NextRequest(`${ORIGIN}/dicomweb/studies`, { method: 'POST', headers: { ...bearer(), 'content-type': contentType }, body }), ctx('/dicomweb/studies'));
    expect(res.status).toBe(200);
    const reply = await res.json();
    expect(reply['00081199'].Value).toHaveLength(3);
    expect(JSON.stringify(reply)).not.toContain(orthanc.baseUrl); // URLs point at us
    const inOrthanc = await (await fetch(`${orthanc.dicomWebRoot}/studies?StudyInstanceUID=${study}`)).json();
    expect(inOrthanc).toHaveLength(1);
    const rows = await db.prisma.dicomInstance.findMany({ where: { series: { study: { studyInstanceUid: study } } } });
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.blobKey.startsWith('upstream/'))).toBe(true);
  });

  it('proxies searches and retrieves for a permitted client, byte for byte', async () => {
    const found = await (await get('/dicomweb/studies?PatientID=UP-1', bearer())).json();
    expect(found.map((s: Record<string, { Value: string[] }>) => s['0020000D'].Value[0])).toEqual([study]);
    const p = parseDicom(files[1]);
    const res = await get(`/dicomweb/studies/${study}/series/${p.seriesInstanceUid}/instances/${p.sopInstanceUid}`, { ...bearer(), accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
    expect(res.status).toBe(200);
    const [part] = parseMultipart(new Uint8Array(await res.arrayBuffer()), contentTypeParam(res.headers.get('content-type')!, 'boundary')!);
    expect(parseDicom(part.body).sopInstanceUid).toBe(p.sopInstanceUid);
    expect(Buffer.compare(Buffer.from(part.body), Buffer.from(files[1]))).toBe(0);
  });

  it('keeps our access control: another patient\'s session sees nothing and is refused', async () => {
    const other = await db.prisma.patient.create({ data: { name: '别人' } });
    const link = { dialect: 'IDCAS', page: 'clinicview', clientId: 1, caller: { kind: 'CLINICIAN', clientId: 1 }, patient: {}, exams: {}, options: {}, signatureHash: 'x', fullyCovered: true, oneTime: false, issuedAt: null } as LinkContext;
    const s = await createSession(db.prisma, link, { patientId: other.id, examIds: [], labTestIds: [] }, {});
    const headers = { cookie: `yy_vs_${s.ref}=${s.secret}`, 'x-view-session': s.ref };
    expect(await (await get('/dicomweb/studies', headers)).json()).toEqual([]);
    expect((await get(`/dicomweb/studies/${study}/metadata`, headers)).status).toBe(403);
    expect((await get(`/dicomweb/studies/${study}/metadata`, {})).status).toBe(401);
  });
});
