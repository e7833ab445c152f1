// A second (third…) process on the same file store and database, for tests/blob-recovery.test.ts.
// Run with tsx; DATABASE_URL and YINGYUN_BLOB_DIR name the shared database and store.
//   recover            prints "ready", waits for "go" on stdin, runs the file-store recovery, prints its report
//   ingest <file>…     ingests the files at once, holding each after it is staged (row not yet committed);
//                      prints "staged-all", waits for "go", lets them finish, prints the results
// Every answer is one JSON line on stdout; the exit code is 0 when the command succeeded.
import fs from 'node:fs';
import readline from 'node:readline';
import { openDatabase } from '../../lib/db';
import { ingestDicom } from '../../lib/dicom/ingest';
import { recoverBlobs } from '../../lib/domain/blob-recovery';
import { blobStore, type BlobStore } from '../../lib/store/blobs';

const lines = readline.createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (l) => l.trim() === 'go' && resolve()));
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const d = await openDatabase({ url: process.env.DATABASE_URL, migrate: false });
  try {
    if (command === 'recover') {
      say({ ready: true });
      await go;
      say({ report: await recoverBlobs(d.prisma) });
    } else if (command === 'ingest') {
      const real = blobStore();
      let staged = 0;
      const holding: BlobStore = {
        put: (k, b) => real.put(k, b),
        get: (k) => real.get(k),
        stream: (k) => real.stream(k),
        has: (k) => real.has(k),
        delete: (k) => real.delete(k),
        describe: () => real.describe(),
        stage: (key, bytes) => real.stage(key, bytes),
        async stageFile(key, file) {
          const s = await real.stageFile(key, file);
          if (++staged === args.length) say({ stagedAll: true });
          await go;
          return s;
        },
      };
      const results = await Promise.all(args.map((f) => ingestDicom(d.prisma, new Uint8Array(fs.readFileSync(f)), { store: holding, organizationCode: 'H1' })));
      say({ results: results.map((r) => ({ status: r.status, sopInstanceUid: r.instance.sopInstanceUid })) });
    } else throw new Error(`unknown command ${command}`);
  } finally {
    lines.close();
    await d.prisma.$disconnect();
    await d.sql.close();
  }
}

main().catch((e) => {
  say({ error: (e as Error).stack ?? String(e) });
  process.exit(1);
});
