import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { recordSessionRetrieval } from '@/lib/domain/retrieval';
import { clientIp } from '@/lib/http/body';
import { examInScope } from '@/lib/sessions';
import { blobStore } from '@/lib/store/blobs';
import { outOfScope, routeSessionAndId } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** The exam's PDF report sheet, shown inline; a clinician's fetch is recorded (调阅记录, type 3). */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const r = await routeSessionAndId(request, params);
  if (r instanceof NextResponse) return r;
  const { session, id } = r;
  const db = await prisma();
  const exam = await db.exam.findUnique({ where: { id }, include: { reportFiles: { where: { kind: 'PDF' }, orderBy: { id: 'desc' }, take: 1 } } });
  if (!exam || !examInScope(session, exam)) return outOfScope();
  const file = exam.reportFiles[0];
  const bytes = file ? await blobStore().get(file.blobKey) : null;
  if (!bytes) return NextResponse.json({ error: '该检查没有 PDF 报告' }, { status: 404 });
  await recordSessionRetrieval(db, session, clientIp(request.headers), { type: 'PDF', examId: exam.id });
  return new NextResponse(new Uint8Array(bytes), {
    headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="report-${exam.accessionNumber}.pdf"`, 'cache-control': 'private, no-store' },
  });
}
