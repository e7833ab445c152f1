// What the region holds: the numbers and hospitals the home page shows.
import { prisma } from '../db';

export interface RegionOverview {
  organizations: { code: string; name: string; grade: string | null; exams: number; labTests: number }[];
  patients: number;
  exams: number;
  labTests: number;
  instances: number;
  standardItems: number;
}

export async function regionOverview(): Promise<RegionOverview> {
  const p = await prisma();
  const [orgs, patients, exams, labTests, instances, standardItems] = await Promise.all([
    p.organization.findMany({
      where: { kind: 'HOSPITAL' },
      orderBy: { code: 'asc' },
      select: { code: true, name: true, grade: true, _count: { select: { exams: true, labTests: true } } },
    }),
    p.patient.count(),
    p.exam.count(),
    p.labTest.count(),
    p.dicomInstance.count(),
    p.standardItem.count(),
  ]);
  return {
    organizations: orgs.map((o) => ({ code: o.code, name: o.name, grade: o.grade, exams: o._count.exams, labTests: o._count.labTests })),
    patients,
    exams,
    labTests,
    instances,
    standardItems,
  };
}
