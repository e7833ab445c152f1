import type { Metadata } from 'next';
import PatientHeader from '@/components/clinician/PatientHeader';
import RecognitionBoard, { type RecognitionRow } from '@/components/clinician/RecognitionBoard';
import QueryProvider from '@/components/QueryProvider';
import { prisma } from '@/lib/db';
import { findRecognisable, marksForVisit, NON_RECOGNITION_REASONS } from '@/lib/domain/recognition';
import { patientRecord } from '@/lib/domain/record';
import type { StoredContext } from '@/lib/sessions';
import { formatChinaDate, formatChinaDateTime } from '@/lib/time';
import { pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '检查检验结果互认', referrer: 'no-referrer' };

const TRIGGER: Record<string, string> = { '3101': '医生接诊', '3103': '医生开处方', '3104': '医生保存处方' };

/** /clinicview/recognition.html lands here: results the requesting hospital may recognise, and the decisions. */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, ['recognition']);
  const db = await prisma();
  const ctx = session.context as unknown as StoredContext;
  const rec = ctx.options.recognition!;
  const record = await patientRecord(db, session);
  if (!record || session.patientId === null) return <main className="page"><p className="empty">未找到患者资料。</p></main>;
  const found = await findRecognisable(db, { requestingOrgCode: ctx.caller.orgCode!, patientId: session.patientId, itemCodes: rec.observationItems });
  const marks = await marksForVisit(db, ctx.caller.orgCode!, rec.visitId);
  const rows: RecognitionRow[] = found.map((f) => {
    const m = marks.find((x) => (f.kind === 'exam' ? x.examId === f.id : x.labTestId === f.id));
    return {
      kind: f.kind,
      id: f.id,
      date: formatChinaDate(f.performedAt),
      orgName: f.orgName,
      itemName: f.itemName,
      standardItems: f.standardItems.map((s) => s.name).join('、'),
      validUntil: formatChinaDate(f.standardItems[0].validUntil),
      summary: f.summary,
      decision: m ? { recognized: m.recognized, reasonText: m.reasonText, quoted: m.quoted, at: formatChinaDateTime(m.at) } : undefined,
    };
  });
  return (
    <main className="clinician">
      <PatientHeader patient={record.patient} subtitle={`就诊号 ${rec.visitId} · ${TRIGGER[rec.reqType] ?? rec.reqType}${rec.observationItems.length ? ` · 申请项目 ${rec.observationItems.join('、')}` : ''} · ${ctx.caller.deptName ?? ''} ${ctx.caller.name ?? ''}`} />
      {rows.length === 0 ? (
        <p className="empty" data-testid="recognition-empty">该患者在互认范围内没有可互认的检查检验结果（须同一互认项目、在有效期内、报告已审核、来自同一互认范围的其他医院）。</p>
      ) : (
        <QueryProvider>
          <p className="muted">以下结果可互认：请逐项确认“互认”或选择原因“不互认”。</p>
          <RecognitionBoard rows={rows} sessionRef={session.id} patientName={record.patient.name} reasons={NON_RECOGNITION_REASONS} />
        </QueryProvider>
      )}
    </main>
  );
}
