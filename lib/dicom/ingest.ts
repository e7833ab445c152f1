// DICOM ingest: receive the bytes into the incoming folder → parse and check them in a worker thread
// → stage → index in one transaction → move the file into place. The file and its index row appear
// together or not at all (lib/store/blobs.ts), and a refused file leaves nothing behind.
// The same SOP instance sent again is not stored twice: identical bytes are "already stored",
// different bytes under the same SOP Instance UID are refused (a UID names one object).
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import type { Prisma, PrismaClient } from '@prisma/client';
import { config } from '../config';
import { blobStore, type BlobStore, type ReceivedFile } from '../store/blobs';
import { DicomParseError, InstanceTooLargeError, type DicomJsonAttribute } from './parse';
import { personNameColumns, personNameOf } from './person-name';
import { PixelDataError } from './pixels';
import type { CheckedInstance } from './tasks';
import { runTask } from './workers';

export type { CheckedInstance };

export type IngestStatus = 'stored' | 'already-stored';

export interface IngestResult {
  status: IngestStatus;
  instance: CheckedInstance;
  instanceId: number;
  studyId: number;
}

export interface IngestOptions {
  /** Link the study to this exam (known by the caller, e.g. the demo). */
  examId?: number;
  /** The uploading organization: links the study to its exam by accession number, now or when the index arrives. */
  organizationCode?: string;
  /** The integration client storing it. */
  clientId?: number;
  /** Largest instance accepted, bytes. */
  maxBytes?: number;
  /** The accession number the uploader states, for files whose own tag is empty (Jilin uploadDicom). */
  accessionNumber?: string;
  /** Refuse instances of another study (STOW-RS to /studies/{study}). */
  studyInstanceUid?: string;
  /** The caller's own check of the parsed instance before anything is stored; it throws to refuse. */
  check?: (instance: CheckedInstance) => void;
  store?: BlobStore;
}

export class DicomConflictError extends Error {
  constructor(
    readonly sopInstanceUid: string,
    readonly sopClassUid: string,
  ) {
    super(`SOP instance ${sopInstanceUid} is already stored with different content`);
    this.name = 'DicomConflictError';
  }
}

export class StudyMismatchError extends Error {
  constructor(readonly sopInstanceUid: string, readonly sopClassUid: string) {
    super(`SOP instance ${sopInstanceUid} belongs to another study than the request names`);
    this.name = 'StudyMismatchError';
  }
}

export const DEFAULT_MAX_INSTANCE_BYTES = config.dicomMaxBytes;

/** A fresh key per upload, so two concurrent uploads of one instance never share a file. */
function newBlobKey(i: CheckedInstance): string {
  return `dicom/${i.studyInstanceUid}/${i.seriesInstanceUid}/${i.sopInstanceUid}.${randomBytes(4).toString('hex')}.dcm`;
}

async function existing(prisma: PrismaClient, sopInstanceUid: string) {
  return prisma.dicomInstance.findUnique({ where: { sopInstanceUid }, select: { id: true, sha256: true, series: { select: { studyId: true } } } });
}

export async function ingestDicom(prisma: PrismaClient, bytes: Uint8Array, opts: IngestOptions = {}): Promise<IngestResult> {
  const max = opts.maxBytes ?? config.dicomMaxBytes;
  if (bytes.byteLength > max) throw new InstanceTooLargeError(`instance of ${bytes.byteLength} bytes exceeds the limit of ${max}`);
  const incoming = await blobStore().receive();
  let file: ReceivedFile;
  try {
    await incoming.write(bytes);
    file = await incoming.finish();
  } catch (e) {
    await incoming.discard();
    throw e;
  }
  return ingestReceived(prisma, file, opts);
}

/** Ingests a file received into the incoming folder: it ends up in place with its row, or is removed. */
export async function ingestReceived(prisma: PrismaClient, file: ReceivedFile, opts: IngestOptions = {}): Promise<IngestResult> {
  return storeChecked(prisma, file, await checkReceived(file, opts), opts);
}

/** A received file that will not be stored after all (the request it came in failed). */
export async function discardReceived(file: ReceivedFile): Promise<void> {
  await fsp.rm(file.path, { force: true });
}

/**
 * Parses and checks a received file in a worker thread (it stays where it is). A refused file is
 * removed. STOW checks each part this way as soon as it has arrived, while the next ones arrive.
 */
export async function checkReceived(file: ReceivedFile, opts: IngestOptions = {}): Promise<CheckedInstance> {
  try {
    const max = opts.maxBytes ?? config.dicomMaxBytes;
    if (file.size > max) throw new InstanceTooLargeError(`instance of ${file.size} bytes exceeds the limit of ${max}`);
    const checked = await runTask('inspect', { path: file.path, maxBytes: max }).catch((e: unknown) => {
      // A worker that died or overran its time on this file: the file is refused, not the server.
      throw e instanceof PixelDataError ? new DicomParseError(`the instance could not be checked: ${e.message}`) : e;
    });
    opts.check?.(checked);
    if (opts.studyInstanceUid && checked.studyInstanceUid !== opts.studyInstanceUid) throw new StudyMismatchError(checked.sopInstanceUid, checked.sopClassUid);
    return checked;
  } catch (e) {
    await discardReceived(file);
    throw e;
  }
}

/** Indexes a checked file and moves it into place, or finds it already stored; the received file is gone afterwards either way. */
export async function storeChecked(prisma: PrismaClient, file: ReceivedFile, checked: CheckedInstance, opts: IngestOptions = {}): Promise<IngestResult> {
  let cleanup: (() => Promise<void>) | undefined = () => discardReceived(file);
  try {
    const sha256 = file.sha256;
    const before = await existing(prisma, checked.sopInstanceUid);
    if (before) {
      if (before.sha256 !== sha256) throw new DicomConflictError(checked.sopInstanceUid, checked.sopClassUid);
      return { status: 'already-stored', instance: checked, instanceId: before.id, studyId: before.series.studyId };
    }

    const staged = await (opts.store ?? blobStore()).stageFile(newBlobKey(checked), file);
    cleanup = staged.abort;
    // Two uploads into one new study or series can collide on its row: the loser tries again.
    for (let attempt = 0; ; attempt++) {
      try {
        const ids = await prisma.$transaction((tx) => indexInstance(tx, checked, { key: staged.key, size: staged.size, sha256 }, opts));
        cleanup = undefined;
        await staged.commit();
        return { status: 'stored', instance: checked, ...ids };
      } catch (e) {
        if (!cleanup) throw e; // the row is committed: recovery moves the staged file if the move failed
        const winner = await existing(prisma, checked.sopInstanceUid);
        if (winner?.sha256 === sha256) return { status: 'already-stored', instance: checked, instanceId: winner.id, studyId: winner.series.studyId };
        if (winner) throw new DicomConflictError(checked.sopInstanceUid, checked.sopClassUid);
        if (attempt >= 2) throw e;
      }
    }
  } finally {
    await cleanup?.();
  }
}

/** The exam a study belongs to: given, or found by study UID or by (organization, accession). */
async function examFor(tx: Prisma.TransactionClient, p: CheckedInstance, opts: IngestOptions): Promise<number | null> {
  if (opts.examId) return opts.examId;
  const byUid = await tx.exam.findFirst({ where: { studyInstanceUid: p.studyInstanceUid }, select: { id: true } });
  if (byUid) return byUid.id;
  const accession = p.accessionNumber ?? opts.accessionNumber;
  if (opts.organizationCode && accession) {
    const byAccession = await tx.exam.findFirst({ where: { accessionNumber: accession, organization: { code: opts.organizationCode } }, select: { id: true } });
    if (byAccession) return byAccession.id;
  }
  return null;
}

async function indexInstance(
  tx: Prisma.TransactionClient,
  p: CheckedInstance,
  blob: { key: string; size: number; sha256: string },
  opts: IngestOptions,
): Promise<{ instanceId: number; studyId: number }> {
  const metadata = JSON.parse(p.metadataJson) as Record<string, DicomJsonAttribute>;
  let study = await tx.dicomStudy.findUnique({ where: { studyInstanceUid: p.studyInstanceUid } });
  if (!study) {
    study = await tx.dicomStudy.create({
      data: {
        studyInstanceUid: p.studyInstanceUid,
        examId: await examFor(tx, p, opts),
        organizationCode: opts.organizationCode ?? null,
        uploadedByClientId: opts.clientId ?? null,
        accessionNumber: p.accessionNumber ?? opts.accessionNumber ?? null,
        patientIdTag: p.patientId,
        patientNameTag: p.patientName,
        ...personNameColumns(personNameOf(metadata)),
        studyDate: p.studyDate,
        studyTime: p.studyTime,
        studyDescription: p.studyDescription,
        modalities: p.modality ? [p.modality] : [],
      },
    });
  } else if (!study.examId) {
    const examId = await examFor(tx, p, opts);
    if (examId) study = await tx.dicomStudy.update({ where: { id: study.id }, data: { examId } });
  }
  let series = await tx.dicomSeries.findUnique({ where: { seriesInstanceUid: p.seriesInstanceUid } });
  const newSeries = !series;
  if (!series) {
    series = await tx.dicomSeries.create({
      data: {
        seriesInstanceUid: p.seriesInstanceUid,
        studyId: study.id,
        modality: p.modality,
        seriesNumber: p.seriesNumber,
        seriesDescription: p.seriesDescription,
        bodyPartExamined: p.bodyPartExamined,
      },
    });
  }
  const instance = await tx.dicomInstance.create({
    data: {
      sopInstanceUid: p.sopInstanceUid,
      seriesId: series.id,
      sopClassUid: p.sopClassUid,
      instanceNumber: p.instanceNumber,
      transferSyntaxUid: p.transferSyntaxUid,
      rows: p.rows,
      columns: p.columns,
      numberOfFrames: p.numberOfFrames,
      blobKey: blob.key,
      size: blob.size,
      sha256: blob.sha256,
      metadata: metadata as unknown as Prisma.InputJsonValue,
    },
  });
  await tx.dicomSeries.update({ where: { id: series.id }, data: { numberOfInstances: { increment: 1 } } });
  // Counters and the modality list in one statement that reads the row it changes: parts of one
  // study are indexed concurrently (STOW), and a modality read earlier could be lost.
  const modality = p.modality ?? '';
  await tx.$executeRaw`UPDATE "DicomStudy" SET "numberOfInstances" = "numberOfInstances" + 1, "numberOfSeries" = "numberOfSeries" + ${newSeries ? 1 : 0}::int,
    "modalities" = CASE WHEN ${modality}::text = '' OR ${modality}::text = ANY("modalities") THEN "modalities" ELSE array_append("modalities", ${modality}::text) END,
    "updatedAt" = now() AT TIME ZONE 'UTC' WHERE "id" = ${study.id}::int`;
  return { instanceId: instance.id, studyId: study.id };
}

/** When an exam index arrives after its images: link the studies waiting for it. */
export async function linkWaitingStudies(prisma: PrismaClient | Prisma.TransactionClient, exam: { id: number; organizationCode: string; accessionNumber: string; studyInstanceUid?: string | null }): Promise<number> {
  const r = await prisma.dicomStudy.updateMany({
    where: {
      examId: null,
      OR: [
        { organizationCode: exam.organizationCode, accessionNumber: exam.accessionNumber },
        ...(exam.studyInstanceUid ? [{ studyInstanceUid: exam.studyInstanceUid }] : []),
      ],
    },
    data: { examId: exam.id },
  });
  return r.count;
}
