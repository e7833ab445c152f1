import type { Metadata } from 'next';
import PatientHeader from '@/components/clinician/PatientHeader';
import RecordBrowser from '@/components/clinician/RecordBrowser';
import QueryProvider from '@/components/QueryProvider';
import { prisma } from '@/lib/db';
import { patientRecord } from '@/lib/domain/record';
import type { StoredContext } from '@/lib/sessions';
import { pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '临床调阅', referrer: 'no-referrer' };

/** /clinicview/index.html lands here: everything the region knows about the patient. */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, ['clinicview', 'open', 'xiamen-exam-view', 'xiamen-exam-list', 'xiamen-related']);
  const record = await patientRecord(await prisma(), session);
  const options = (session.context as unknown as StoredContext).options;
  if (!record) return <main className="page"><p className="empty">未找到患者资料。</p></main>;
  return (
    <main className="clinician">
      <PatientHeader patient={record.patient} subtitle={`区域检查 ${record.entries.filter((e) => e.kind === 'exam').length} 项 · 检验 ${record.entries.filter((e) => e.kind === 'lab').length} 项`} />
      <QueryProvider>
        <RecordBrowser sessionRef={session.id} entries={record.entries} patientName={record.patient.name} nosearch={options.nosearch} startDate={options.startDate} endDate={options.endDate} compare={record.studies} />
      </QueryProvider>
    </main>
  );
}
