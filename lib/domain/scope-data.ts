// What a viewing session may see: its patient (masked) and the exams and lab tests in scope.
import type { PrismaClient, ViewSession } from '@prisma/client';
import { maskIdCard, maskName, openPii } from '../crypto/pii';

export async function sessionOverview(prisma: PrismaClient, s: ViewSession) {
  if (s.patientId === null) return null;
  const patient = await prisma.patient.findUnique({ where: { id: s.patientId } });
  if (!patient) return null;
  const examWhere = { patientId: s.patientId, ...(s.examIds.length ? { id: { in: s.examIds } } : s.labTestIds.length ? { id: { in: [] } } : {}) };
  const labWhere = { patientId: s.patientId, ...(s.labTestIds.length ? { id: { in: s.labTestIds } } : s.examIds.length ? { id: { in: [] } } : {}) };
  const [exams, labs] = await Promise.all([
    prisma.exam.findMany({ where: examWhere, orderBy: { performedAt: 'desc' }, include: { organization: { select: { name: true, code: true } } } }),
    prisma.labTest.findMany({ where: labWhere, orderBy: { reportedAt: 'desc' }, include: { organization: { select: { name: true, code: true } } } }),
  ]);
  return {
    patient: {
      name: patient.name,
      maskedName: maskName(patient.name),
      sex: patient.sex,
      birthDate: patient.birthDate,
      idCard: patient.idCardCipher ? maskIdCard(openPii(patient.idCardCipher)) : '',
    },
    exams,
    labs,
  };
}
