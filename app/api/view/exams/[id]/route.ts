import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { examInScope } from '@/lib/sessions';
import { formatChinaDateTime } from '@/lib/time';
import { outOfScope, routeSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** One exam's report, for the session that may see it; any other id is 403. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) return outOfScope();
  const exam = await (await prisma()).exam.findUnique({ where: { id }, include: { organization: { select: { code: true, name: true } } } });
  // An exam that does not exist answers like one out of scope: ids reveal nothing.
  if (!exam || !examInScope(session, exam)) return outOfScope();
  return NextResponse.json({
    id: exam.id,
    hospital: exam.organization,
    accessionNumber: exam.accessionNumber,
    modality: exam.modality,
    bodyPart: exam.bodyPart,
    itemName: exam.itemName,
    performedAt: formatChinaDateTime(exam.performedAt),
    reportedAt: formatChinaDateTime(exam.reportedAt),
    auditedAt: formatChinaDateTime(exam.auditedAt),
    findings: exam.findings,
    impression: exam.impression,
    positive: exam.polarity === 'POSITIVE',
    critical: exam.critical,
    reportDoctor: exam.reportDoctorName,
    auditDoctor: exam.auditDoctorName,
  });
}
