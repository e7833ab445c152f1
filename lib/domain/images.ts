// The image studies a viewing session may open, labelled for people (date · modality · item · hospital).
import type { PrismaClient, ViewSession } from '@prisma/client';
import { formatChinaDate } from '../time';

export interface StudyEntry {
  studyInstanceUid: string;
  examId: number;
  label: string;
  modality: string;
  date: string;
  hospital: string;
  instances: number;
}

export async function studiesInScope(prisma: PrismaClient, s: ViewSession, examIds?: number[]): Promise<StudyEntry[]> {
  if (s.patientId === null) return [];
  const scoped = s.examIds.length ? s.examIds : s.labTestIds.length ? [] : undefined;
  const wanted = examIds && scoped ? examIds.filter((id) => scoped.includes(id)) : (examIds ?? scoped);
  const studies = await prisma.dicomStudy.findMany({
    where: { exam: { patientId: s.patientId, ...(wanted ? { id: { in: wanted } } : {}) } },
    include: { exam: { include: { organization: { select: { name: true, shortName: true } } } } },
    orderBy: [{ exam: { performedAt: 'desc' } }, { id: 'asc' }],
  });
  return studies.map((st) => ({
    studyInstanceUid: st.studyInstanceUid,
    examId: st.examId!,
    modality: st.exam!.modality,
    date: formatChinaDate(st.exam!.performedAt),
    hospital: st.exam!.organization.shortName ?? st.exam!.organization.name,
    label: `${formatChinaDate(st.exam!.performedAt)} ${st.exam!.modality} ${st.exam!.itemName}`,
    instances: st.numberOfInstances,
  }));
}
