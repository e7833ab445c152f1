import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { studiesInScope } from '@/lib/domain/images';
import { recordSessionRetrieval } from '@/lib/domain/retrieval';
import { clientIp } from '@/lib/http/body';
import { examInScope } from '@/lib/sessions';
import { formatChinaDateTime } from '@/lib/time';
import { outOfScope, routeSessionAndId } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** One exam's report (and its image studies), for the session that may see it; any other id is 403. A clinician's view is recorded (调阅记录, type 2). */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const r = await routeSessionAndId(request, params);
  if (r instanceof NextResponse) return r;
  const { session, id } = r;
  const db = await prisma();
  const exam = await db.exam.findUnique({ where: { id }, include: { organization: { select: { code: true, name: true } }, reportFiles: { select: { id: true, kind: true } } } });
  // An exam that does not exist answers like one out of scope: ids reveal nothing.
  if (!exam || !examInScope(session, exam)) return outOfScope();
  await recordSessionRetrieval(db, session, clientIp(request.headers), { type: 'VIEW', examId: exam.id });
  return NextResponse.json({
    id: exam.id,
    hospital: exam.organization,
    accessionNumber: exam.accessionNumber,
    modality: exam.modality,
    bodyPart: exam.bodyPart,
    itemName: exam.itemName,
    applyDept: exam.applyDeptName,
    applyDoctor: exam.applyDoctorName,
    performedAt: formatChinaDateTime(exam.performedAt),
    reportedAt: formatChinaDateTime(exam.reportedAt),
    auditedAt: formatChinaDateTime(exam.auditedAt),
    findings: exam.findings,
    impression: exam.impression,
    positive: exam.polarity === 'POSITIVE',
    critical: exam.critical,
    criticalNote: exam.criticalNote,
    interim: exam.interim,
    reportDoctor: exam.reportDoctorName,
    auditDoctor: exam.auditDoctorName,
    pdf: exam.reportFiles.some((f) => f.kind === 'PDF') ? `/api/view/exams/${exam.id}/pdf?vs=${session.id}` : null,
    studies: await studiesInScope(db, session, [exam.id]),
  });
}
