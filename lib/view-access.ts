// The viewing session of a page or a data route, from Next's request objects. Pages without a
// valid session get 401 (unauthorized.tsx); data outside the session's scope gets 403.
import { cookies } from 'next/headers';
import { forbidden, unauthorized } from 'next/navigation';
import { NextResponse, type NextRequest } from 'next/server';
import type { ViewSession } from '@prisma/client';
import { prisma } from './db';
import { sessionFrom } from './sessions';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Sessions scoped to exams with images: they may open the cloud film and the full viewer. */
export const IMAGE_PAGES = ['dimage', 'dimage-qr', 'exam-report', 'xiamen-exam', 'h5-exam-detail', 'h5-exam-report'];

export async function pageSession(searchParams: SearchParams, pages?: string[], opts: { unverified?: boolean } = {}): Promise<ViewSession> {
  const vs = (await searchParams).vs;
  const session = await sessionFrom(await prisma(), await cookies(), typeof vs === 'string' ? vs : undefined, opts);
  if (!session) unauthorized();
  if (pages && !pages.includes(session.page)) forbidden();
  return session;
}

/** The session of a data request, or the 401 response to return. */
export async function routeSession(request: NextRequest): Promise<ViewSession | NextResponse> {
  const ref = request.nextUrl.searchParams.get('vs') ?? request.headers.get('x-view-session');
  const session = await sessionFrom(await prisma(), request.cookies, ref);
  return session ?? NextResponse.json({ error: '会话无效或已过期，请从 HIS 重新打开' }, { status: 401 });
}

/** The session and the id of a data route (/api/view/…/{id}), or the 401/403 to answer (a malformed id is out of scope). */
export async function routeSessionAndId(request: NextRequest, params: Promise<{ id: string }>): Promise<{ session: ViewSession; id: number } | NextResponse> {
  const session = await routeSession(request);
  if (session instanceof NextResponse) return session;
  const id = Number((await params).id);
  return Number.isInteger(id) && id > 0 ? { session, id } : outOfScope();
}

export function outOfScope(): NextResponse {
  return NextResponse.json({ error: '无权访问该资料' }, { status: 403 });
}
