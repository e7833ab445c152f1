import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { labTestInScope } from '@/lib/sessions';
import { formatChinaDateTime } from '@/lib/time';
import { outOfScope, routeSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** One lab test with its result items, for the session that may see it. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) return outOfScope();
  const lab = await (await prisma()).labTest.findUnique({ where: { id }, include: { items: { orderBy: { sortOrder: 'asc' } }, organization: { select: { code: true, name: true } } } });
  if (!lab || !labTestInScope(session, lab)) return outOfScope();
  return NextResponse.json({
    id: lab.id,
    hospital: lab.organization,
    accessionNumber: lab.accessionNumber,
    itemName: lab.itemName,
    reportedAt: formatChinaDateTime(lab.reportedAt),
    items: lab.items.map((i) => ({ code: i.code, name: i.name, result: i.result, unit: i.unit, refRange: i.refRange, flag: i.flag })),
  });
}
