// After a crash between "row committed" and "file moved into place", finish the move; files
// whose row never committed are dropped. Run at server start and before the demo loads.
import type { PrismaClient } from '@prisma/client';
import { blobStore } from '../store/blobs';

export async function recoverBlobs(prisma: PrismaClient): Promise<{ committed: number; dropped: number }> {
  return blobStore().recoverIncoming(async (key) => {
    const [dicom, report] = await Promise.all([
      prisma.dicomInstance.count({ where: { blobKey: key } }),
      prisma.reportFile.count({ where: { blobKey: key } }),
    ]);
    return dicom + report > 0;
  });
}
