import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { prisma } from '@/lib/db';
import { markRecognition, RecognitionError } from '@/lib/domain/recognition';
import { clientIp, readJsonObject } from '@/lib/http/body';
import { examInScope, labTestInScope, type StoredContext } from '@/lib/sessions';
import { outOfScope, routeSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

const Mark = z.object({
  kind: z.enum(['exam', 'lab']),
  id: z.number().int().positive(),
  recognized: z.boolean(),
  reasonCode: z.number().int().min(1).max(6).nullish(),
  reasonText: z.string().max(200).nullish(),
  quoted: z.boolean().default(false),
});

/** The doctor's decision on one result, from the recognition page (互认 / 不互认 + reason / 引用). */
export async function POST(request: NextRequest) {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  if (session.page !== 'recognition') return outOfScope();
  const body = await readJsonObject(request);
  if (body === 'too-large') return NextResponse.json({ error: '请求体过大' }, { status: 413 });
  const parsed = Mark.safeParse(body);
  if (!parsed.success) return NextResponse.json({ error: '参数不正确' }, { status: 400 });
  const m = parsed.data;
  const db = await prisma();
  const target = m.kind === 'exam' ? await db.exam.findUnique({ where: { id: m.id } }) : await db.labTest.findUnique({ where: { id: m.id } });
  if (!target || !(m.kind === 'exam' ? examInScope(session, target) : labTestInScope(session, target))) return outOfScope();
  const ctx = session.context as unknown as StoredContext;
  const rec = ctx.options.recognition!;
  try {
    const mark = await markRecognition(db, {
      ...(m.kind === 'exam' ? { examId: m.id } : { labTestId: m.id }),
      requestingOrgCode: ctx.caller.orgCode!,
      doctorCode: ctx.caller.workNo!,
      doctorName: ctx.caller.name,
      deptCode: ctx.caller.deptCode,
      deptName: ctx.caller.deptName,
      visitId: rec.visitId,
      requestItemCodes: rec.observationItems,
      recognized: m.recognized,
      reasonCode: m.reasonCode ?? null,
      reasonText: m.reasonText ?? null,
      quoted: m.quoted,
      ip: ctx.caller.ipAddress ?? clientIp(request.headers),
      mac: ctx.caller.mac,
      dialect: session.dialect,
    });
    return NextResponse.json({ id: mark.id, recognized: mark.recognized, reasonCode: mark.reasonCode, reasonText: mark.reasonText, quoted: mark.quoted, at: mark.at });
  } catch (e) {
    if (e instanceof RecognitionError) return NextResponse.json({ error: e.message === 'a reason is required to decline' ? '不互认时必须选择原因' : e.message }, { status: 400 });
    throw e;
  }
}
