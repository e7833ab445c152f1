import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { actingOrg, JILIN, jilinReply, jilinRequest, jilinTime } from '@/lib/dialects/jilin';
import { text } from '@/lib/dialects/lenient-json';
import { markRecognition, RecognitionError } from '@/lib/domain/recognition';

export const dynamic = 'force-dynamic';

/** Jilin 2.10 检查互认/引用结果上传: recognised (1) or not (0, reason required), quoted or not. */
export async function POST(request: NextRequest) {
  const db = await prisma();
  const req = await jilinRequest(db, request);
  if (req instanceof NextResponse) return req;
  const b = req.body;
  const examId = text(b, 'examId');
  const recogn = text(b, 'recognFlag');
  const quote = text(b, 'quoteFlag');
  const reason = text(b, 'reason');
  const at = jilinTime(text(b, 'retrivalTime'));
  const org = actingOrg(req.client, text(b, 'hospitalCode'));
  if (org === 'forbidden') return jilinReply(JILIN.unauthorized);
  const valid =
    org && examId && /^\d{1,10}$/.test(examId) && text(b, 'queryDocCode') && at && (recogn === '0' || recogn === '1') && (quote === '0' || quote === '1') && text(b, 'mac') && (recogn === '1' || reason);
  if (!valid) return jilinReply(JILIN.badInput);
  try {
    await markRecognition(db, {
      examId: Number(examId),
      requestingOrgCode: org!,
      doctorCode: text(b, 'queryDocCode')!,
      doctorName: text(b, 'queryDocName'),
      recognized: recogn === '1',
      // The Sichuan reason codes 1–6 are accepted as such; any other text is kept as written.
      reasonCode: reason && /^[1-6]$/.test(reason) ? Number(reason) : null,
      reasonText: reason && !/^[1-6]$/.test(reason) ? reason : null,
      quoted: quote === '1',
      mac: text(b, 'mac'),
      dialect: 'JILIN',
      at: at!,
    });
  } catch (e) {
    if (e instanceof RecognitionError) return jilinReply(JILIN.badInput);
    console.error(`[saveRecognExamRecord] ${(e as Error).message}`);
    return jilinReply(JILIN.uploadFailed);
  }
  return jilinReply(JILIN.uploaded);
}
