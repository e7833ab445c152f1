import type { Metadata } from 'next';
import { headers } from 'next/headers';
import PatientHeader from '@/components/clinician/PatientHeader';
import ReminderList, { type ReminderRow } from '@/components/clinician/ReminderList';
import QueryProvider from '@/components/QueryProvider';
import { prisma } from '@/lib/db';
import { patientRecord } from '@/lib/domain/record';
import { findRepeats } from '@/lib/domain/reminder';
import { recordSessionRetrieval } from '@/lib/domain/retrieval';
import { clientIp } from '@/lib/http/body';
import type { StoredContext } from '@/lib/sessions';
import { formatChinaDate } from '@/lib/time';
import { pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '重复检查检验提醒', referrer: 'no-referrer' };

/** /clinicview/repeat-reminder.html lands here. Showing the reminder is recorded (调阅记录 type 1, repeat search). */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, ['repeat-reminder']);
  const db = await prisma();
  const record = await patientRecord(db, session);
  const o = (session.context as unknown as StoredContext).options;
  if (!record || session.patientId === null) return <main className="page"><p className="empty">未找到患者资料。</p></main>;
  const result = await findRepeats(db, { patientId: session.patientId, clinicType: o.clinicType ?? 0, bodyPart: o.bodyPart, items: o.items, examType: o.examType, startDate: o.startDate, endDate: o.endDate });
  const shown = [...result.confirmed, ...result.suspected];
  const ip = clientIp(await headers());
  for (const r of shown.length ? shown : [null]) {
    await recordSessionRetrieval(db, session, ip, { type: 'REMINDER', searchType: 'REPEAT', ...(r ? (r.kind === 'exam' ? { examId: r.id } : { labTestId: r.id }) : {}) });
  }
  const rows: ReminderRow[] = shown.map((r) => ({ kind: r.kind, id: r.id, match: r.match, date: formatChinaDate(r.at), orgName: r.orgName, itemName: r.itemName, bodyPart: r.bodyPart, modality: r.modality, summary: r.summary }));
  const what = o.clinicType === 1 ? `检验项目：${(o.items ?? []).join('、')}` : `检查部位：${o.bodyPart ?? ''}`;
  return (
    <main className="clinician">
      <PatientHeader patient={record.patient} subtitle={`${what} · ${formatChinaDate(result.from)} 至 ${formatChinaDate(result.to)}`} />
      <section className={`repeat-rate rate-${result.rate}`} aria-label="重复率">
        <div className="rate" data-testid="repeat-rate">{result.rate}%</div>
        <div>
          {result.rate === 100 ? '该患者近期在本区域已做过相同的' + (o.clinicType === 1 ? '检验' : '检查') + '，请确认是否需要重复。' : result.rate > 0 ? '该患者近期有相近部位的检查，可能重复。' : '未发现重复的检查检验。'}
          <div className="muted">重复 {result.confirmed.length} 项 · 疑似重复 {result.suspected.length} 项</div>
        </div>
      </section>
      {rows.length === 0 ? (
        <p className="empty">在所选时间内未找到相同或相近的检查检验记录。</p>
      ) : (
        <QueryProvider>
          <ReminderList rows={rows} sessionRef={session.id} patientName={record.patient.name} />
        </QueryProvider>
      )}
    </main>
  );
}
