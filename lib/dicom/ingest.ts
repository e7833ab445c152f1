// DICOM ingest: parse and validate → stage the bytes → index in one transaction → move the bytes
// into place. The file and its index row appear together or not at all (lib/store/blobs.ts).
// The same SOP instance sent again is not stored twice: identical bytes are "already stored",
// different bytes under the same SOP Instance UID are refused (a UID names one object).
import { createHash, randomBytes } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import { blobStore, type BlobStore } from '../store/blobs';
import { DicomParseError, parseDicom, type ParsedInstance } from './parse';
import { personNameColumns, personNameOf } from './person-name';

export type IngestStatus = 'stored' | 'already-stored';

export interface IngestResult {
  status: IngestStatus;
  instance: ParsedInstance;
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
  store?: BlobStore;
}

export class DicomConflictError extends Error {
  constructor(readonly sopInstanceUid: string) {
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

export const DEFAULT_MAX_INSTANCE_BYTES = Number(process.env.YINGYUN_DICOM_MAX_BYTES) || 512 * 1024 * 1024;

/** A fresh key per upload, so two concurrent uploads of one instance never share a file. */
function newBlobKey(i: ParsedInstance): string {
  return `dicom/${i.studyInstanceUid}/${i.seriesInstanceUid}/${i.sopInstanceUid}.${randomBytes(4).toString('hex')}.dcm`;
}

async function existing(prisma: PrismaClient, sopInstanceUid: string) {
  return prisma.dicomInstance.findUnique({ where: { sopInstanceUid }, select: { id: true, sha256: true, series: { select: { studyId: true } } } });
}

export async function ingestDicom(prisma: PrismaClient, bytes: Uint8Array, opts: IngestOptions = {}): Promise<IngestResult> {
  const max = opts.maxBytes ?? DEFAULT_MAX_INSTANCE_BYTES;
  if (bytes.byteLength > max) throw new DicomParseError(`instance of ${bytes.byteLength} bytes exceeds the limit of ${max}`);
  const parsed = parseDicom(bytes);
  if (opts.studyInstanceUid && parsed.studyInstanceUid !== opts.studyInstanceUid) throw new StudyMismatchError(parsed.sopInstanceUid, parsed.sopClassUid);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  const before = await existing(prisma, parsed.sopInstanceUid);
  if (before) {
    if (before.sha256 !== sha256) throw new DicomConflictError(parsed.sopInstanceUid);
    return { status: 'already-stored', instance: parsed, instanceId: before.id, studyId: before.series.studyId };
  }

  // Two uploads into one new study or series can collide on its row: the loser tries again.
  for (let attempt = 0; ; attempt++) {
    const staged = await (opts.store ?? blobStore()).stage(newBlobKey(parsed), bytes);
    try {
      const ids = await prisma.$transaction((tx) => indexInstance(tx, parsed, { key: staged.key, size: staged.size, sha256 }, opts));
      await staged.commit();
      return { status: 'stored', instance: parsed, ...ids };
    } catch (e) {
      await staged.abort();
      const winner = await existing(prisma, parsed.sopInstanceUid);
      if (winner?.sha256 === sha256) return { status: 'already-stored', instance: parsed, instanceId: winner.id, studyId: winner.series.studyId };
      if (winner) throw new DicomConflictError(parsed.sopInstanceUid);
      if (attempt >= 2) throw e;
    }
  }
}

/** The exam a study belongs to: given, or found by study UID or by (organization, accession). */
async function examFor(tx: Prisma.TransactionClient, p: ParsedInstance, opts: IngestOptions): Promise<number | null> {
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
  p: ParsedInstance,
  blob: { key: string; size: number; sha256: string },
  opts: IngestOptions,
): Promise<{ instanceId: number; studyId: number }> {
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
        ...personNameColumns(personNameOf(p.metadata)),
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
      metadata: p.metadata as unknown as Prisma.InputJsonValue,
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
