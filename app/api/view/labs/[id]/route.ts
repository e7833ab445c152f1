import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { recordRetrieval, retrievalBySession } from '@/lib/domain/retrieval';
import { clientIp } from '@/lib/http/body';
import { labTestInScope } from '@/lib/sessions';
import { formatChinaDateTime } from '@/lib/time';
import { outOfScope, routeSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** One lab test with its result items, for the session that may see it; a clinician's view is recorded. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) return outOfScope();
  const db = await prisma();
  const lab = await db.labTest.findUnique({ where: { id }, include: { items: { orderBy: { sortOrder: 'asc' } }, organization: { select: { code: true, name: true } } } });
  if (!lab || !labTestInScope(session, lab)) return outOfScope();
  const who = retrievalBySession(session, clientIp(request.headers));
  if (who) await recordRetrieval(db, { ...who, type: 'VIEW', labTestId: lab.id });
  return NextResponse.json({
    id: lab.id,
    hospital: lab.organization,
    accessionNumber: lab.accessionNumber,
    itemName: lab.itemName,
    sampleType: lab.sampleType,
    sampledAt: formatChinaDateTime(lab.sampledAt),
    reportedAt: formatChinaDateTime(lab.reportedAt),
    reportDoctor: lab.reportDoctorName,
    auditDoctor: lab.auditDoctorName,
    items: lab.items.map((i) => ({ code: i.code, name: i.name, result: i.result, unit: i.unit, refRange: i.refRange, flag: i.flag })),
  });
}
