import type { Metadata } from 'next';
import { ExamDetail } from '@/components/clinician/Details';
import PatientHeader from '@/components/clinician/PatientHeader';
import RecordBrowser from '@/components/clinician/RecordBrowser';
import QueryProvider from '@/components/QueryProvider';
import { prisma } from '@/lib/db';
import { patientRecord } from '@/lib/domain/record';
import { pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '检查报告', referrer: 'no-referrer' };

/** /clinicview/exam-report.html lands here: one exam's report, images and film (or the patient's exams, when the link named only the patient). */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, ['exam-report', 'xiamen-exam']);
  const record = await patientRecord(await prisma(), session);
  if (!record) return <main className="page"><p className="empty">未找到检查资料。</p></main>;
  const exams = record.entries.filter((e) => e.kind === 'exam');
  return (
    <main className="clinician">
      <PatientHeader patient={record.patient} subtitle={exams.length === 1 ? `${exams[0].date} · ${exams[0].hospital} · ${exams[0].title}` : `检查 ${exams.length} 项`} />
      <QueryProvider>
        {exams.length === 1 ? (
          <div className="single-exam">
            <ExamDetail id={exams[0].id} sessionRef={session.id} patientName={record.patient.name} />
            <p className="no-print"><a href={`/film?vs=${session.id}`}>查看云胶片</a></p>
          </div>
        ) : (
          <RecordBrowser sessionRef={session.id} entries={record.entries} patientName={record.patient.name} nosearch compare={record.studies} />
        )}
      </QueryProvider>
    </main>
  );
}
