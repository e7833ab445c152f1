// Report sheets (PDF/JPG) of an exam: bytes in the blob store, a row per file.
import { randomBytes } from 'node:crypto';
import type { PrismaClient, ReportFileKind } from '@prisma/client';
import { blobStore } from '../store/blobs';

const CONTENT_TYPE: Record<ReportFileKind, string> = { PDF: 'application/pdf', JPG: 'image/jpeg' };

export async function storeReportFile(prisma: PrismaClient, examId: number, bytes: Uint8Array, kind: ReportFileKind) {
  const key = `reports/${examId}/${randomBytes(6).toString('hex')}.${kind.toLowerCase()}`;
  const store = blobStore();
  const { size, sha256 } = await store.put(key, bytes);
  try {
    return await prisma.reportFile.create({ data: { examId, kind, blobKey: key, contentType: CONTENT_TYPE[kind], size, sha256 } });
  } catch (e) {
    await store.delete(key);
    throw e;
  }
}
