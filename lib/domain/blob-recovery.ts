// After a crash between "row committed" and "file moved into place", finish the move; files
// whose row never committed are dropped. Run at server start and then every few minutes, because
// a crash's files are left alone until they are older than the staging grace period (another
// process may be writing them: see FileBlobStore.recoverIncoming).
import type { PrismaClient } from '@prisma/client';
import { config } from '../config';
import { blobStore, type RecoveryReport } from '../store/blobs';

export interface RecoveryOptions {
  /** Default: config.stagingGraceMs. */
  graceMs?: number;
  /** Where per-file problems go (default: the server log). */
  log?: (line: string) => void;
}

export async function recoverBlobs(prisma: PrismaClient, opts: RecoveryOptions = {}): Promise<RecoveryReport> {
  const log = opts.log ?? ((line: string) => console.warn(line));
  return blobStore().recoverIncoming(
    async (key) => {
      const [dicom, report] = await Promise.all([
        prisma.dicomInstance.count({ where: { blobKey: key } }),
        prisma.reportFile.count({ where: { blobKey: key } }),
      ]);
      return dicom + report > 0;
    },
    { graceMs: opts.graceMs ?? config.stagingGraceMs, onProblem: (file, e) => log(`[yingyun] 文件存储恢复跳过 File store recovery skipped ${file}: ${e.message}`) },
  );
}

/** One line for the server log, or null when there was nothing to do. */
export function describeRecovery(r: RecoveryReport): string | null {
  if (!r.committed && !r.dropped && !r.failed) return null;
  return `[yingyun] file store ${blobStore().describe()} recovered after an interrupted write: ${r.committed} completed, ${r.dropped} dropped${r.failed ? `, ${r.failed} could not be handled (see above; tried again later)` : ''}`;
}

/** Sweeps again every `everyMs` (never overlapping), so a fresh crash's files are finished once old enough. */
export function scheduleBlobRecovery(prisma: PrismaClient, everyMs = Math.min(config.stagingGraceMs, 5 * 60_000)): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    recoverBlobs(prisma)
      .then((r) => {
        const line = describeRecovery(r);
        if (line) console.log(line);
      })
      .catch((e) => console.error(`[yingyun] 文件存储恢复失败 File store recovery failed (${blobStore().describe()}): ${(e as Error).message}`))
      .finally(() => {
        running = false;
      });
  }, Math.max(everyMs, 10_000));
  timer.unref();
  return () => clearInterval(timer);
}
