import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { LANDING } from '@/lib/links/open';
import type { LinkPage } from '@/lib/links/types';
import { COOKIE_PREFIX, cookieAttributes } from '@/lib/sessions';
import { redeemShortLink } from '@/lib/short-links';

export const dynamic = 'force-dynamic';

/** A short link: set the session cookie in this browser and go to the page. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ code: string }> }) {
  const db = await prisma();
  const s = await redeemShortLink(db, (await params).code);
  if (!s) return new NextResponse('<!DOCTYPE html><meta charset="utf-8"><title>链接已失效</title><p style="text-align:center;margin-top:20vh">链接已失效，请从 HIS 重新打开。</p>', { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
  const session = await db.viewSession.findUniqueOrThrow({ where: { id: s.ref } });
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const res = NextResponse.redirect(new URL(`${LANDING[session.page as LinkPage]}?vs=${s.ref}`, request.nextUrl.origin), 303);
  res.headers.append('set-cookie', `${COOKIE_PREFIX}${s.ref}=${s.secret}; ${cookieAttributes(https, Math.round((s.expiresAt.getTime() - Date.now()) / 1000))}`);
  res.headers.set('referrer-policy', 'no-referrer');
  return res;
}
