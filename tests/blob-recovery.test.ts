// File-store recovery with more than one process on one store and one PostgreSQL schema (two app
// nodes, or the demo loader beside a server): real child processes (tsx), started together.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@/lib/db';
import { recoverBlobs } from '@/lib/domain/blob-recovery';
import { parseDicom } from '@/lib/dicom/parse';
import { retag, uidFromString } from '@/lib/dicom/retag';
import { synthesizeSeries } from '@/lib/dicom/synth';
import { blobStore, type RecoveryReport } from '@/lib/store/blobs';
import { createSchema } from './support/pg-schema';

const BASE = process.env.TEST_DATABASE_URL;
const root = path.resolve(import.meta.dirname, '..');
let pg: Awaited<ReturnType<typeof createSchema>>;
let db: Database;
let dataDir: string;

interface Child {
  proc: ChildProcess;
  /** Resolves with the first JSON line that has `key`. */
  next<T>(key: string): Promise<T>;
  send(line: string): void;
  exit: Promise<number | null>;
  log(): string;
}

/** A tsx child process running tests/support/store-process.ts on our database and store. */
function child(...args: string[]): Child {
  const proc = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'tests/support/store-process.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: pg.url, YINGYUN_DATA_DIR: dataDir, YINGYUN_BLOB_DIR: path.join(dataDir, 'blobs') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  const waiting: { key: string; resolve: (v: never) => void }[] = [];
  const seen: Record<string, unknown>[] = [];
  proc.stdout!.on('data', (d) => {
    out += d;
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try {
        seen.push(JSON.parse(line));
      } catch {
        err += `${line}\n`;
        continue;
      }
      for (const w of [...waiting]) {
        const hit = seen.find((o) => w.key in o);
        if (!hit) continue;
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(hit[w.key] as never);
      }
    }
  });
  proc.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    next: <T,>(key: string) =>
      new Promise<T>((resolve, reject) => {
        const hit = seen.find((o) => key in o);
        if (hit) return resolve(hit[key] as T);
        waiting.push({ key, resolve: resolve as (v: never) => void });
        void exit.then((code) => reject(new Error(`child exited (${code}) before "${key}": ${JSON.stringify(seen)}\n${err}`)));
      }),
    send: (line) => proc.stdin!.write(`${line}\n`),
    exit,
    log: () => `${JSON.stringify(seen)}\n${err}`,
  };
}

const incoming = () => path.join(dataDir, 'blobs', '.incoming');
const staged = () => (fs.existsSync(incoming()) ? fs.readdirSync(incoming()) : []);

beforeAll(async () => {
  if (!BASE) return;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-recovery-'));
  process.env.YINGYUN_BLOB_DIR = path.join(dataDir, 'blobs');
  pg = await createSchema(BASE, 'rec');
  db = await openDatabase({ url: pg.url });
  await db.prisma.organization.create({ data: { code: 'H1', name: '测试一院' } });
}, 120_000);
afterAll(async () => {
  if (!BASE) return;
  await db?.prisma.$disconnect();
  await db?.sql.close();
  await pg?.drop();
  delete process.env.YINGYUN_BLOB_DIR;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// PGlite is one process's database: two processes need PostgreSQL.
describe.skipIf(!BASE)('file-store recovery with two processes', () => {
  it('300 staged files, two recoveries started together: each file completed or dropped exactly once, neither fails', async () => {
    const store = blobStore();
    const study = await db.prisma.dicomStudy.create({ data: { studyInstanceUid: '1.2.3.300' } });
    const series = await db.prisma.dicomSeries.create({ data: { seriesInstanceUid: '1.2.3.300.1', studyId: study.id } });
    const kept = Array.from({ length: 150 }, (_, i) => `dicom/rec/kept-${i}.dcm`);
    const orphans = Array.from({ length: 150 }, (_, i) => `dicom/rec/orphan-${i}.dcm`);
    for (const key of [...kept, ...orphans]) await store.stage(key, Buffer.from(key));
    await db.prisma.dicomInstance.createMany({
      data: kept.map((blobKey, i) => ({ sopInstanceUid: `1.2.3.300.1.${i}`, seriesId: series.id, sopClassUid: '1.2', transferSyntaxUid: '1.2.840.10008.1.2.1', blobKey, size: 1, sha256: 'x' })),
    });
    // As a crash leaves them: older than the staging grace period.
    const old = new Date(Date.now() - 3600_000);
    for (const f of staged()) fs.utimesSync(path.join(incoming(), f), old, old);
    expect(staged()).toHaveLength(300);

    const a = child('recover'), b = child('recover');
    await Promise.all([a.next('ready'), b.next('ready')]);
    a.send('go');
    b.send('go');
    const [ra, rb] = await Promise.all([a.next<RecoveryReport>('report'), b.next<RecoveryReport>('report')]).catch((e) => {
      throw new Error(`${(e as Error).message}\n--- a:\n${a.log()}\n--- b:\n${b.log()}`);
    });
    expect([await a.exit, await b.exit], `${a.log()}\n${b.log()}`).toEqual([0, 0]);
    console.log(`recovery A ${JSON.stringify(ra)}, B ${JSON.stringify(rb)}`);
    expect([ra.failed, rb.failed]).toEqual([0, 0]);
    expect(ra.committed + rb.committed).toBe(150);
    expect(ra.dropped + rb.dropped).toBe(150);
    expect(staged()).toEqual([]);
    for (const key of kept) expect(fs.readFileSync(path.join(store.root, key), 'utf8')).toBe(key);
    for (const key of orphans) expect(fs.existsSync(path.join(store.root, key))).toBe(false);
  }, 120_000);

  it("a recovery started while another process is mid-ingest leaves that process's files, and its ingest completes", async () => {
    const base = synthesizeSeries('DR', { seed: 90, rows: 16, columns: 16 })[0];
    const paths = Array.from({ length: 5 }, (_, i) => {
      const f = retag(base, { studyInstanceUid: uidFromString('mid-ingest'), seriesInstanceUid: uidFromString('mid-ingest/s'), sopInstanceUid: uidFromString(`mid-ingest/${i}`) });
      const p = path.join(dataDir, `mid-${i}.dcm`);
      fs.writeFileSync(p, f);
      return p;
    });
    const writer = child('ingest', ...paths);
    await writer.next('stagedAll');
    expect(staged()).toHaveLength(5);
    expect(await db.prisma.dicomInstance.count({ where: { series: { seriesInstanceUid: uidFromString('mid-ingest/s') } } })).toBe(0);

    const recovery = child('recover');
    await recovery.next('ready');
    recovery.send('go');
    const report = await recovery.next<RecoveryReport>('report');
    expect(await recovery.exit, recovery.log()).toBe(0);
    expect(report).toMatchObject({ committed: 0, dropped: 0, young: 5, failed: 0 });
    expect(staged()).toHaveLength(5);

    writer.send('go');
    const results = await writer.next<{ status: string }[]>('results');
    expect(await writer.exit, writer.log()).toBe(0);
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('stored'));
    const rows = await db.prisma.dicomInstance.findMany({ where: { series: { seriesInstanceUid: uidFromString('mid-ingest/s') } } });
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      const bytes = fs.readFileSync(path.join(blobStore().root, r.blobKey));
      expect(parseDicom(new Uint8Array(bytes)).sopInstanceUid).toBe(r.sopInstanceUid);
    }
    expect(staged()).toEqual([]);
  }, 120_000);

  it('a problem with one staged file is reported and the others are still recovered', async () => {
    const store = blobStore();
    for (const key of ['dicom/rec/p-1.dcm', 'dicom/rec/p-2.dcm', 'dicom/rec/p-3.dcm']) await store.stage(key, Buffer.from(key));
    const problems: string[] = [];
    let calls = 0;
    const r = await store.recoverIncoming(
      async () => {
        if (++calls === 2) throw new Error('database went away');
        return false;
      },
      { graceMs: 0, onProblem: (file, e) => problems.push(`${path.basename(file)}: ${e.message}`) },
    );
    expect(r).toMatchObject({ dropped: 2, failed: 1 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('database went away');
    expect(staged()).toHaveLength(1);
    expect(await recoverBlobs(db.prisma, { graceMs: 0, log: () => undefined })).toMatchObject({ dropped: 1, failed: 0 });
  });
});
