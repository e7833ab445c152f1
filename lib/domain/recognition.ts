// 检查检验结果互认: which results of other hospitals a requesting hospital may accept instead of
// repeating them, and the doctor's decision on each (互认 / 不互认 with a reason; 引用).
// A result is recognisable when it carries a standard item the request maps to, lies inside that
// item's validity window, has an audited report, comes from a hospital sharing a recognition
// scope (shareHR) with the requester, and — unless configured otherwise — was done elsewhere.
import type { Dialect, Prisma, PrismaClient } from '@prisma/client';

/** 不互认原因 (seed 001 §8.2.4, 四川省医疗机构检查检验结果互认工作实施方案). */
export const NON_RECOGNITION_REASONS: Record<number, string> = {
  1: '因病情变化，检查检验结果与患者临床表现、疾病诊断不符，难以满足临床诊疗需求的',
  2: '检查检验结果在疾病发展演变过程中变化较快的',
  3: '检查检验项目对于疾病诊疗意义重大的（如手术、输血等重大医疗措施前）',
  4: '患者处于急诊、急救等紧急状态下的',
  5: '涉及司法、伤残及病退等鉴定的',
  6: '其他情形确需复查的',
};

export class RecognitionError extends Error {}

export interface RecognitionQuery {
  requestingOrgCode: string;
  patientId: number;
  /** The requesting hospital's item codes (observation_item), or standard codes; empty = any standard item. */
  itemCodes: string[];
  /** Count the requester's own results too (default: only other hospitals', env YINGYUN_RECOGNIZE_OWN_RESULTS=1). */
  includeOwn?: boolean;
  now?: Date;
}

export interface Recognisable {
  kind: 'exam' | 'lab';
  id: number;
  orgCode: string;
  orgName: string;
  itemName: string;
  accessionNumber: string;
  standardItems: { code: string; name: string; validUntil: Date }[];
  performedAt: Date | null;
  auditedAt: Date | null;
  summary: string;
  reportDoctor: string | null;
  auditDoctor: string | null;
}

const DAY = 86_400_000;

/** The standard items a request asks about: via the requester's catalog, or named directly. */
async function wantedStandardItems(prisma: PrismaClient, orgCode: string, itemCodes: string[]) {
  if (!itemCodes.length) return prisma.standardItem.findMany();
  const [mapped, direct] = await Promise.all([
    prisma.standardItem.findMany({ where: { examItems: { some: { code: { in: itemCodes }, organization: { code: orgCode } } } } }),
    prisma.standardItem.findMany({ where: { code: { in: itemCodes } } }),
  ]);
  return [...new Map([...mapped, ...direct].map((s) => [s.code, s])).values()];
}

export async function findRecognisable(prisma: PrismaClient, q: RecognitionQuery): Promise<Recognisable[]> {
  const now = q.now ?? new Date();
  const requester = await prisma.organization.findUnique({ where: { code: q.requestingOrgCode }, include: { scopes: true } });
  if (!requester) throw new RecognitionError(`unknown organization ${q.requestingOrgCode}`);
  const items = await wantedStandardItems(prisma, q.requestingOrgCode, q.itemCodes);
  if (!items.length) return [];
  const scopes = requester.scopes.map((s) => s.code);
  const includeOwn = q.includeOwn ?? process.env.YINGYUN_RECOGNIZE_OWN_RESULTS === '1';
  const oldest = new Date(now.getTime() - Math.max(...items.map((i) => i.validityDays)) * DAY);
  const common = {
    patientId: q.patientId,
    standardItemCodes: { hasSome: items.map((i) => i.code) },
    auditedAt: { not: null },
    state: { in: ['AUDITED', 'PUBLISHED'] as ('AUDITED' | 'PUBLISHED')[] },
    ...(includeOwn ? {} : { organizationId: { not: requester.id } }),
    OR: [{ organization: { scopes: { some: { code: { in: scopes } } } } }, { shareScopes: { hasSome: scopes } }],
  };
  const [exams, labs] = await Promise.all([
    prisma.exam.findMany({ where: { ...common, performedAt: { gte: oldest } } satisfies Prisma.ExamWhereInput, include: { organization: true }, orderBy: { performedAt: 'desc' } }),
    prisma.labTest.findMany({ where: { ...common, reportedAt: { gte: oldest } } satisfies Prisma.LabTestWhereInput, include: { organization: true }, orderBy: { reportedAt: 'desc' } }),
  ]);
  const valid = (codes: string[], at: Date | null) =>
    items
      .filter((i) => codes.includes(i.code) && at && at.getTime() + i.validityDays * DAY >= now.getTime())
      .map((i) => ({ code: i.code, name: i.name, validUntil: new Date(at!.getTime() + i.validityDays * DAY) }));
  const out: Recognisable[] = [];
  for (const e of exams) {
    const standardItems = valid(e.standardItemCodes, e.performedAt);
    if (standardItems.length) {
      out.push({ kind: 'exam', id: e.id, orgCode: e.organization.code, orgName: e.organization.name, itemName: e.itemName, accessionNumber: e.accessionNumber, standardItems, performedAt: e.performedAt, auditedAt: e.auditedAt, summary: e.impression, reportDoctor: e.reportDoctorName, auditDoctor: e.auditDoctorName });
    }
  }
  for (const l of labs) {
    const standardItems = valid(l.standardItemCodes, l.reportedAt);
    if (standardItems.length) {
      out.push({ kind: 'lab', id: l.id, orgCode: l.organization.code, orgName: l.organization.name, itemName: l.itemName, accessionNumber: l.accessionNumber, standardItems, performedAt: l.sampledAt ?? l.reportedAt, auditedAt: l.auditedAt, summary: l.sampleType ?? '', reportDoctor: l.reportDoctorName, auditDoctor: l.auditDoctorName });
    }
  }
  return out;
}

export interface MarkInput {
  examId?: number;
  labTestId?: number;
  requestingOrgCode: string;
  doctorCode: string;
  doctorName?: string | null;
  deptCode?: string | null;
  deptName?: string | null;
  visitId?: string | null;
  requestItemCodes?: string[];
  recognized: boolean;
  /** 1–6, or free text (Jilin `reason`). One is required to decline. */
  reasonCode?: number | null;
  reasonText?: string | null;
  quoted: boolean;
  ip?: string | null;
  mac?: string | null;
  dialect: Dialect;
  at?: Date;
}

/** Records a decision; declining without a reason, or an unknown result, is refused. */
export async function markRecognition(prisma: PrismaClient | Prisma.TransactionClient, m: MarkInput) {
  if (!m.examId === !m.labTestId) throw new RecognitionError('name exactly one exam or lab test');
  if (m.reasonCode != null && !NON_RECOGNITION_REASONS[m.reasonCode]) throw new RecognitionError('reason code must be 1–6');
  const reasonText = m.reasonText?.trim() || (m.reasonCode ? NON_RECOGNITION_REASONS[m.reasonCode] : null);
  if (!m.recognized && !reasonText) throw new RecognitionError('a reason is required to decline');
  const target = m.examId
    ? await prisma.exam.findUnique({ where: { id: m.examId }, select: { id: true } })
    : await prisma.labTest.findUnique({ where: { id: m.labTestId! }, select: { id: true } });
  if (!target) throw new RecognitionError('no such exam or lab test');
  const org = await prisma.organization.findUnique({ where: { code: m.requestingOrgCode }, select: { id: true } });
  return prisma.recognitionMark.create({
    data: {
      examId: m.examId ?? null,
      labTestId: m.labTestId ?? null,
      requestingOrgId: org?.id ?? null,
      requestingOrgCode: m.requestingOrgCode,
      doctorCode: m.doctorCode,
      doctorName: m.doctorName ?? null,
      deptCode: m.deptCode ?? null,
      deptName: m.deptName ?? null,
      visitId: m.visitId ?? null,
      requestItemCodes: m.requestItemCodes ?? [],
      recognized: m.recognized,
      reasonCode: m.recognized ? null : (m.reasonCode ?? null),
      reasonText: m.recognized ? null : reasonText,
      quoted: m.quoted,
      ip: m.ip ?? null,
      mac: m.mac ?? null,
      dialect: m.dialect,
      ...(m.at ? { at: m.at } : {}),
    },
  });
}

export function marksForVisit(prisma: PrismaClient, orgCode: string, visitId: string) {
  return prisma.recognitionMark.findMany({ where: { requestingOrgCode: orgCode, visitId }, orderBy: { at: 'desc' } });
}
