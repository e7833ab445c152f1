// STOW-RS: a multipart/related body of DICOM instances, read as it streams. Each part is written
// straight into the file store's incoming folder (hashed on the way) and checked in a worker thread
// while the next parts arrive; once the whole body has arrived, the checked parts are indexed and
// moved into place. A bad part does not stop the good ones, and the outcome of each is reported in
// the DICOM JSON response, in part order. A body that breaks off, is malformed or runs over its
// limit (the caller's body stream throws) stores nothing.
import fsp from 'node:fs/promises';
import type { PrismaClient } from '@prisma/client';
import { config } from '../config';
import { BodyTooLargeError } from '../http/body';
import { blobStore, type ReceivedFile } from '../store/blobs';
import { checkReceived, DicomConflictError, discardReceived, storeChecked, StudyMismatchError, type CheckedInstance, type IngestOptions } from './ingest';
import { contentTypeParam, MultipartError, MultipartReader } from './multipart';
import { DicomParseError, InstanceTooLargeError, type DicomJsonAttribute, type KnownUids } from './parse';
import { runTask } from './workers';

/** Failure reasons (PS3.4 C.4.2.1.4 / PS3.18 Table 10.5.3-2). */
const PROCESSING_FAILURE = 0x0110;
const DUPLICATE_SOP = 0x0111;
const OUT_OF_RESOURCES = 0xa700;
const STUDY_MISMATCH = 0xa900;
const CANNOT_UNDERSTAND = 0xc000;

export interface StowResult {
  status: number;
  body: Record<string, DicomJsonAttribute>;
}

export class StowError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface StowOptions {
  base: string;
  studyUid?: string;
  organizationCode?: string;
  clientId?: number;
  /** Largest instance, bytes (YINGYUN_DICOM_MAX_BYTES). */
  maxBytes?: number;
}

/** Parts of one request indexed at the same time. */
const PARALLEL_PARTS = 4;
/** Parts of one request: each checked part waits in memory (its index record) until the body has arrived. */
const MAX_PARTS = 10_000;

type Entry = Record<string, DicomJsonAttribute>;
type Failure = { failed: Entry };
/** A part as received: refused already, or a file whose check is running. */
type Received = { outcome: Failure } | { file: ReceivedFile; checked: Promise<{ ok: true; instance: CheckedInstance } | { ok: false; error: unknown }> };

function failure(reason: number, uids: KnownUids = {}): Failure {
  // The instance's UIDs when it was readable that far, so a client can match the entry without counting.
  return {
    failed: {
      ...(uids.sopClassUid ? { '00081150': { vr: 'UI', Value: [uids.sopClassUid] } } : {}),
      ...(uids.sopInstanceUid ? { '00081155': { vr: 'UI', Value: [uids.sopInstanceUid] } } : {}),
      '00081197': { vr: 'US', Value: [reason] },
    },
  };
}

function failed(e: unknown): Failure {
  const reason =
    e instanceof StudyMismatchError ? STUDY_MISMATCH
    : e instanceof DicomConflictError ? DUPLICATE_SOP
    : e instanceof InstanceTooLargeError ? OUT_OF_RESOURCES
    : e instanceof DicomParseError ? CANNOT_UNDERSTAND
    : PROCESSING_FAILURE;
  if (reason === PROCESSING_FAILURE) console.error(`[stow] part failed: ${(e as Error).message}`);
  return failure(reason, e instanceof DicomParseError ? e.uids : e instanceof DicomConflictError || e instanceof StudyMismatchError ? e : {});
}

/** The body as it arrives; a client that breaks the connection makes it a malformed body (400), not a server error. */
async function* arriving(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw e;
    throw new MultipartError(`the request body broke off: ${(e as Error).message}`);
  }
}

/**
 * One part into the incoming folder. A part over the instance limit is not written beyond it (the
 * rest is read and dropped); its beginning still names the instance in the 0xA700 entry.
 */
async function receivePart(reader: MultipartReader, max: number, ingest: IngestOptions, waiting: Set<string>): Promise<Received> {
  const incoming = await blobStore().receive();
  waiting.add(incoming.path);
  let size = 0;
  try {
    for await (const chunk of reader.body()) {
      size += chunk.byteLength;
      if (size <= max) await incoming.write(chunk);
    }
  } catch (e) {
    waiting.delete(incoming.path);
    await incoming.discard();
    throw e;
  }
  const file = await incoming.finish();
  if (size > max) {
    const uids = await runTask('identify', { path: file.path }).catch(() => ({}));
    waiting.delete(file.path);
    await discardReceived(file);
    return { outcome: failure(OUT_OF_RESOURCES, uids) };
  }
  const checked = checkReceived(file, ingest).then(
    (instance) => ({ ok: true as const, instance }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { file, checked };
}

export async function stow(prisma: PrismaClient, body: AsyncIterable<Uint8Array> | Uint8Array, contentType: string, opts: StowOptions): Promise<StowResult> {
  if (!/^multipart\/related/i.test(contentType)) throw new StowError(415, 'STOW-RS takes multipart/related; type="application/dicom"');
  const type = contentTypeParam(contentType, 'type');
  if (type && type.toLowerCase() !== 'application/dicom') throw new StowError(415, `unsupported part type ${type}`);
  const ingest: IngestOptions = { organizationCode: opts.organizationCode, clientId: opts.clientId, maxBytes: opts.maxBytes, studyInstanceUid: opts.studyUid };
  const source = body instanceof Uint8Array ? (async function* () { yield body; })() : arriving(body);
  const young = keepYoung();
  try {
    const parts = await receiveAll(source, contentTypeParam(contentType, 'boundary') ?? '', ingest, young.files);
    return answer(opts.base, await storeAll(prisma, parts, ingest, young.files));
  } finally {
    young.stop();
  }
}

/**
 * Received parts wait for the rest of the body (and a part may arrive slowly), while file-store
 * recovery drops incoming files that look abandoned (older than the staging grace period): the files
 * in the set are touched often enough to stay young until they are stored.
 */
function keepYoung(): { files: Set<string>; stop(): void } {
  const files = new Set<string>();
  const timer = setInterval(() => {
    const now = new Date();
    for (const file of files) fsp.utimes(file, now, now).catch(() => {});
  }, Math.min(60_000, config.stagingGraceMs / 4));
  return { files, stop: () => clearInterval(timer) };
}

/** Every part of the body into the incoming folder, each checked as soon as it is complete. */
async function receiveAll(source: AsyncIterable<Uint8Array>, boundary: string, ingest: IngestOptions, young: Set<string>): Promise<Received[]> {
  const max = ingest.maxBytes ?? config.dicomMaxBytes;
  const parts: Received[] = [];
  try {
    const reader = new MultipartReader(source, boundary);
    for (let headers; (headers = await reader.nextPart()); ) {
      if (parts.length >= MAX_PARTS) throw new StowError(413, `more than ${MAX_PARTS} instances in one request`);
      const partType = headers['content-type']?.split(';')[0].trim().toLowerCase();
      if (partType && partType !== 'application/dicom') {
        await reader.skip();
        parts.push({ outcome: failure(CANNOT_UNDERSTAND) });
        continue;
      }
      parts.push(await receivePart(reader, max, ingest, young));
    }
  } catch (e) {
    // Nothing of a broken or oversized body is stored: drop what arrived (once its check is over).
    await Promise.all(parts.map(async (p) => ('file' in p && (await p.checked).ok ? discardReceived(p.file) : undefined)));
    if (e instanceof MultipartError) throw new StowError(400, e.message);
    throw e;
  }
  if (!parts.length) throw new StowError(400, 'no parts');
  return parts;
}

/**
 * The checked parts indexed and moved into place: the first alone (it creates the study and series
 * rows), then a few at a time (a part spends most of its time waiting on the database and the disk).
 * Outcomes keep the order of the parts.
 */
async function storeAll(prisma: PrismaClient, parts: Received[], ingest: IngestOptions, young: Set<string>): Promise<(Failure | CheckedInstance)[]> {
  const storePart = async (part: Received): Promise<Failure | CheckedInstance> => {
    if ('outcome' in part) return part.outcome;
    const checked = await part.checked;
    young.delete(part.file.path); // stored or gone from here on
    if (!checked.ok) return failed(checked.error);
    try {
      return (await storeChecked(prisma, part.file, checked.instance, ingest)).instance;
    } catch (e) {
      return failed(e);
    }
  };
  const outcomes: (Failure | CheckedInstance)[] = new Array(parts.length);
  outcomes[0] = await storePart(parts[0]);
  let next = 1;
  const worker = async () => {
    while (next < parts.length) {
      const i = next++;
      outcomes[i] = await storePart(parts[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, parts.length - 1) }, worker));
  return outcomes;
}

/** The STOW-RS response (PS3.18 10.5.3): 200 all stored, 202 some, 409 none. */
function answer(base: string, outcomes: (Failure | CheckedInstance)[]): StowResult {
  const stored: Entry[] = [];
  const failedEntries: Entry[] = [];
  for (const o of outcomes) {
    if ('failed' in o) failedEntries.push(o.failed);
    else {
      stored.push({
        '00081150': { vr: 'UI', Value: [o.sopClassUid] },
        '00081155': { vr: 'UI', Value: [o.sopInstanceUid] },
        '00081190': { vr: 'UR', Value: [`${base}/studies/${o.studyInstanceUid}/series/${o.seriesInstanceUid}/instances/${o.sopInstanceUid}`] },
      });
    }
  }
  const studies = [...new Set(stored.map((s) => String((s['00081190'].Value as string[])[0]).split('/series/')[0]))];
  return {
    status: failedEntries.length === 0 ? 200 : stored.length ? 202 : 409,
    body: {
      ...(studies.length === 1 ? { '00081190': { vr: 'UR', Value: studies } } : {}),
      ...(stored.length ? { '00081199': { vr: 'SQ', Value: stored } } : {}),
      ...(failedEntries.length ? { '00081198': { vr: 'SQ', Value: failedEntries } } : {}),
    },
  };
}
