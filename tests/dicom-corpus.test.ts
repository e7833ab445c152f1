// A corpus of crafted DICOM files, each with one flaw (or none: the controls), sent through the real
// STOW-RS route one by one: each bad file is refused with the right failure code, names its SOP
// Class and Instance UIDs when they were readable, and leaves nothing behind (no row, no blob, no
// staged file); each control is stored exactly as sent.
import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode as jpegjsEncode } from 'jpeg-js';
import { GET as dicomwebGet, POST as dicomwebPost } from '@/app/dicomweb/[...path]/route';
import { GET as wadoUri } from '@/app/wado/route';
import { concatBytes as concat } from '@/lib/bytes';
import { encodeRleFrame } from '@/lib/dicom/synth';
import { issueAccessToken } from '@/lib/links/issue';
import { saveClient } from '@/lib/links/clients';
import { multipartRelated } from '@/lib/dicom/multipart';
import { recoverBlobs } from '@/lib/domain/blob-recovery';
import { blobStore } from '@/lib/store/blobs';
import { appDatabase, type AppDatabase } from './support/app-db';
import { craft, element, encapsulated, gradient16, item, newUid, SOP, TS, type Attr, type Crafted } from './support/craft';

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
const counts = { tried: 0, refused: 0, stored: 0, serverErrors: 0, retrievals: 0, retrieval5xx: 0 };

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
  token = (await issueAccessToken(db.prisma, 'H1', 'pacs', ['dicomweb-read', 'dicomweb-write'])).token;
}, 120_000);
afterAll(async () => {
  console.log(`[corpus] STOW: tried ${counts.tried}, refused ${counts.refused}, stored ${counts.stored} (controls), 5xx ${counts.serverErrors}; retrieval of stored-but-unservable data: ${counts.retrievals} requests, 5xx ${counts.retrieval5xx}`);
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

// ---------------------------------------------------------------- pixel data we could not serve
const us = (...v: number[]): Attr => ({ vr: 'US', value: v });
const is = (v: string): Attr => ({ vr: 'IS', value: v });
/** A 16×16 colour JPEG baseline frame (jpeg-js writes 3-component YCbCr). */
function jpegFrame(seed: number): Uint8Array {
  const rgba = new Uint8Array(16 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * (seed + 3)) % 251));
  return new Uint8Array(jpegjsEncode({ data: rgba, width: 16, height: 16 }, 90).data);
}
const jpegImage = { 0x00280002: us(3), 0x00280004: { vr: 'CS', value: 'YBR_FULL_422' }, 0x00280006: us(0), 0x00280010: us(16), 0x00280011: us(16), 0x00280100: us(8), 0x00280101: us(8), 0x00280102: us(7) };
const jpeg = (frames: Uint8Array[], opts: { ts?: string; delimiter?: boolean } = {}) =>
  craft({ ts: opts.ts ?? TS.jpegBaseline, set: { ...jpegImage, 0x00280008: is(String(frames.length)) }, pixels: { element: encapsulated(frames, opts) } });
const garbage = (n: number, seed = 1) => new Uint8Array(n).map((_, i) => (i * 131 + seed * 17) % 256);
/** An RLE frame of the default 8×8 16-bit image. */
const rleFrame = () => encodeRleFrame(new Uint16Array(64).map((_, i) => (i * 37) % 4096), 8, 8, 2);

describe('pixel data the server could not serve is refused at ingest', () => {
  const bad: Bad[] = [
    { name: 'native pixel data one frame short', file: craft({ set: { 0x00280008: is('2') }, pixels: gradient16(64) }) },
    { name: 'native pixel data two bytes short', file: craft({ pixels: gradient16(63) }) },
    { name: 'a CT image without pixel data', file: craft({ pixels: null }) },
    { name: 'Rows 0', file: craft({ set: { 0x00280010: us(0) } }) },
    { name: 'Rows 65535', file: craft({ set: { 0x00280010: us(65535) } }) },
    { name: 'Columns absent', file: craft({ set: { 0x00280011: null } }) },
    { name: 'BitsAllocated 0', file: craft({ set: { 0x00280100: us(0) } }) },
    { name: 'BitsAllocated 12', file: craft({ set: { 0x00280100: us(12) } }) },
    { name: 'SamplesPerPixel 2', file: craft({ set: { 0x00280002: us(2) } }) },
    { name: 'NumberOfFrames 2000000000', file: craft({ set: { 0x00280008: is('2000000000') } }) },
    { name: 'NumberOfFrames 0', file: craft({ set: { 0x00280008: is('0') } }) },
    { name: 'NumberOfFrames -1', file: craft({ set: { 0x00280008: is('-1') } }) },
    { name: 'an unknown transfer syntax', file: craft({ ts: '1.2.840.10008.1.2.4.999', pixels: { element: encapsulated([garbage(40)]) } }) },
    { name: 'HTJ2K, which we cannot decode or check', file: craft({ ts: TS.htj2k, pixels: { element: encapsulated([garbage(40)]) } }) },
    { name: 'fragments without a sequence delimiter', file: jpeg([jpegFrame(1)], { delimiter: false }) },
    {
      name: 'a fragment running past the end of the file',
      file: craft({ ts: TS.jpegBaseline, set: jpegImage, pixels: { element: concat([element(0x7fe00010, { vr: 'OB', value: new Uint8Array(0), undefinedLength: true }), item(0xe000), item(0xe000, jpegFrame(1), 100000)]) } }),
    },
    { name: 'garbage inside an encapsulated JPEG frame', file: jpeg([garbage(600)]) },
    { name: 'a good first JPEG frame and a garbage last one', file: jpeg([jpegFrame(1), jpegFrame(2), garbage(600, 3)]) },
    { name: 'more frames declared than fragments', file: craft({ ts: TS.jpegBaseline, set: { ...jpegImage, 0x00280008: is('3') }, pixels: { element: encapsulated([jpegFrame(1), jpegFrame(2)]) } }) },
    { name: 'garbage in a JPEG 4.55 frame (markers checked)', file: jpeg([concat([new Uint8Array([0xff, 0xd8]), garbage(300), new Uint8Array([0xff, 0xd9])])], { ts: TS.jpegProgressive }) },
    { name: 'a JPEG 4.55 frame of another size', file: craft({ ts: TS.jpegProgressive, set: { ...jpegImage, 0x00280010: us(32) }, pixels: { element: encapsulated([jpegFrame(1)]) } }) },
    { name: 'an RLE frame with a broken header', file: craft({ ts: TS.rle, pixels: { element: encapsulated([concat([new Uint8Array([5, 0, 0, 0]), garbage(100)])]) } }) },
    { name: 'a deflated dataset that does not inflate', file: craft({ ts: TS.deflatedLE, rawDeflate: true }), uids: { sopClassUid: false, sopInstanceUid: false } },
  ];
  it.each(bad.map((c) => [c.name, c] as const))('refuses %s with 0xC000', async (_, c) => expectRefused(c));

  it.each([
    ['a two-frame JPEG baseline image', jpeg([jpegFrame(1), jpegFrame(2)])],
    ['a JPEG 4.55 frame with well-formed markers (served as stored)', jpeg([jpegFrame(1)], { ts: TS.jpegProgressive })],
    ['RLE', craft({ ts: TS.rle, pixels: { element: encapsulated([rleFrame()]) } })],
    ['implicit VR little endian', craft({ ts: TS.implicitLE })],
    ['explicit VR big endian', craft({ ts: TS.explicitBE, pixels: gradient16(64).map((_, i, a) => a[i ^ 1]) })],
    ['deflated', craft({ ts: TS.deflatedLE })],
    ['32-bit native samples', craft({ set: { 0x00280100: us(32), 0x00280101: us(32), 0x00280102: us(31) }, pixels: new Uint8Array(8 * 8 * 4).map((_, i) => i) })],
    ['native pixel data longer than needed', craft({ pixels: gradient16(80) })],
    ['a Basic Text SR (no pixel data needed)', craft({ set: { 0x00080016: { vr: 'UI', value: SOP.basicTextSr }, 0x00280010: null, 0x00280011: null }, pixels: null })],
  ] as const)('stores %s and serves its frames', async (name, file) => {
    const { url, metadata } = await expectStored(name, file);
    if (!metadata['7FE00010']) return;
    const stored = await get(`${url}/frames/1`, { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' });
    expect(stored.status, name).toBe(200);
    const rendered = await get(`${url}/rendered`, { accept: 'image/png' });
    expect(rendered.status, name).toBe(name.includes('4.55') ? 406 : 200);
  });
});

describe('decompression bombs', () => {
  const MiB = 2 ** 20;
  const withLimit = async (bytes: number, run: () => Promise<void>) => {
    process.env.YINGYUN_DICOM_MAX_BYTES = String(bytes);
    try {
      await run();
    } finally {
      delete process.env.YINGYUN_DICOM_MAX_BYTES;
    }
  };
  // 32 MiB of zero pixels deflate to about 32 KB.
  const bomb = () => craft({ ts: TS.deflatedLE, set: { 0x00280010: us(4096), 0x00280011: us(4096) }, pixels: new Uint8Array(4096 * 4096 * 2) });

  it('a deflated dataset that inflates beyond YINGYUN_DICOM_MAX_BYTES is refused with 0xA700, naming the instance', async () => {
    const file = bomb();
    expect(file.bytes.length).toBeLessThan(MiB);
    await withLimit(4 * MiB, () => expectRefused({ name: 'bomb', file, code: 0xa700 }));
  });

  it('the same instance within the limit is stored', async () => {
    await withLimit(64 * MiB, async () => {
      await expectStored('deflated 32 MiB', bomb());
    });
  });
});

describe('STOW as it streams', () => {
  const MiB = 2 ** 20;
  /** A STOW request whose body arrives in 64 KB chunks, without a Content-Length; `pause` holds it once at that byte. */
  async function stowStreamed(files: Uint8Array[], opts: { cut?: number; pause?: { at: number; until: Promise<void> } } = {}) {
    const m = multipartRelated(files);
    const body = opts.cut === undefined ? m.body : m.body.subarray(0, opts.cut);
    let o = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (o >= body.length) return c.close();
        if (opts.pause && o >= opts.pause.at) {
          await opts.pause.until;
          opts.pause = undefined;
        }
        const n = opts.pause && o < opts.pause.at ? Math.min(65536, opts.pause.at - o) : 65536;
        c.enqueue(body.slice(o, o + n));
        o += n;
      },
    });
    const init = { method: 'POST', headers: { 'content-type': m.contentType, authorization: `Bearer ${token}` }, body: stream, duplex: 'half' } as RequestInit;
    const res = await dicomwebPost(new NextRequest(`${ORIGIN}/dicomweb/studies`, init as ConstructorParameters<typeof NextRequest>[1]), ctx('/dicomweb/studies'));
    counts.tried += files.length;
    if (res.status >= 500) counts.serverErrors++;
    return { status: res.status, body: (await res.json()) as Record<string, { Value: Record<string, { Value: unknown[] }>[] }> };
  }
  // 2 MiB of native pixels (1024 × 1024 × 16 bits).
  const big = () => craft({ set: { 0x00280010: us(1024), 0x00280011: us(1024) }, pixels: gradient16(1024 * 1024) });

  it('a part over YINGYUN_DICOM_MAX_BYTES gets 0xA700 naming the instance; the parts around it are stored', async () => {
    const [before, tooBig, after] = [craft(), big(), craft()];
    const rowsBefore = await rows();
    process.env.YINGYUN_DICOM_MAX_BYTES = String(MiB);
    try {
      const { status, body } = await stowStreamed([before.bytes, tooBig.bytes, after.bytes]);
      expect(status).toBe(202);
      expect(body['00081199'].Value.map((e) => e['00081155'].Value[0])).toEqual([before.sopInstanceUid, after.sopInstanceUid]);
      expect(body['00081198'].Value).toEqual([
        { '00081150': { vr: 'UI', Value: [SOP.ct] }, '00081155': { vr: 'UI', Value: [tooBig.sopInstanceUid] }, '00081197': { vr: 'US', Value: [0xa700] } },
      ]);
      counts.refused++;
      counts.stored += 2;
    } finally {
      delete process.env.YINGYUN_DICOM_MAX_BYTES;
    }
    expect((await rows()).instances).toBe(rowsBefore.instances + 2);
    expect(storedFiles().filter((f) => f.includes('.incoming'))).toEqual([]);
  });

  it('a body over YINGYUN_STOW_MAX_BYTES, counted as it arrives, is 413 and stores nothing (not even the parts before)', async () => {
    const before = { rows: await rows(), files: storedFiles().length };
    process.env.YINGYUN_STOW_MAX_BYTES = String(MiB);
    try {
      const { status } = await stowStreamed([craft().bytes, craft().bytes, big().bytes]);
      expect(status).toBe(413);
      counts.refused += 3;
    } finally {
      delete process.env.YINGYUN_STOW_MAX_BYTES;
    }
    expect(await rows()).toEqual(before.rows);
    expect(storedFiles().length).toBe(before.files);
  });

  it('parts waiting for the rest of a slow body are not dropped by file-store recovery', async () => {
    const [first, second] = [craft(), craft()];
    process.env.YINGYUN_STAGING_GRACE_SECONDS = '1';
    try {
      // The body stops after the first part for 2.5 s, longer than the grace period; a recovery sweep runs then.
      let resume!: () => void;
      const until = new Promise<void>((r) => (resume = r));
      const storing = stowStreamed([first.bytes, second.bytes], { pause: { at: first.bytes.length + 200, until } });
      await new Promise((r) => setTimeout(r, 2500));
      const swept = await recoverBlobs(db.prisma, { graceMs: 1000, log: () => {} });
      resume();
      const { status } = await storing;
      expect(swept.dropped, 'the waiting part was left alone').toBe(0);
      expect(status).toBe(200);
      counts.stored += 2;
    } finally {
      delete process.env.YINGYUN_STAGING_GRACE_SECONDS;
    }
  });

  it('a body that breaks off inside a part is 400 and stores nothing', async () => {
    const before = { rows: await rows(), files: storedFiles().length };
    const files = [craft().bytes, craft().bytes, big().bytes];
    const { status } = await stowStreamed(files, { cut: files[0].length + files[1].length + 1000 });
    expect(status).toBe(400);
    counts.refused += 3;
    expect(await rows()).toEqual(before.rows);
    expect(storedFiles().length).toBe(before.files);
  });
});

describe('retrieval never answers 500 for stored data', () => {
  /** Indexes a file the way an older version would have stored it: no checks, straight into the store. */
  async function storeUnchecked(file: Crafted, ts: string, opts: { frames?: number; missing?: boolean } = {}) {
    const key = `dicom/unchecked/${file.sopInstanceUid}.dcm`;
    if (!opts.missing) await blobStore().put(key, file.bytes);
    const study = await db.prisma.dicomStudy.create({ data: { studyInstanceUid: file.studyInstanceUid, organizationCode: 'H1', modalities: ['CT'] } });
    const series = await db.prisma.dicomSeries.create({ data: { seriesInstanceUid: file.seriesInstanceUid, studyId: study.id, modality: 'CT', numberOfInstances: 1 } });
    await db.prisma.dicomInstance.create({
      data: { sopInstanceUid: file.sopInstanceUid, seriesId: series.id, sopClassUid: file.sopClassUid, transferSyntaxUid: ts, rows: 16, columns: 16, numberOfFrames: opts.frames ?? 1, blobKey: key, size: file.bytes.length, sha256: '-', metadata: {} },
    });
    return `/dicomweb/studies/${file.studyInstanceUid}/series/${file.seriesInstanceUid}/instances/${file.sopInstanceUid}`;
  }
  const asStored = { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' };
  const statuses = async (file: Crafted, url: string) => {
    const uri = (type: string, extra = '') => wadoUri(req(`/wado?requestType=WADO&studyUID=${file.studyInstanceUid}&seriesUID=${file.seriesInstanceUid}&objectUID=${file.sopInstanceUid}&contentType=${type}${extra}`));
    const out = {
      instance: (await get(url)).status,
      metadata: (await get(`${url}/metadata`)).status,
      framesDecoded: (await get(`${url}/frames/1`)).status,
      framesAsStored: (await get(`${url}/frames/1`, asStored)).status,
      rendered: (await get(`${url}/rendered`)).status,
      thumbnail: (await get(`${url}/thumbnail`)).status,
      frameRendered: (await get(`${url}/frames/1/rendered`)).status,
      bulk: (await get(`${url}/bulk/7FE00010`)).status,
      wadoJpeg: (await uri('image/jpeg')).status,
      wadoBadFrame: (await uri('image/jpeg', '&frameNumber=abc')).status,
      wadoDicom: (await uri('application/dicom')).status,
    };
    counts.retrievals += Object.keys(out).length;
    counts.retrieval5xx += Object.values(out).filter((st) => st >= 500).length;
    return out;
  };

  it('a frame that cannot be decoded: 422 with the reason; as stored it is still served', async () => {
    const file = jpeg([garbage(600)]);
    const url = await storeUnchecked(file, TS.jpegBaseline);
    expect(await statuses(file, url)).toEqual({ instance: 200, metadata: 200, framesDecoded: 422, framesAsStored: 200, rendered: 422, thumbnail: 422, frameRendered: 422, bulk: 200, wadoJpeg: 422, wadoBadFrame: 404, wadoDicom: 200 });
    expect((await (await get(`${url}/rendered`)).json()).error).toMatch(/frame 1: .*libjpeg-turbo/);
  });

  it('fragments without a delimiter and native data too short: 422 wherever the frames are needed', async () => {
    const broken = jpeg([jpegFrame(1)], { delimiter: false });
    expect(await statuses(broken, await storeUnchecked(broken, TS.jpegBaseline))).toEqual({ instance: 200, metadata: 200, framesDecoded: 422, framesAsStored: 422, rendered: 422, thumbnail: 422, frameRendered: 422, bulk: 422, wadoJpeg: 422, wadoBadFrame: 404, wadoDicom: 200 });
    const short = craft({ set: { 0x00280010: us(16), 0x00280011: us(16) }, pixels: gradient16(64) });
    expect(await statuses(short, await storeUnchecked(short, TS.explicitLE))).toEqual({ instance: 200, metadata: 200, framesDecoded: 422, framesAsStored: 422, rendered: 422, thumbnail: 422, frameRendered: 422, bulk: 200, wadoJpeg: 422, wadoBadFrame: 404, wadoDicom: 200 });
  });

  it('a transfer syntax we only pass through: 406 for decoded frames and renderings', async () => {
    const file = jpeg([jpegFrame(1)], { ts: TS.jpegProgressive });
    expect(await statuses(file, await storeUnchecked(file, TS.jpegProgressive))).toEqual({ instance: 200, metadata: 200, framesDecoded: 406, framesAsStored: 200, rendered: 406, thumbnail: 406, frameRendered: 406, bulk: 200, wadoJpeg: 406, wadoBadFrame: 404, wadoDicom: 200 });
  });

  it('a missing stored file: 410 with the reason', async () => {
    const file = craft({ set: { 0x00280010: us(16), 0x00280011: us(16) }, pixels: gradient16(256) });
    const url = await storeUnchecked(file, TS.explicitLE, { missing: true });
    expect(await statuses(file, url)).toEqual({ instance: 410, metadata: 200, framesDecoded: 410, framesAsStored: 410, rendered: 410, thumbnail: 410, frameRendered: 410, bulk: 410, wadoJpeg: 410, wadoBadFrame: 404, wadoDicom: 410 });
    expect((await (await get(url)).json()).error).toContain('missing');
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
