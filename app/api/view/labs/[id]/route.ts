import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { recordSessionRetrieval } from '@/lib/domain/retrieval';
import { clientIp } from '@/lib/http/body';
import { labTestInScope } from '@/lib/sessions';
import { formatChinaDateTime } from '@/lib/time';
import { outOfScope, routeSessionAndId } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** One lab test with its result items, for the session that may see it; a clinician's view is recorded. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const r = await routeSessionAndId(request, params);
  if (r instanceof NextResponse) return r;
  const { session, id } = r;
  const db = await prisma();
  const lab = await db.labTest.findUnique({ where: { id }, include: { items: { orderBy: { sortOrder: 'asc' } }, organization: { select: { code: true, name: true } } } });
  if (!lab || !labTestInScope(session, lab)) return outOfScope();
  await recordSessionRetrieval(db, session, clientIp(request.headers), { type: 'VIEW', labTestId: lab.id });
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
