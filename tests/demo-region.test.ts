// The demo region: deterministic, complete enough for every page and API, the specs' example
// subjects present, images linked, and no clear ID-card or phone number anywhere in the database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPii, openPii } from '@/lib/crypto/pii';
import { formatChinaDate } from '@/lib/time';
import { loadRegion } from '@/scripts/demo/load';
import { planRegion, SPEC_SUBJECTS, type RegionPlan } from '@/scripts/demo/region';
import { testDatabase, type TestDatabase } from './support/db';

let db: TestDatabase;
let plan: RegionPlan;
const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-blobs-'));

beforeAll(async () => {
  process.env.YINGYUN_BLOB_DIR = blobDir;
  db = await testDatabase();
  plan = planRegion({ seed: 99, patients: 12, anchor: new Date('2026-11-01T00:00:00Z') });
  await loadRegion(db.prisma, plan, { images: true });
}, 300_000);

afterAll(async () => {
  await db?.dispose();
  fs.rmSync(blobDir, { recursive: true, force: true });
  delete process.env.YINGYUN_BLOB_DIR;
});

describe('demo region', () => {
  it('is the same region for the same seed and anchor', () => {
    const again = planRegion({ seed: 99, patients: 12, anchor: new Date('2026-11-01T00:00:00Z') });
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
    const other = planRegion({ seed: 100, patients: 12, anchor: new Date('2026-11-01T00:00:00Z') });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(plan));
  });

  it('has at least five hospitals with the specs\' organization codes and the 53 Sichuan items', async () => {
    const codes = (await db.prisma.organization.findMany({ where: { kind: 'HOSPITAL' } })).map((o) => o.code);
    expect(codes.length).toBeGreaterThanOrEqual(5);
    for (const c of ['2470', '10001201', '57120003', 'SAF2313']) expect(codes).toContain(c);
    expect(await db.prisma.standardItem.count({ where: { source: { contains: '四川省' } } })).toBe(53);
    // Every standard exam item is mapped from some hospital's catalog.
    const unmapped = await db.prisma.standardItem.count({ where: { kind: 'EXAM', examItems: { none: {} } } });
    expect(unmapped).toBe(0);
  });

  it('covers every modality, lab tests with result items, positive and critical reports and PDFs', async () => {
    const mods = (await db.prisma.exam.groupBy({ by: ['modality'], _count: true })).map((g) => g.modality).sort();
    for (const m of ['CT', 'DR', 'MR']) expect(mods).toContain(m);
    expect(await db.prisma.labTest.count()).toBeGreaterThan(0);
    expect(await db.prisma.labResultItem.count()).toBeGreaterThan(await db.prisma.labTest.count());
    expect(await db.prisma.exam.count({ where: { polarity: 'POSITIVE' } })).toBeGreaterThan(0);
    expect(await db.prisma.exam.count({ where: { critical: true } })).toBeGreaterThan(0);
    const exam = await db.prisma.exam.findFirst({ where: { modality: 'CT' } });
    expect(exam?.findings).toMatch(/[\u4e00-\u9fff]/);
    expect(exam?.impression).toMatch(/[\u4e00-\u9fff]/);
    expect(await db.prisma.reportFile.count()).toBeGreaterThan(0);
  });

  it('holds the specs\' example subjects', async () => {
    const sd = await db.prisma.exam.findFirst({ where: { accessionNumber: 'SD-53242', organization: { code: '2470' } } });
    expect(sd).not.toBeNull();
    expect(await db.prisma.clinician.count({ where: { workNo: '001', organization: { code: '2470' }, sevs: { some: {} } } })).toBe(1);

    const p = await db.prisma.patient.findUnique({ where: { idCardHash: hashPii(SPEC_SUBJECTS.repeatReminder.idCardNo) }, include: { exams: true, labTests: true } });
    expect(p).not.toBeNull();
    expect(p!.exams.some((e) => e.bodyPart === '头部')).toBe(true);
    expect(p!.labTests.some((l) => l.itemName === '微量元素六项')).toBe(true);
    expect(openPii(p!.idCardCipher!)).toBe(SPEC_SUBJECTS.repeatReminder.idCardNo);

    const nj = await db.prisma.exam.findFirst({ where: { accessionNumber: '000001013', organization: { code: '57120003' } } });
    expect(formatChinaDate(nj!.performedAt)).toBe('2021-06-29');

    const jl = await db.prisma.exam.findFirst({ where: { accessionNumber: 'CS23213233', organization: { code: 'SAF2313' } }, include: { studies: true } });
    expect(jl!.studyInstanceUid).toBe(SPEC_SUBJECTS.jilin.studyInstanceUid);
    expect(jl!.studies[0]?.studyInstanceUid).toBe(SPEC_SUBJECTS.jilin.studyInstanceUid);
  });

  it('links every imaging exam to DICOM images whose patient tags match the exam', async () => {
    const exams = await db.prisma.exam.findMany({
      where: { modality: { in: ['CT', 'MR', 'DR', 'US', 'MG', 'ES'] } },
      include: { patient: true, studies: { include: { series: { include: { instances: true } } } } },
    });
    expect(exams.length).toBeGreaterThan(0);
    for (const e of exams) {
      const instances = e.studies.flatMap((s) => s.series.flatMap((x) => x.instances));
      expect(instances.length, `${e.accessionNumber} has images`).toBeGreaterThan(0);
      const study = e.studies[0];
      expect(study.accessionNumber).toBe(e.accessionNumber);
      expect(study.patientNameTag).toBe(e.patient.name);
      for (const i of instances.slice(0, 2)) {
        const file = fs.readFileSync(path.join(blobDir, i.blobKey));
        expect(file.length).toBe(i.size);
        expect(file.subarray(128, 132).toString('latin1')).toBe('DICM');
      }
    }
  });

  it('keeps no clear ID-card or phone number in any column', async () => {
    const needles = plan.patients.flatMap((p) => [p.idCardNo, p.phone]);
    const columns = await db.sql.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
       where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'ARRAY')`,
    );
    for (const { table_name, column_name } of columns) {
      const hits = await db.sql.query<{ n: number }>(
        `select count(*)::int as n from "${table_name}" where "${column_name}"::text like any($1::text[])`,
        [needles.map((n) => `%${n}%`)],
      );
      expect(hits[0].n, `${table_name}.${column_name}`).toBe(0);
    }
  });
});
