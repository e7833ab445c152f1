// 重复检查检验提醒: before an exam or lab test is ordered, what the patient already had in the
// region. Exams match by body part (synonyms count as the same part: confirmed repeat; parts
// that only overlap are suspected); lab tests match when any requested item matches (100 %).
import type { PrismaClient } from '@prisma/client';

const DAY = 86_400_000;
/** Without dates in the request, look this far back. */
export const DEFAULT_REMINDER_DAYS = 180;

/** Names HIS systems use for the same body part. */
const SYNONYMS: string[][] = [
  ['头部', '头颅', '颅脑', '脑', '头'],
  ['鼻部', '鼻窦', '副鼻窦', '鼻'],
  ['胸部', '胸', '肺', '肺部', '胸腔'],
  ['腹部', '上腹部', '全腹', '肝胆胰脾', '腹'],
  ['盆腔', '下腹部', '盆部'],
  ['颈椎'], ['胸椎'], ['腰椎'], ['骶尾椎'],
  ['膝关节', '膝'], ['踝关节', '踝'], ['髋关节', '髋'], ['肩关节', '肩'], ['肘关节', '肘'], ['腕关节', '腕'],
  ['乳腺', '乳房'], ['甲状腺'], ['心脏', '心'], ['胃'], ['结肠', '肠'],
];

function group(part: string): string {
  const p = part.replace(/\s+/g, '');
  return SYNONYMS.find((g) => g.includes(p))?.[0] ?? p;
}

export type RepeatKind = 'confirmed' | 'suspected';

export interface RepeatItem {
  kind: 'exam' | 'lab';
  id: number;
  match: RepeatKind;
  orgName: string;
  itemName: string;
  bodyPart: string | null;
  modality: string | null;
  at: Date | null;
  summary: string;
}

export interface RepeatResult {
  rate: number;
  confirmed: RepeatItem[];
  suspected: RepeatItem[];
  from: Date;
  to: Date;
}

export interface RepeatQuery {
  patientId: number;
  clinicType: 0 | 1;
  bodyPart?: string;
  items?: string[];
  examType?: string;
  startDate?: string;
  endDate?: string;
  now?: Date;
}

function period(q: RepeatQuery): { from: Date; to: Date } {
  const now = q.now ?? new Date();
  const to = q.endDate ? new Date(`${q.endDate}T23:59:59+08:00`) : now;
  const from = q.startDate ? new Date(`${q.startDate}T00:00:00+08:00`) : new Date(to.getTime() - DEFAULT_REMINDER_DAYS * DAY);
  return { from, to };
}

export async function findRepeats(prisma: PrismaClient, q: RepeatQuery): Promise<RepeatResult> {
  const { from, to } = period(q);
  const confirmed: RepeatItem[] = [];
  const suspected: RepeatItem[] = [];
  if (q.clinicType === 0) {
    const wanted = group(q.bodyPart ?? '');
    const exams = await prisma.exam.findMany({ where: { patientId: q.patientId, performedAt: { gte: from, lte: to } }, include: { organization: true }, orderBy: { performedAt: 'desc' } });
    for (const e of exams) {
      const part = e.bodyPart ?? '';
      const same = group(part) === wanted || e.itemName.includes(wanted);
      const overlaps = !same && part && wanted && (part.includes(wanted) || wanted.includes(part));
      if (!same && !overlaps) continue;
      (same ? confirmed : suspected).push({ kind: 'exam', id: e.id, match: same ? 'confirmed' : 'suspected', orgName: e.organization.name, itemName: e.itemName, bodyPart: e.bodyPart, modality: e.modality, at: e.performedAt, summary: e.impression });
    }
  } else {
    const items = (q.items ?? []).map((i) => i.trim()).filter(Boolean);
    const labs = await prisma.labTest.findMany({ where: { patientId: q.patientId, reportedAt: { gte: from, lte: to } }, include: { organization: true }, orderBy: { reportedAt: 'desc' } });
    for (const l of labs) {
      if (!items.some((i) => i === l.itemName || i === l.itemCode || l.itemName.includes(i))) continue;
      if (q.examType && l.sampleType && !l.sampleType.includes(q.examType) && !l.itemName.includes(q.examType)) continue;
      confirmed.push({ kind: 'lab', id: l.id, match: 'confirmed', orgName: l.organization.name, itemName: l.itemName, bodyPart: null, modality: null, at: l.reportedAt, summary: l.sampleType ?? '' });
    }
  }
  // Any confirmed match is a certain repeat; only suspected ones make it a likely one.
  const rate = confirmed.length ? 100 : suspected.length ? 50 : 0;
  return { rate, confirmed, suspected, from, to };
}
