import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { BodyTooLargeError, readForm } from '@/lib/http/body';
import { renderNoticePage } from '@/lib/links/error-page';
import { checkPrivacy, sessionFrom } from '@/lib/sessions';

export const dynamic = 'force-dynamic';

/** Two short fields (vs, last4): anything bigger is not this form. */
const FORM_MAX_BYTES = 16 * 1024;

const html = (status: number, title: string, hint: string) =>
  new NextResponse(renderNoticePage(title, hint), { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });

/** The patient's answer to the privacy check (last four phone digits); five wrong answers end the session. */
export async function POST(request: NextRequest) {
  let form: FormData | null;
  try {
    form = await readForm(request, FORM_MAX_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return html(413, '请求过大', '请返回页面重新输入手机号后四位。');
    form = null;
  }
  const db = await prisma();
  const ref = (form?.get('vs') ?? request.nextUrl.searchParams.get('vs'))?.toString();
  const session = await sessionFrom(db, request.cookies, ref, { unverified: true });
  if (!session) return html(401, '会话无效或已过期', '请重新扫描报告单上的二维码。');
  const outcome = await checkPrivacy(db, session, String(form?.get('last4') ?? '').trim());
  // A plain form post: go back to the page, which shows the images or asks again.
  // Relative: behind a proxy (or with `next start -H`) request.nextUrl's host is not the one the browser used.
  const back = `/viewer?vs=${session.id}${outcome === 'wrong' ? '&check=wrong' : ''}`;
  if (outcome === 'locked') {
    return html(403, '验证失败次数过多', '为保护您的隐私，本次查看已关闭。请重新扫描报告单上的二维码。');
  }
  return new NextResponse(null, { status: 303, headers: { location: back, 'cache-control': 'no-store' } });
}
