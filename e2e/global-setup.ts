// Browser-test set-up: a fresh database (new PostgreSQL schema with TEST_DATABASE_URL, else a
// PGlite folder) holding a small demo region, and the production build served by `next start`.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createSchema } from '../tests/support/pg-schema';
import { buildEnv, loadDemo, root, startServer, stopServer } from './support/server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
    databaseUrl: string;
    /** A Bearer access token of the demo's IDCAS client (acts for every demo hospital): DICOMweb read and write. */
    clientToken: string;
    /** Exam E2E-CODECS at 2470: one series per sample file (../shared/dicom-samples), for the viewer tests. */
    codecSeries: CodecSeries[];
    /** A demo exam with images whose patient has a phone on file, for the /dimage privacy check. */
    patientExam: PatientExam;
    /** Exam E2E-PALETTE at 2470: synthesised PALETTE COLOR series (lib/dicom/synth.ts synthesizePalette). */
    paletteSeries: PaletteSeries[];
  }
}

export interface PaletteSeries {
  /** 'lut8' (three images), 'lut16', and two more 8-bit ones the tests break on the wire: 'broken-lut', 'stalled'. */
  name: string;
  lutBits: 8 | 16;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUids: string[];
}

export interface PatientExam {
  hospital: string;
  accession: string;
  /** yyyymmdd, China time */
  studyDate: string;
  phoneLast4: string;
}

export interface CodecSeries {
  file: string;
  transferSyntaxUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frames: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Done before the server starts (the embedded database is one process at a time): a client
 * token, and exam E2E-CODECS holding every sample file as its own series (pixel data untouched,
 * identity retagged to the exam's patient).
 */
async function prepare(dataDir: string, databaseUrl: string): Promise<{ token: string; codecs: CodecSeries[]; patientExam: PatientExam; palettes: PaletteSeries[] }> {
  process.env.YINGYUN_BLOB_DIR = path.join(dataDir, 'blobs');
  const { openDatabase } = await import('../lib/db');
  const { issueAccessToken } = await import('../lib/links/issue');
  const { ingestDicom } = await import('../lib/dicom/ingest');
  const { parseDicom } = await import('../lib/dicom/parse');
  const { retag, uidFromString } = await import('../lib/dicom/retag');
  const { SAMPLES_DIR } = await import('../tests/support/samples');
  const d = await openDatabase(databaseUrl ? { url: databaseUrl } : { url: '', pgliteDir: path.join(dataDir, 'pglite') });
  try {
    const token = (await issueAccessToken(d.prisma, '2470', 'e2e-pacs', ['dicomweb-read', 'dicomweb-write'])).token;
    const { openPii } = await import('../lib/crypto/pii');
    const { formatChinaDate } = await import('../lib/time');
    const withPhone = await d.prisma.exam.findFirstOrThrow({ where: { studies: { some: {} }, patient: { phoneCipher: { not: null } } }, include: { organization: true, patient: true }, orderBy: { id: 'asc' } });
    const patientExam: PatientExam = {
      hospital: withPhone.organization.code,
      accession: withPhone.accessionNumber,
      studyDate: formatChinaDate(withPhone.performedAt).replaceAll('-', ''),
      phoneLast4: openPii(withPhone.patient.phoneCipher!).slice(-4),
    };
    const codecs: CodecSeries[] = [];
    if (SAMPLES_DIR) {
      const anchor = await d.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' }, include: { patient: true } });
      const exam = await d.prisma.exam.create({
        data: { organizationId: anchor.organizationId, patientId: anchor.patientId, accessionNumber: 'E2E-CODECS', modality: 'CT', itemCode: 'CT0201', itemName: '编解码测试（全部传输语法）', performedAt: anchor.performedAt, findings: '测试', impression: '测试' },
      });
      const study = uidFromString('e2e-codecs');
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.dcm') ? [path.join(dir, e.name)] : []));
      for (const file of walk(SAMPLES_DIR).filter((f) => !f.includes('bad-input') && !f.includes('non-image'))) {
        const name = path.relative(SAMPLES_DIR, file);
        const p = parseDicom(new Uint8Array(fs.readFileSync(file)));
        if (!p.rows) continue;
        const ids = { studyInstanceUid: study, seriesInstanceUid: uidFromString(`e2e-codecs/${name}`), sopInstanceUid: uidFromString(`e2e-codecs/${name}/1`) };
        let bytes: Uint8Array;
        try {
          bytes = retag(new Uint8Array(fs.readFileSync(file)), { ...ids, patientName: anchor.patient.name, patientId: 'E2E', accessionNumber: 'E2E-CODECS', studyDate: '20210512' });
        } catch (e) {
          console.warn(`[e2e] ${name} left out of E2E-CODECS: ${(e as Error).message}`); // dcmjs cannot write ISO 2022 multi-charset files
          continue;
        }
        await ingestDicom(d.prisma, bytes, { examId: exam.id });
        codecs.push({ file: name, transferSyntaxUid: p.transferSyntaxUid, ...ids, frames: p.numberOfFrames });
      }
      await d.prisma.exam.update({ where: { id: exam.id }, data: { studyInstanceUid: study } });
    }
    const palettes = await paletteExam(d.prisma);
    return { token, codecs, patientExam, palettes };
  } finally {
    await d.prisma.$disconnect();
    await d.sql.close();
    delete process.env.YINGYUN_BLOB_DIR;
  }
}

/** Exam E2E-PALETTE: PALETTE COLOR series synthesised here (no sample files needed), one per case the viewer test needs. */
async function paletteExam(prisma: import('@prisma/client').PrismaClient): Promise<PaletteSeries[]> {
  const { ingestDicom } = await import('../lib/dicom/ingest');
  const { retag, uidFromString } = await import('../lib/dicom/retag');
  const { synthesizePalette } = await import('../lib/dicom/synth');
  const anchor = await prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' }, include: { patient: true } });
  const study = uidFromString('e2e-palette');
  const exam = await prisma.exam.create({
    data: { organizationId: anchor.organizationId, patientId: anchor.patientId, accessionNumber: 'E2E-PALETTE', modality: 'US', itemCode: 'US0101', itemName: '调色板图像测试', performedAt: anchor.performedAt, studyInstanceUid: study, findings: '测试', impression: '测试' },
  });
  const cases: [string, 8 | 16, number][] = [['lut8', 8, 3], ['lut16', 16, 1], ['broken-lut', 8, 1], ['stalled', 8, 1]];
  const out: PaletteSeries[] = [];
  for (const [k, [name, lutBits, images]] of cases.entries()) {
    const seriesInstanceUid = uidFromString(`e2e-palette/${name}`);
    const sopInstanceUids: string[] = [];
    for (const [i, file] of synthesizePalette({ seed: 50 + k, lutBits, images }).entries()) {
      const sopInstanceUid = uidFromString(`e2e-palette/${name}/${i + 1}`);
      await ingestDicom(prisma, retag(file, { studyInstanceUid: study, seriesInstanceUid, sopInstanceUid, patientName: anchor.patient.name, patientId: 'E2E', accessionNumber: 'E2E-PALETTE', studyDate: '20210512' }), { examId: exam.id });
      sopInstanceUids.push(sopInstanceUid);
    }
    out.push({ name, lutBits, studyInstanceUid: study, seriesInstanceUid, sopInstanceUids });
  }
  return out;
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) throw new Error('no production build: run `next build --webpack` first (npm test does)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-e2e-'));
  const base = process.env.TEST_DATABASE_URL;
  const pg = base ? await createSchema(base, 'e2e') : undefined;
  const databaseUrl = pg?.url ?? '';
  const port = await freePort();
  const env = buildEnv({ dataDir, databaseUrl, port });
  await loadDemo(env, ['--patients', '24']);
  const { token: clientToken, codecs, patientExam, palettes } = await prepare(dataDir, databaseUrl);
  let server: ChildProcess | undefined = await startServer(env, port);

  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('dataDir', dataDir);
  project.provide('databaseUrl', databaseUrl);
  project.provide('clientToken', clientToken);
  project.provide('codecSeries', codecs);
  project.provide('patientExam', patientExam);
  project.provide('paletteSeries', palettes);

  return async () => {
    await stopServer(server);
    server = undefined;
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

