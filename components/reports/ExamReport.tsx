// One exam's report as the hospital issued it: header, findings, impression, doctors and times.
import type { Exam, Organization } from '@prisma/client';
import { formatChinaDateTime } from '@/lib/time';

export type ReportExam = Exam & { organization: Pick<Organization, 'name'> };

export default function ExamReport({ exam, patientName }: { exam: ReportExam; patientName: string }) {
  return (
    <article className="report" aria-label="检查报告">
      <header className="report-head">
        <h2>{exam.organization.name}</h2>
        <div className="report-title">
          {exam.modality === 'US' ? '超声检查报告' : exam.modality === 'ES' ? '内镜检查报告' : '医学影像检查报告'}
          {exam.critical && <span className="tag danger">危急值</span>}
          {exam.polarity === 'POSITIVE' && <span className="tag warn">阳性</span>}
          {exam.interim && <span className="tag">临时报告</span>}
        </div>
      </header>
      <dl className="report-meta">
        <div><dt>姓名</dt><dd data-testid="report-patient">{patientName}</dd></div>
        <div><dt>检查号</dt><dd>{exam.accessionNumber}</dd></div>
        <div><dt>检查项目</dt><dd>{exam.itemName}</dd></div>
        <div><dt>检查部位</dt><dd>{exam.bodyPart ?? '—'}</dd></div>
        <div><dt>申请科室</dt><dd>{exam.applyDeptName ?? '—'}</dd></div>
        <div><dt>检查时间</dt><dd>{formatChinaDateTime(exam.performedAt) || '—'}</dd></div>
      </dl>
      <section>
        <h3>检查所见</h3>
        <p className="report-text" data-testid="report-findings">{exam.findings || '（无）'}</p>
      </section>
      <section>
        <h3>诊断意见</h3>
        <p className="report-text" data-testid="report-impression">{exam.impression || '（无）'}</p>
        {exam.critical && exam.criticalNote && <p className="critical-note">危急值：{exam.criticalNote}</p>}
      </section>
      <footer className="report-foot">
        <span>报告医师：{exam.reportDoctorName ?? '—'}</span>
        <span>审核医师：{exam.auditDoctorName ?? '—'}</span>
        <span>报告时间：{formatChinaDateTime(exam.auditedAt ?? exam.reportedAt) || '—'}</span>
      </footer>
    </article>
  );
}
