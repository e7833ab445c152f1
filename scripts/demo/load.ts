// Loads the demo region into the database (PGlite by default, PostgreSQL with DATABASE_URL):
// hospitals, doctors, catalogs, standard items, patients, exams with reports, PDFs and real DICOM
// images through the app's own ingest, and lab tests.
//   npx tsx scripts/demo/load.ts [--seed N] [--patients N] [--reset] [--if-empty] [--no-images]
import fs from 'node:fs';
import type { Prisma, PrismaClient } from '@prisma/client';
import { protectPii } from '../../lib/crypto/pii';
import { openDatabase, type Sql } from '../../lib/db';
import { blobStore } from '../../lib/store/blobs';
import { EXAM_ITEM_TEMPLATES } from './catalog';
import { loadDemoClients } from './clients';
import { attachImages } from './images';
import { attachReportPdfs } from './pdfs';
import { planRegion, SICHUAN_STANDARD_ITEMS, standardLabItems, type RegionPlan } from './region';
import { LAB_PANELS } from './labs';

const POLARITY = { normal: 'NEGATIVE', positive: 'POSITIVE', critical: 'POSITIVE' } as const;

export async function resetDatabase(sql: Pick<Sql, 'query' | 'exec'>): Promise<void> {
  const tables = await sql.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = current_schema() and tablename <> '_prisma_migrations'`,
  );
  if (tables.length) await sql.exec(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

export async function loadRegion(prisma: PrismaClient, plan: RegionPlan, opts: { images: boolean; log?: (s: string) => void }) {
  const log = opts.log ?? (() => {});
  for (const s of plan.scopes) await prisma.recognitionScope.create({ data: s });
  const orgId = new Map<string, number>();
  for (const o of plan.organizations) {
    const row = await prisma.organization.create({
      data: {
        code: o.code, name: o.name, shortName: o.shortName, grade: o.grade, kind: o.kind, region: '云州市',
        scopes: { connect: o.scopes.map((code) => ({ code })) },
      },
    });
    orgId.set(o.code, row.id);
  }
  const org = (code: string) => orgId.get(code)!;

  for (const c of plan.clinicians) {
    await prisma.clinician.create({
      data: {
        organizationId: org(c.orgCode), workNo: c.workNo, name: c.name, deptCode: c.deptCode, deptName: c.deptName, title: c.title,
        sevs: { create: c.sevs.map((value) => ({ value })) },
      },
    });
  }

  await prisma.standardItem.createMany({
    data: [
      ...SICHUAN_STANDARD_ITEMS.map((s) => ({
        code: s.code, name: s.name, description: s.description, kind: 'EXAM' as const, modality: s.modality,
        bodyPart: s.bodyPart, validityDays: s.validityDays, source: '四川省医学影像检查结果互认项目清单（第一批）',
      })),
      ...standardLabItems(),
    ],
  });
  const hospitals = plan.organizations.filter((o) => o.kind === 'HOSPITAL');
  for (const h of hospitals) {
    const items = h.code === '221' ? [] : EXAM_ITEM_TEMPLATES;
    for (const t of items) {
      await prisma.examItem.create({
        data: {
          organizationId: org(h.code), kind: 'EXAM', code: t.code, name: t.name, typeCode: t.typeCode, modality: t.modality,
          bodyPart: t.bodyPart, price: t.price, standardItems: { connect: t.standardCodes.map((code) => ({ code })) },
        },
      });
    }
    for (const p of LAB_PANELS) {
      await prisma.examItem.create({
        data: { organizationId: org(h.code), kind: 'LAB', code: p.code, name: p.name, sampleTypeCode: p.sampleType, standardItems: { connect: [{ code: `JYHR-${p.code}` }] } },
      });
    }
  }
  await loadDemoClients(prisma, plan);
  log(`  ${plan.organizations.length} organizations, ${plan.clinicians.length} clinicians, ${SICHUAN_STANDARD_ITEMS.length} standard exam items, demo integration clients`);

  const patientId = new Map<number, number>();
  for (const p of plan.patients) {
    const id = protectPii(p.idCardNo);
    const phone = protectPii(p.phone);
    const row = await prisma.patient.create({
      data: {
        name: p.name, sex: p.sex, birthDate: new Date(`${p.birthDate}T00:00:00Z`), address: p.address,
        idCardHash: id.hash, idCardCipher: id.cipher, phoneHash: phone.hash, phoneCipher: phone.cipher,
        identifiers: { create: p.identifiers.map((i) => ({ organizationId: org(i.orgCode), kind: i.kind, value: i.value })) },
      },
    });
    patientId.set(p.key, row.id);
  }
  log(`  ${plan.patients.length} patients`);

  const examRows: Prisma.ExamCreateManyInput[] = plan.exams.map((e) => ({
    organizationId: org(e.orgCode),
    patientId: patientId.get(e.patientKey)!,
    accessionNumber: e.accessionNumber,
    studyInstanceUid: e.studyInstanceUid,
    placerOrderNo: e.placerOrderNo,
    visitNo: e.visitNo,
    patientType: e.patientType,
    patientAge: e.patientAge,
    patientAgeUnit: '岁',
    modality: e.item.modality,
    bodyPart: e.item.bodyPart,
    itemCode: e.item.code,
    itemName: e.item.name,
    standardItemCodes: e.item.standardCodes,
    applyDeptName: e.applyDeptName,
    applyDoctorName: e.applyDoctorName,
    performDeptName: e.item.modality === 'US' ? '超声科' : e.item.modality === 'ES' ? '内镜中心' : '医学影像科',
    reportDoctorCode: e.reportDoctor.workNo,
    reportDoctorName: e.reportDoctor.name,
    auditDoctorCode: e.auditDoctor.workNo,
    auditDoctorName: e.auditDoctor.name,
    requestedAt: e.requestedAt,
    registeredAt: e.registeredAt,
    performedAt: e.performedAt,
    reportedAt: e.reportedAt,
    auditedAt: e.auditedAt,
    archivedAt: new Date(e.auditedAt.getTime() + 30 * 60_000),
    uploadedAt: new Date(e.auditedAt.getTime() + 40 * 60_000),
    findings: e.findings,
    impression: e.impression,
    clinicalDiagnosis: e.clinicalDiagnosis,
    briefHistory: e.briefHistory,
    polarity: POLARITY[e.outcome],
    critical: e.outcome === 'critical' && e.criticalNote !== null,
    criticalNote: e.criticalNote,
    cost: e.item.price,
    state: 'PUBLISHED',
  }));
  const exams = await prisma.exam.createManyAndReturn({ data: examRows, select: { id: true, organizationId: true, accessionNumber: true } });
  const examId = new Map(exams.map((e) => [`${e.organizationId}|${e.accessionNumber}`, e.id]));
  const idOfExam = (orgCode: string, acc: string) => examId.get(`${org(orgCode)}|${acc}`)!;
  log(`  ${exams.length} exams`);

  for (const l of plan.labs) {
    await prisma.labTest.create({
      data: {
        organizationId: org(l.orgCode), patientId: patientId.get(l.patientKey)!, accessionNumber: l.accessionNumber,
        placerOrderNo: l.placerOrderNo, itemCode: l.panel.code, itemName: l.panel.name, standardItemCodes: [`JYHR-${l.panel.code}`],
        sampleType: l.panel.sampleType, applyDeptName: l.applyDeptName, applyDoctorName: l.applyDoctorName,
        reportDoctorCode: l.reportDoctor.workNo, reportDoctorName: l.reportDoctor.name,
        auditDoctorCode: l.auditDoctor.workNo, auditDoctorName: l.auditDoctor.name,
        requestedAt: new Date(l.sampledAt.getTime() - 3_600_000), sampledAt: l.sampledAt,
        receivedAt: new Date(l.sampledAt.getTime() + 20 * 60_000), reportedAt: l.reportedAt, auditedAt: l.reportedAt,
        critical: false,
        items: { create: l.results.map((r, i) => ({ sortOrder: i, code: r.code, name: r.name, result: r.result, unit: r.unit, refRange: r.refRange, flag: r.flag })) },
      },
    });
  }
  log(`  ${plan.labs.length} lab tests`);

  const pdfs = await attachReportPdfs(prisma, plan, idOfExam);
  log(`  ${pdfs} PDF report sheets`);
  if (opts.images) {
    const t0 = Date.now();
    const n = await attachImages(prisma, plan, idOfExam, (done, total) => {
      if (done % 50 === 0 || done === total) process.stdout.write(`\r  DICOM images: ${done}/${total} exams`);
    });
    process.stdout.write('\n');
    log(`  ${n} DICOM instances ingested in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const seed = Number(arg('seed') ?? 20261122);
  const patients = Number(arg('patients') ?? 240);
  const database = await openDatabase();
  const { prisma, sql } = database;
  try {
    const existing = await prisma.organization.count();
    if (existing > 0) {
      if (process.argv.includes('--if-empty')) {
        console.log(`[demo] database already holds a region (${existing} organizations); keeping it. Use --reset to reload.`);
        return;
      }
      if (!process.argv.includes('--reset')) throw new Error('the database is not empty; pass --reset to replace its data');
      await resetDatabase(sql);
      fs.rmSync(blobStore().root, { recursive: true, force: true });
    }
    const t0 = Date.now();
    const plan = planRegion({ seed, patients });
    console.log(`[demo] loading the demo region (seed ${seed}, ${plan.patients.length} patients, anchor ${plan.anchor.toISOString().slice(0, 10)})`);
    await loadRegion(prisma, plan, { images: !process.argv.includes('--no-images'), log: (s) => console.log(s) });
    console.log(`[demo] done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await prisma.$disconnect();
    await sql.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`[demo] ${(e as Error).message}`);
    process.exit(1);
  });
}
