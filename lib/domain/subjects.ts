// Which patient (and which exams) a verified link is about. The scope found here is what the
// viewing session may read; anything a link names that does not exist, or names two different
// patients, is "not found" — never a guess.
import type { IdentifierKind, PrismaClient } from '@prisma/client';
import { hashPii } from '../crypto/pii';
import { formatChinaDate } from '../time';
import { LinkRejection, type LinkContext, type PatientSelector } from '../links/types';

export interface Scope {
  patientId: number;
  /** Empty: every exam of the patient. */
  examIds: number[];
  labTestIds: number[];
}

type Found = { id: number; patientId: number; performedAt?: Date | null; reportedAt?: Date | null };

function notFound(detail: string): never {
  throw new LinkRejection('NOT_FOUND', detail);
}

async function byIdentifier(prisma: PrismaClient, orgCode: string | undefined, kinds: IdentifierKind[], value: string): Promise<number[]> {
  const rows = await prisma.patientIdentifier.findMany({
    where: { kind: { in: kinds }, value, ...(orgCode ? { organization: { code: orgCode } } : {}) },
    select: { patientId: true },
  });
  return [...new Set(rows.map((r) => r.patientId))];
}

/**
 * Patients the selectors name; none given → null. The identifiers that name one person for sure
 * (ID card, record/patient/visit numbers, a signed exam number) narrow together; card numbers are
 * used only when none of those is given (a HIS sends the patient's visit card, which we may not
 * know), and a name only when nothing else is.
 */
async function patientsNamed(prisma: PrismaClient, s: PatientSelector): Promise<number[] | null> {
  const strong: number[][] = [];
  if (s.idCardNo) {
    const p = await prisma.patient.findUnique({ where: { idCardHash: hashPii(s.idCardNo) }, select: { id: true } });
    strong.push(p ? [p.id] : []);
  }
  if (s.medRecNo) strong.push(await byIdentifier(prisma, s.orgCode, ['MED_REC_NO'], s.medRecNo));
  if (s.patientId) strong.push(await byIdentifier(prisma, s.orgCode, ['PATIENT_ID'], s.patientId));
  if (s.visitNo) {
    const [ids, exams, labs] = await Promise.all([
      byIdentifier(prisma, s.orgCode, ['OUTPATIENT_NO', 'INPATIENT_NO', 'CHECKUP_NO'], s.visitNo),
      prisma.exam.findMany({ where: { visitNo: s.visitNo, ...(s.orgCode ? { organization: { code: s.orgCode } } : {}) }, select: { patientId: true } }),
      prisma.labTest.findMany({ where: { visitNo: s.visitNo, ...(s.orgCode ? { organization: { code: s.orgCode } } : {}) }, select: { patientId: true } }),
    ]);
    strong.push([...new Set([...ids, ...exams.map((e) => e.patientId), ...labs.map((l) => l.patientId)])]);
  }
  for (const [field, value] of [['accessionNumber', s.accessionNumber], ['placerOrderNo', s.placerOrderNo]] as const) {
    if (!value) continue;
    const where = { [field]: value, ...(s.orgCode ? { organization: { code: s.orgCode } } : {}) };
    const [exams, labs] = await Promise.all([prisma.exam.findMany({ where, select: { patientId: true } }), prisma.labTest.findMany({ where, select: { patientId: true } })]);
    strong.push([...new Set([...exams, ...labs].map((r) => r.patientId))]);
  }
  if (strong.length) return strong.reduce((a, b) => a.filter((x) => b.includes(x)));
  const cards: number[][] = [];
  if (s.cardNo) cards.push(await byIdentifier(prisma, s.orgCode, ['VISIT_CARD', 'MEDICARE_CARD', 'HEALTH_CARD', 'OTHER'], s.cardNo));
  if (s.healthCardNo) cards.push(await byIdentifier(prisma, s.orgCode, ['HEALTH_CARD'], s.healthCardNo));
  if (s.insuranceNo) cards.push(await byIdentifier(prisma, s.orgCode, ['MEDICARE_CARD'], s.insuranceNo));
  if (cards.length) return cards.reduce((a, b) => a.filter((x) => b.includes(x)));
  if (s.name) return (await prisma.patient.findMany({ where: { name: s.name }, select: { id: true }, take: 2 })).map((p) => p.id);
  return null;
}

async function examsNamed(prisma: PrismaClient, ctx: LinkContext): Promise<Found[] | null> {
  const e = ctx.exams;
  const org = e.orgCode ? { organization: { code: e.orgCode } } : {};
  const table = e.lab ? prisma.labTest : prisma.exam;
  const select = { id: true, patientId: true, ...(e.lab ? { reportedAt: true } : { performedAt: true }) };
  let found: Found[] | null = null;
  const narrow = (rows: Found[]) => (found = found === null ? rows : found.filter((f) => rows.some((r) => r.id === f.id)));
  // Prisma's delegates differ in type; both tables have these columns.
  const find = (where: object) => (table as unknown as { findMany(a: object): Promise<Found[]> }).findMany({ where: { ...org, ...where }, select });
  if (e.examId !== undefined) narrow(await find({ id: e.examId }));
  if (e.accessionNumbers?.length) narrow(await find({ accessionNumber: { in: e.accessionNumbers } }));
  if (e.placerOrderNo) narrow(await find({ placerOrderNo: e.placerOrderNo }));
  if (e.studyInstanceUid && !e.lab) narrow(await find({ OR: [{ studyInstanceUid: e.studyInstanceUid }, { studies: { some: { studyInstanceUid: e.studyInstanceUid } } }] }));
  if (found !== null && e.date) {
    found = (found as Found[]).filter((f) => formatChinaDate(f.performedAt ?? f.reportedAt ?? null) === e.date);
  }
  return found;
}

export async function resolveScope(prisma: PrismaClient, ctx: LinkContext): Promise<Scope> {
  const exams = await examsNamed(prisma, ctx);
  const patients = await patientsNamed(prisma, ctx.patient);
  if (exams === null && patients === null) notFound('the link names nothing we can look up');
  if (exams !== null) {
    if (!exams.length) notFound('no exam matches the link');
    const owners = [...new Set(exams.map((x) => x.patientId))];
    if (owners.length !== 1) notFound('the exams named belong to different patients');
    if (patients !== null && !patients.includes(owners[0])) notFound('the exam does not belong to the patient the link names');
    const ids = exams.map((x) => x.id);
    return { patientId: owners[0], examIds: ctx.exams.lab ? [] : ids, labTestIds: ctx.exams.lab ? ids : [] };
  }
  if (patients!.length !== 1) notFound(patients!.length ? 'the link names more than one patient' : 'no patient matches the link');
  return { patientId: patients![0], examIds: [], labTestIds: [] };
}
