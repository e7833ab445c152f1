import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { actingOrg, JILIN, jilinReply, jilinRequest, jilinTime } from '@/lib/dialects/jilin';
import { text } from '@/lib/dialects/lenient-json';
import { recordRetrieval } from '@/lib/domain/retrieval';

export const dynamic = 'force-dynamic';

const TYPE = { '1': 'REMINDER', '2': 'VIEW', '3': 'PDF' } as const;
const SEARCH = { '1': 'HISTORY', '2': 'REPEAT' } as const;

/** Jilin 2.2 调阅记录上传: a doctor was reminded of (1), viewed (2) or fetched the PDF of (3) an exam. */
export async function POST(request: NextRequest) {
  const db = await prisma();
  const req = await jilinRequest(db, request);
  if (req instanceof NextResponse) return req;
  const b = req.body;
  const examId = text(b, 'examId');
  const type = text(b, 'retrivaType') as keyof typeof TYPE | undefined;
  const search = text(b, 'searchType') as keyof typeof SEARCH | undefined;
  const at = jilinTime(text(b, 'retrivalTime'));
  const org = actingOrg(req.client, text(b, 'hospitalCode'));
  if (org === 'forbidden') return jilinReply(JILIN.unauthorized);
  const valid =
    examId && /^\d{1,10}$/.test(examId) && text(b, 'queryDocName') && text(b, 'queryDocCode') && at && type && TYPE[type] && text(b, 'mac') &&
    (type !== '1' || (search && SEARCH[search])) && (!search || SEARCH[search]);
  if (!valid) return jilinReply(JILIN.badInput);
  const exam = await db.exam.findUnique({ where: { id: Number(examId) }, select: { id: true } });
  if (!exam) return jilinReply(JILIN.badInput);
  try {
    await recordRetrieval(db, {
      type: TYPE[type!],
      searchType: search ? SEARCH[search] : null,
      examId: exam.id,
      viewerOrgCode: org,
      doctorCode: text(b, 'queryDocCode'),
      doctorName: text(b, 'queryDocName'),
      mac: text(b, 'mac'),
      dialect: 'JILIN',
      at: at!,
    });
  } catch (e) {
    console.error(`[saveReminderCallRecord] ${(e as Error).message}`);
    return jilinReply(JILIN.uploadFailed);
  }
  return jilinReply(JILIN.uploaded);
}
