// DICOM ingest: parse → store bytes → index, as one unit. The bytes are written atomically
// first; if indexing fails they are removed again, so no file outlives a failed ingest.
import { randomBytes } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import { blobStore, type BlobStore } from '../store/blobs';
import { parseDicom, type ParsedInstance } from './parse';

export type IngestStatus = 'stored' | 'duplicate';

export interface IngestResult {
  status: IngestStatus;
  instance: ParsedInstance;
  instanceId: number;
  studyId: number;
}

export interface IngestOptions {
  /** Link the study to this exam (known by the caller, e.g. the demo or an index upload). */
  examId?: number;
  /** The uploading organization, to link the study when its exam index arrives later. */
  organizationCode?: string;
  store?: BlobStore;
}

/** A fresh key per upload, so two concurrent uploads of one instance never write the same file. */
function newBlobKey(i: Pick<ParsedInstance, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>): string {
  return `dicom/${i.studyInstanceUid}/${i.seriesInstanceUid}/${i.sopInstanceUid}.${randomBytes(4).toString('hex')}.dcm`;
}

export async function ingestDicom(prisma: PrismaClient, bytes: Uint8Array, opts: IngestOptions = {}): Promise<IngestResult> {
  const parsed = parseDicom(bytes);
  const store = opts.store ?? blobStore();

  const existing = await prisma.dicomInstance.findUnique({
    where: { sopInstanceUid: parsed.sopInstanceUid },
    select: { id: true, series: { select: { studyId: true } } },
  });
  // Same SOP Instance UID again: the first copy stands (DICOM says the UID names one object).
  if (existing) return { status: 'duplicate', instance: parsed, instanceId: existing.id, studyId: existing.series.studyId };

  const key = newBlobKey(parsed);
  const { size, sha256 } = await store.put(key, bytes);
  try {
    const ids = await prisma.$transaction(async (tx) => indexInstance(tx, parsed, { key, size, sha256 }, opts));
    return { status: 'stored', instance: parsed, ...ids };
  } catch (e) {
    await store.delete(key);
    // A concurrent upload of the same instance won the race: report it as a duplicate.
    const winner = await prisma.dicomInstance.findUnique({
      where: { sopInstanceUid: parsed.sopInstanceUid },
      select: { id: true, series: { select: { studyId: true } } },
    });
    if (winner) {
      return { status: 'duplicate', instance: parsed, instanceId: winner.id, studyId: winner.series.studyId };
    }
    throw e;
  }
}

async function indexInstance(
  tx: Prisma.TransactionClient,
  p: ParsedInstance,
  blob: { key: string; size: number; sha256: string },
  opts: IngestOptions,
): Promise<{ instanceId: number; studyId: number }> {
  const study = await tx.dicomStudy.upsert({
    where: { studyInstanceUid: p.studyInstanceUid },
    create: {
      studyInstanceUid: p.studyInstanceUid,
      examId: opts.examId ?? null,
      organizationCode: opts.organizationCode ?? null,
      accessionNumber: p.accessionNumber,
      patientIdTag: p.patientId,
      patientNameTag: p.patientName,
      studyDate: p.studyDate,
      studyTime: p.studyTime,
      studyDescription: p.studyDescription,
      modalities: p.modality ? [p.modality] : [],
    },
    update: {},
  });
  const series = await tx.dicomSeries.upsert({
    where: { seriesInstanceUid: p.seriesInstanceUid },
    create: {
      seriesInstanceUid: p.seriesInstanceUid,
      studyId: study.id,
      modality: p.modality,
      seriesNumber: p.seriesNumber,
      seriesDescription: p.seriesDescription,
      bodyPartExamined: p.bodyPartExamined,
    },
    update: {},
  });
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
  const modalities = p.modality && !study.modalities.includes(p.modality) ? [...study.modalities, p.modality] : undefined;
  await tx.dicomStudy.update({
    where: { id: study.id },
    data: {
      numberOfInstances: { increment: 1 },
      ...(series.numberOfInstances === 0 ? { numberOfSeries: { increment: 1 } } : {}),
      ...(modalities ? { modalities } : {}),
      ...(opts.examId && !study.examId ? { examId: opts.examId } : {}),
    },
  });
  return { instanceId: instance.id, studyId: study.id };
}
