import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { checkPrivacy, sessionFrom } from '@/lib/sessions';

export const dynamic = 'force-dynamic';

/** The patient's answer to the privacy check (last four phone digits); five wrong answers end the session. */
export async function POST(request: NextRequest) {
  const db = await prisma();
  const form = await request.formData().catch(() => null);
  const ref = (form?.get('vs') ?? request.nextUrl.searchParams.get('vs'))?.toString();
  const session = await sessionFrom(db, request.cookies, ref, { unverified: true });
  if (!session) return NextResponse.json({ error: '会话无效或已过期' }, { status: 401 });
  const outcome = await checkPrivacy(db, session, String(form?.get('last4') ?? '').trim());
  // A plain form post: go back to the page, which shows the images or asks again.
  const back = new URL(`/viewer?vs=${session.id}${outcome === 'wrong' ? '&check=wrong' : ''}`, request.nextUrl.origin);
  if (outcome === 'locked') return NextResponse.json({ error: '验证失败次数过多，请重新扫描二维码' }, { status: 403 });
  return NextResponse.redirect(back, 303);
}
