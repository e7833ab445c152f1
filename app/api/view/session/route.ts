import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { COOKIE_PREFIX, revokeSession, type StoredContext } from '@/lib/sessions';
import { routeSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';

/** The verified context of the current viewing session (no personal data). */
export async function GET(request: NextRequest) {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  const ctx = session.context as unknown as StoredContext;
  return NextResponse.json({ ref: session.id, page: session.page, dialect: session.dialect, viewer: session.viewerKind, expiresAt: session.expiresAt, options: ctx.options, caller: { orgCode: ctx.caller.orgCode, workNo: ctx.caller.workNo } });
}

/** Ends the session (the "退出" of a page, or an administrator revoking it). */
export async function DELETE(request: NextRequest) {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  await revokeSession(await prisma(), session.id);
  const res = new NextResponse(null, { status: 204 });
  res.cookies.delete(COOKIE_PREFIX + session.id);
  return res;
}
