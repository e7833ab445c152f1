// Report sheets (PDF/JPG) of an exam: bytes in the blob store, a row per file.
import { randomBytes } from 'node:crypto';
import type { PrismaClient, ReportFileKind } from '@prisma/client';
import { blobStore } from '../store/blobs';

const CONTENT_TYPE: Record<ReportFileKind, string> = { PDF: 'application/pdf', JPG: 'image/jpeg' };

export async function storeReportFile(prisma: PrismaClient, examId: number, bytes: Uint8Array, kind: ReportFileKind) {
  const key = `reports/${examId}/${randomBytes(6).toString('hex')}.${kind.toLowerCase()}`;
  const staged = await blobStore().stage(key, bytes);
  try {
    const row = await prisma.reportFile.create({ data: { examId, kind, blobKey: key, contentType: CONTENT_TYPE[kind], size: staged.size, sha256: staged.sha256 } });
    await staged.commit();
    return row;
  } catch (e) {
    await staged.abort();
    throw e;
  }
}
