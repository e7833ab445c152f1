// A patient's record as a clinician page shows it: masked header, and every exam and lab test in
// the session's scope as timeline entries (newest first).
import type { PrismaClient, ViewSession } from '@prisma/client';
import { maskIdCard, maskName, openPii } from '../crypto/pii';
import { formatChinaDate } from '../time';
import { studiesInScope } from './images';

const SEX = { M: '男', F: '女', O: '未知' } as const;

function age(birth: Date | null, at = new Date()): string {
  if (!birth) return '';
  let a = at.getUTCFullYear() - birth.getUTCFullYear();
  if (at.getUTCMonth() < birth.getUTCMonth() || (at.getUTCMonth() === birth.getUTCMonth() && at.getUTCDate() < birth.getUTCDate())) a--;
  return `${a}岁`;
}

export async function patientRecord(prisma: PrismaClient, s: ViewSession) {
  const patient = s.patientId ? await prisma.patient.findUnique({ where: { id: s.patientId } }) : null;
  if (!patient) return null;
  const examOnly = s.examIds.length > 0;
  const labOnly = !examOnly && s.labTestIds.length > 0;
  const [exams, labs, studies] = await Promise.all([
    labOnly ? [] : prisma.exam.findMany({ where: { patientId: patient.id, ...(examOnly ? { id: { in: s.examIds } } : {}) }, include: { organization: true, _count: { select: { studies: true } } }, orderBy: { performedAt: 'desc' } }),
    examOnly ? [] : prisma.labTest.findMany({ where: { patientId: patient.id, ...(labOnly ? { id: { in: s.labTestIds } } : {}) }, include: { organization: true, items: { select: { flag: true } } }, orderBy: { reportedAt: 'desc' } }),
    studiesInScope(prisma, s),
  ]);
  const entries = [
    ...exams.map((e) => ({
      kind: 'exam' as const,
      id: e.id,
      date: formatChinaDate(e.performedAt),
      hospital: e.organization.shortName ?? e.organization.name,
      type: e.modality,
      title: e.itemName,
      positive: e.polarity === 'POSITIVE',
      critical: e.critical,
      hasImages: e._count.studies > 0,
    })),
    ...labs.map((l) => ({
      kind: 'lab' as const,
      id: l.id,
      date: formatChinaDate(l.reportedAt),
      hospital: l.organization.shortName ?? l.organization.name,
      type: '检验',
      title: l.itemName,
      critical: l.critical,
      abnormal: l.items.filter((i) => i.flag !== 'N').length,
    })),
  ].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  return {
    patient: {
      name: maskName(patient.name),
      sex: SEX[patient.sex],
      age: age(patient.birthDate),
      idCard: patient.idCardCipher ? maskIdCard(openPii(patient.idCardCipher)) : '',
    },
    entries,
    studies: studies.map((st) => ({ studyInstanceUid: st.studyInstanceUid, label: `${st.label} · ${st.hospital}` })),
  };
}
