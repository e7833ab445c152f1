// A corpus of crafted DICOM files, each with one flaw (or none: the controls), sent through the real
// STOW-RS route one by one: each bad file is refused with the right failure code, names its SOP
// Class and Instance UIDs when they were readable, and leaves nothing behind (no row, no blob, no
// staged file); each control is stored exactly as sent.
import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as dicomwebGet, POST as dicomwebPost } from '@/app/dicomweb/[...path]/route';
import { issueAccessToken } from '@/lib/links/issue';
import { saveClient } from '@/lib/links/clients';
import { multipartRelated } from '@/lib/dicom/multipart';
import { blobStore } from '@/lib/store/blobs';
import { appDatabase, type AppDatabase } from './support/app-db';
import { craft, element, newUid, SOP, TS, type Crafted } from './support/craft';

const ORIGIN = 'http://yy.test';
let db: AppDatabase;
let token: string;

const ctx = (p: string) => ({ params: Promise.resolve({ path: p.replace(/^\/dicomweb\//, '').split('?')[0].split('/') }) });
const req = (url: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}) =>
  new NextRequest(`${ORIGIN}${url}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, ...init.headers }, body: init.body });
const get = (p: string, headers: Record<string, string> = {}) => dicomwebGet(req(p, { headers }), ctx(p));
async function stow(files: Uint8Array[]) {
  const m = multipartRelated(files);
  const res = await dicomwebPost(req('/dicomweb/studies', { method: 'POST', headers: { 'content-type': m.contentType }, body: m.body }), ctx('/dicomweb/studies'));
  return { status: res.status, body: (await res.json()) as Record<string, { Value: Record<string, { Value: unknown[] }>[] }> };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
/** Everything the file store holds (placed blobs and staged files), the health probe's folder aside. */
const storedFiles = () => filesUnder(blobStore().root).filter((f) => !f.includes(`${path.sep}.health${path.sep}`));
const rows = async () => ({ instances: await db.prisma.dicomInstance.count(), series: await db.prisma.dicomSeries.count(), studies: await db.prisma.dicomStudy.count() });

const C000 = 0xc000;
/** A bad file and what it must get; `uids: false` when the flaw makes the SOP UIDs unreadable or invalid. */
interface Bad {
  name: string;
  file: Crafted;
  code?: number;
  uids?: { sopClassUid?: boolean; sopInstanceUid?: boolean };
}
const counts = { tried: 0, refused: 0, stored: 0, serverErrors: 0 };

async function expectRefused(c: Bad) {
  const before = { rows: await rows(), files: storedFiles().length };
  const { status, body } = await stow([c.file.bytes]);
  counts.tried++;
  if (status >= 500) counts.serverErrors++;
  expect(status, `${c.name}: ${JSON.stringify(body)}`).toBe(409);
  counts.refused++;
  const entry = body['00081198'].Value[0];
  expect(entry['00081197'].Value[0], c.name).toBe(c.code ?? C000);
  const uids = { sopClassUid: true, sopInstanceUid: true, ...c.uids };
  expect(entry['00081150']?.Value[0], `${c.name}: SOP Class UID in the failure entry`).toBe(uids.sopClassUid ? c.file.sopClassUid : undefined);
  expect(entry['00081155']?.Value[0], `${c.name}: SOP Instance UID in the failure entry`).toBe(uids.sopInstanceUid ? c.file.sopInstanceUid : undefined);
  expect(await rows(), `${c.name}: no rows`).toEqual(before.rows);
  expect(storedFiles().length, `${c.name}: no blob or staged file`).toBe(before.files);
}

async function expectStored(name: string, file: Crafted) {
  const { status, body } = await stow([file.bytes]);
  counts.tried++;
  if (status >= 500) counts.serverErrors++;
  expect(status, `${name}: ${JSON.stringify(body)}`).toBe(200);
  counts.stored++;
  const url = `/dicomweb/studies/${file.studyInstanceUid}/series/${file.seriesInstanceUid}/instances/${file.sopInstanceUid}`;
  return { url, metadata: (await (await get(`${url}/metadata`)).json())[0] as Record<string, { Value?: unknown[] }> };
}

beforeAll(async () => {
  db = await appDatabase();
  await db.prisma.organization.create({ data: { code: 'H1', name: '测试一院' } });
  await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'pacs-h1', orgCodes: ['H1'], desKey: 'k', desIv: '12345678', md5Key: 'm' });
  token = (await issueAccessToken(db.prisma, 'H1', 'pacs')).token;
}, 120_000);
afterAll(async () => {
  console.log(`[corpus] tried ${counts.tried}, refused ${counts.refused}, stored ${counts.stored} (controls), 5xx ${counts.serverErrors}`);
  await db?.dispose();
});

describe('UIDs are read from the bytes and never rewritten', () => {
  const ui = (value: string) => ({ vr: 'UI', value });
  const bad: Bad[] = [
    { name: 'StudyInstanceUID with a letter', file: craft({ set: { 0x0020000d: ui('2.25.99887766a1') } }) },
    { name: 'SeriesInstanceUID with a leading zero', file: craft({ set: { 0x0020000e: ui('1.2.03.4') } }) },
    { name: 'SeriesInstanceUID with an empty component', file: craft({ set: { 0x0020000e: ui('1.2..4') } }) },
    { name: 'SOPInstanceUID of 65 characters', file: craft({ set: { 0x00080018: ui(`1.${'2'.repeat(63)}`) } }), uids: { sopInstanceUid: false } },
    { name: 'SOPInstanceUID with a NUL inside', file: craft({ set: { 0x00080018: ui('1.2.3\0.4') } }), uids: { sopInstanceUid: false } },
    { name: 'SOPClassUID with a space inside', file: craft({ set: { 0x00080016: ui('1.2.840.10008.5.1.4.1.1. 2') } }), uids: { sopClassUid: false } },
    { name: 'TransferSyntaxUID with a letter', file: craft({ ts: '1.2.840.10008.1.2.1x' }) },
    { name: 'StudyInstanceUID missing', file: craft({ set: { 0x0020000d: null } }) },
  ];
  it.each(bad.map((c) => [c.name, c] as const))('refuses %s with 0xC000', async (_, c) => expectRefused(c));

  it('two UIDs that differ by a letter stay two instances: the valid one stores, the other is refused', async () => {
    const valid = craft({ set: { 0x00080018: ui('2.25.998877661') } });
    await expectStored('valid twin', valid);
    await expectRefused({ name: 'letter twin', file: craft({ set: { 0x00080018: ui('2.25.99887766a1') } }), uids: { sopInstanceUid: false } });
  });

  it('keeps padding-free UIDs exactly; other UI values are served as stored, not rewritten', async () => {
    // An odd-length UID is padded with one NUL; a writer's trailing space is padding too.
    const file = craft({ set: { 0x0020000e: ui(`${newUid()}7 `), 0x00200052: ui('1.2.3.4ab') } });
    const { metadata } = await expectStored('padded UIDs', { ...file, seriesInstanceUid: file.seriesInstanceUid.trimEnd() });
    expect(metadata['0020000E'].Value).toEqual([file.seriesInstanceUid.trimEnd()]);
    expect(metadata['00200052'].Value, 'FrameOfReferenceUID as stored').toEqual(['1.2.3.4ab']);
    expect(metadata['00080018'].Value).toEqual([file.sopInstanceUid]);
  });
});

describe('NUL and undefined lengths in text', () => {
  const lo = (value: string) => ({ vr: 'LO', value });
  const bad: Bad[] = [
    { name: 'PatientID with a NUL inside', file: craft({ set: { 0x00100020: lo('AB\0CD') } }) },
    { name: 'StudyDescription with NULs before its end', file: craft({ set: { 0x00081030: lo('\0\0head') } }) },
    {
      name: 'a NUL in a text value inside a sequence',
      file: craft({ set: { 0x00081032: { vr: 'SQ', value: craftItem([element(0x00080100, lo('A\0B')), element(0x00080102, { vr: 'SH', value: 'L' })]) } } }),
    },
    // A UT with undefined length: the bytes after it (here the rest of the dataset) would be read as its text.
    { name: 'a UT element of undefined length', file: craft({ set: { 0x00081030: null, 0x00321060: { vr: 'UT', value: '', undefinedLength: true } } }) },
    {
      name: 'an implicit VR text element of undefined length',
      file: craft({ ts: TS.implicitLE, set: { 0x00081030: { vr: 'LO', value: '', undefinedLength: true } } }),
    },
  ];
  it.each(bad.map((c) => [c.name, c] as const))('refuses %s with 0xC000 and names the instance', async (_, c) => expectRefused(c));

  it('a run of NULs at the end of a text value is padding: dropped, the instance stored', async () => {
    const file = craft({ set: { 0x00100020: lo('PAD-1\0\0\0'), 0x00081030: lo('Chest\0') } });
    const { metadata } = await expectStored('NUL-padded text', file);
    expect(metadata['00100020'].Value).toEqual(['PAD-1']);
    expect(metadata['00081030'].Value).toEqual(['Chest']);
    const study = await db.prisma.dicomStudy.findUniqueOrThrow({ where: { studyInstanceUid: file.studyInstanceUid } });
    expect([study.patientIdTag, study.studyDescription]).toEqual(['PAD-1', 'Chest']);
  });
});

describe('failure entries', () => {
  it('every failure entry of a mixed request names its instance, in part order', async () => {
    const good = craft();
    const conflict = craft({ set: { 0x00080018: { vr: 'UI', value: good.sopInstanceUid }, 0x0020000d: { vr: 'UI', value: good.studyInstanceUid }, 0x00100020: { vr: 'LO', value: 'OTHER' } } });
    const nul = craft({ set: { 0x00100020: { vr: 'LO', value: 'X\0Y' }, 0x00080016: { vr: 'UI', value: SOP.sc } } });
    const { status, body } = await stow([good.bytes, nul.bytes, conflict.bytes]);
    expect(status).toBe(202);
    expect(body['00081198'].Value.map((e) => [e['00081150']?.Value[0], e['00081155']?.Value[0], e['00081197'].Value[0]])).toEqual([
      [SOP.sc, nul.sopInstanceUid, 0xc000],
      [SOP.ct, good.sopInstanceUid, 0x0111],
    ]);
  });
});

/** Item of a sequence with defined length (explicit VR LE) holding the given elements. */
function craftItem(elements: Uint8Array[]): Uint8Array {
  const bodyLength = elements.reduce((n, e) => n + e.length, 0);
  const out = new Uint8Array(8 + bodyLength), dv = new DataView(out.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, 0xe000, true);
  dv.setUint32(4, bodyLength, true);
  let o = 8;
  for (const e of elements) {
    out.set(e, o);
    o += e.length;
  }
  return out;
}
