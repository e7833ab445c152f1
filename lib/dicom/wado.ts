// WADO-RS and WADO-URI: instances as stored (byte for byte), metadata in the DICOM JSON model with
// BulkDataURIs, frames with transfer-syntax negotiation, rendered images and thumbnails.
import type { DicomInstance, Prisma, PrismaClient } from '@prisma/client';
import { blobStore } from '../store/blobs';
import { contentTypeParam, multipartStream, newBoundary, type Part } from './multipart';
import type { DicomJsonAttribute } from './parse';
import { DECODABLE_TRANSFER_SYNTAXES, PixelDataError } from './pixels';
import { runTask } from './workers';

export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);
const BINARY_VR = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN']);

export class WadoError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type InstanceRow = DicomInstance & { series: { seriesInstanceUid: string; study: { studyInstanceUid: string } } };

export interface Selector {
  study: string;
  series?: string;
  instance?: string;
}

/** The instances a WADO request names, among those readable; none → 403 (ids reveal nothing). */
export async function instancesFor(prisma: PrismaClient, readable: Prisma.DicomStudyWhereInput, sel: Selector): Promise<InstanceRow[]> {
  const rows = await prisma.dicomInstance.findMany({
    where: {
      ...(sel.instance ? { sopInstanceUid: sel.instance } : {}),
      series: { ...(sel.series ? { seriesInstanceUid: sel.series } : {}), study: { AND: [{ studyInstanceUid: sel.study }, readable] } },
    },
    orderBy: [{ seriesId: 'asc' }, { instanceNumber: 'asc' }, { id: 'asc' }],
    include: { series: { select: { seriesInstanceUid: true, study: { select: { studyInstanceUid: true } } } } },
  });
  if (!rows.length) throw new WadoError(403, 'not found or not permitted');
  return rows;
}

/** The stored file is gone (deleted or lost outside the app): 410, never a server error. */
const missing = (i: InstanceRow) => new WadoError(410, `the stored file of instance ${i.sopInstanceUid} is missing`);

async function bytesOf(i: InstanceRow): Promise<Uint8Array> {
  const b = await blobStore().get(i.blobKey);
  if (!b) throw missing(i);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Pixel work on an instance's stored file, in a worker thread. Stored pixel data that cannot be decoded
 * or split into frames is the data's fault: 422 with the reason; a file gone missing is 410.
 */
async function onFile<T>(row: InstanceRow, run: (path: string) => Promise<T>): Promise<T> {
  const store = blobStore();
  if (!(await store.has(row.blobKey))) throw missing(row);
  try {
    return await run(store.pathOf(row.blobKey));
  } catch (e) {
    if (e instanceof PixelDataError) throw new WadoError(422, e.message);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missing(row);
    throw e;
  }
}

export function instanceUrl(base: string, i: InstanceRow): string {
  return `${base}/studies/${i.series.study.studyInstanceUid}/series/${i.series.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
}

/** Which transfer syntax an Accept header asks for, for one media type: '*', a UID, or undefined (the type's default). */
function acceptedSyntax(accept: string, mediaType: string): { ok: boolean; syntax?: string } {
  if (!accept || accept.includes('*/*')) return { ok: true };
  for (const range of accept.split(',')) {
    const r = range.trim();
    const type = contentTypeParam(r, 'type')?.toLowerCase();
    const base = r.split(';')[0].trim().toLowerCase();
    if (base === mediaType || (base === 'multipart/related' && (!type || type === mediaType))) return { ok: true, syntax: contentTypeParam(r, 'transfer-syntax') };
  }
  return { ok: false };
}

/** Whole instances, multipart/related; type="application/dicom", streamed one file at a time. */
export async function retrieveInstances(rows: InstanceRow[], accept: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string }> {
  const a = acceptedSyntax(accept, 'application/dicom');
  if (!a.ok) throw new WadoError(406, 'instances are available as application/dicom');
  if (a.syntax && a.syntax !== '*' && rows.some((r) => r.transferSyntaxUid !== a.syntax)) {
    throw new WadoError(406, `transcoding whole instances is not supported; ask for transfer-syntax=* (stored: ${[...new Set(rows.map((r) => r.transferSyntaxUid))].join(', ')})`);
  }
  const store = blobStore();
  for (const r of rows) if (!(await store.has(r.blobKey))) throw missing(r);
  const boundary = newBoundary();
  async function* parts(): AsyncGenerator<Part> {
    for (const r of rows) yield { headers: { 'Content-Type': `application/dicom; transfer-syntax=${r.transferSyntaxUid}` }, body: await bytesOf(r) };
  }
  return { body: multipartStream(parts(), boundary), contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

/** DICOM JSON metadata; binary values and the pixel data are BulkDataURIs. */
export function metadataOf(base: string, rows: InstanceRow[]): Record<string, DicomJsonAttribute>[] {
  return rows.map((r) => {
    const url = instanceUrl(base, r);
    const meta = { ...((r.metadata ?? {}) as unknown as Record<string, DicomJsonAttribute>) };
    for (const [tag, a] of Object.entries(meta)) {
      if (BINARY_VR.has(a.vr) && a.Value === undefined && a.InlineBinary === undefined) meta[tag] = { vr: a.vr, BulkDataURI: `${url}/bulk/${tag}` };
    }
    if ((r.rows ?? 0) > 0) meta['7FE00010'] = { vr: NATIVE.has(r.transferSyntaxUid) ? 'OW' : 'OB', BulkDataURI: `${url}/bulk/7FE00010` };
    return meta;
  });
}

/** Frames (1-based list) of one instance, negotiated: as stored (transfer-syntax=*), or decoded to Explicit VR LE. */
export async function retrieveFrames(row: InstanceRow, frames: number[], accept: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string }> {
  if (!row.rows) throw new WadoError(404, 'instance has no pixel data');
  if (frames.some((f) => !Number.isInteger(f) || f < 1 || f > row.numberOfFrames)) throw new WadoError(404, `frames are 1..${row.numberOfFrames}`);
  const a = acceptedSyntax(accept, 'application/octet-stream');
  if (!a.ok) throw new WadoError(406, 'frames are available as application/octet-stream');
  const wanted = a.syntax ?? EXPLICIT_LE; // the media type's default (PS3.18 8.7.3.5.2)
  const stored = row.transferSyntaxUid;
  // Native pixel data goes out as little-endian samples whatever the file's own native syntax.
  const decode = NATIVE.has(stored) || wanted === EXPLICIT_LE;
  if (!decode && wanted !== '*' && wanted !== stored) throw new WadoError(406, `frames can be sent as ${stored} (stored) or ${EXPLICIT_LE}`);
  if (decode && !DECODABLE_TRANSFER_SYNTAXES.has(stored)) throw new WadoError(406, `frames stored as ${stored} cannot be decoded here; ask for transfer-syntax=*`);
  // Frames are built before answering, so a failure is an HTTP status, not a broken stream.
  const bodies = await onFile(row, (path) => runTask('frames', { path, frames, decode }));
  const type = `application/octet-stream; transfer-syntax=${decode ? EXPLICIT_LE : stored}`;
  const built: Part[] = bodies.map((body) => ({ headers: { 'Content-Type': type }, body }));
  const boundary = newBoundary();
  async function* parts(): AsyncGenerator<Part> {
    yield* built;
  }
  return { body: multipartStream(parts(), boundary), contentType: `multipart/related; type="application/octet-stream"; boundary=${boundary}` };
}

export async function rendered(row: InstanceRow, frame: number, accept: string, opts: { thumbnail?: boolean; quality?: number; window?: { center: number; width: number } }) {
  if (!row.rows) throw new WadoError(404, 'instance has no pixel data');
  if (!Number.isInteger(frame) || frame < 1 || frame > row.numberOfFrames) throw new WadoError(404, `frames are 1..${row.numberOfFrames}`);
  if (!DECODABLE_TRANSFER_SYNTAXES.has(row.transferSyntaxUid)) throw new WadoError(406, `frames stored as ${row.transferSyntaxUid} cannot be rendered here`);
  const format = /image\/png/i.test(accept) && !/image\/jpeg/i.test(accept) ? 'png' : 'jpeg';
  return onFile(row, (path) => runTask('render', { path, frame, opts: { format, quality: opts.quality, maxSize: opts.thumbnail ? 128 : undefined, window: opts.window } }));
}

export async function rawInstance(row: InstanceRow): Promise<Uint8Array> {
  return bytesOf(row);
}

/** The value of a top-level element (BulkDataURI target), as stored. */
export async function bulkData(row: InstanceRow, tag: string): Promise<Uint8Array> {
  if (!/^[0-9A-Fa-f]{8}$/.test(tag)) throw new WadoError(404, 'bad tag');
  const value = await onFile(row, (path) => runTask('bulk', { path, tag: Number.parseInt(tag, 16) }));
  if (!value) throw new WadoError(404, `no element ${tag}`);
  return value;
}
