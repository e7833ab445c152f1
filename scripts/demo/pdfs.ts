// PDF report sheets for part of the demo exams, stored like an uploaded report (saveExamPdf).
import type { PrismaClient } from '@prisma/client';
import { maskIdCard } from '../../lib/crypto/pii';
import { storeReportFile } from '../../lib/domain/report-files';
import { renderReportPdf } from '../../lib/reports/pdf';
import { formatChinaDateTime } from '../../lib/time';
import type { RegionPlan } from './region';

export async function attachReportPdfs(
  prisma: PrismaClient,
  plan: RegionPlan,
  examIdOf: (orgCode: string, accession: string) => number,
): Promise<number> {
  const patients = new Map(plan.patients.map((p) => [p.key, p]));
  const orgs = new Map(plan.organizations.map((o) => [o.code, o]));
  let n = 0;
  for (const e of plan.exams.filter((x) => x.withPdf)) {
    const p = patients.get(e.patientKey)!;
    const pdf = renderReportPdf({
      hospitalName: orgs.get(e.orgCode)!.name,
      title: e.item.modality === 'US' ? '超声检查报告单' : e.item.modality === 'ES' ? '内镜检查报告单' : '医学影像检查报告单',
      patient: {
        name: p.name,
        sex: p.sex === 'M' ? '男' : '女',
        age: `${e.patientAge}岁`,
        patientId: p.identifiers.find((i) => i.orgCode === e.orgCode && i.kind === 'PATIENT_ID')?.value,
        idCardMasked: maskIdCard(p.idCardNo),
      },
      exam: {
        accessionNumber: e.accessionNumber, modality: e.item.modality, itemName: e.item.name, bodyPart: e.item.bodyPart,
        applyDept: e.applyDeptName, applyDoctor: e.applyDoctorName, performedAt: formatChinaDateTime(e.performedAt),
        reportedAt: formatChinaDateTime(e.reportedAt), auditedAt: formatChinaDateTime(e.auditedAt),
      },
      findings: e.findings,
      impression: e.impression,
      reportDoctor: e.reportDoctor.name,
      auditDoctor: e.auditDoctor.name,
      critical: e.outcome === 'critical' && e.criticalNote !== null,
      positive: e.outcome !== 'normal',
    });
    await storeReportFile(prisma, examIdOf(e.orgCode, e.accessionNumber), pdf, 'PDF');
    n++;
  }
  return n;
}
