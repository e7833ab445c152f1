import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { renderNoticePage } from '@/lib/links/error-page';
import { LANDING } from '@/lib/links/open';
import type { LinkPage } from '@/lib/links/types';
import { COOKIE_PREFIX, cookieAttributes } from '@/lib/sessions';
import { redeemShortLink } from '@/lib/short-links';

export const dynamic = 'force-dynamic';

/** A short link: set the session cookie in this browser and go to the page. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ code: string }> }) {
  const db = await prisma();
  const s = await redeemShortLink(db, (await params).code);
  if (!s) return new NextResponse(renderNoticePage('链接已失效', '链接已失效，请从 HIS 重新打开。'), { status: 404, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  const session = await db.viewSession.findUniqueOrThrow({ where: { id: s.ref } });
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  // A relative Location: request.nextUrl's host need not be the one the browser used (proxy, `next start -H`).
  const res = new NextResponse(null, { status: 303, headers: { location: `${LANDING[session.page as LinkPage]}?vs=${s.ref}`, 'cache-control': 'no-store' } });
  res.headers.append('set-cookie', `${COOKIE_PREFIX}${s.ref}=${s.secret}; ${cookieAttributes(https, Math.round((s.expiresAt.getTime() - Date.now()) / 1000))}`);
  res.headers.set('referrer-policy', 'no-referrer');
  return res;
}
