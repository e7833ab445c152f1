import { NextResponse, type NextRequest } from 'next/server';
import { db } from '@/lib/db';
import { H5_PAGES } from '@/lib/links/idcas-h5';
import { openLink } from '@/lib/links/open';
import type { LinkPage } from '@/lib/links/types';
import { XIAMEN_PAGES } from '@/lib/links/xiamen';

export const dynamic = 'force-dynamic';

// The specs' legacy URLs (/clinicview/index.html, /dimage/index.html, …) are rewritten here by
// next.config.ts; the query string arrives untouched.
const PAGES: Record<string, LinkPage> = Object.fromEntries(Object.entries<LinkPage>({
  clinicview: 'clinicview',
  'exam-report': 'exam-report',
  'repeat-reminder': 'repeat-reminder',
  recognition: 'recognition',
  dimage: 'dimage',
  open: 'open',
  ...Object.fromEntries(Object.entries(H5_PAGES).map(([k, v]) => [`h5/${k}`, v])),
  ...Object.fromEntries(Object.entries(XIAMEN_PAGES).map(([k, v]) => [`xiamen/${k}`, v])),
}).map(([k, v]) => [k.toLowerCase(), v])); // IDCAS runs on IIS: its paths are case-insensitive

export async function GET(request: NextRequest, { params }: { params: Promise<{ path: string[] }> }) {
  const key = (await params).path.join('/');
  const page = PAGES[key.toLowerCase()];
  if (!page) return new NextResponse('Not Found', { status: 404 });
  const url = new URL(request.url);
  const { prisma } = await db();
  const result = await openLink(
    {
      page,
      search: url.search,
      cookies: request.cookies,
      https: url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https',
      ip: request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || undefined,
      userAgent: request.headers.get('user-agent') ?? undefined,
    },
    { prisma },
  );
  const headers = new Headers();
  for (const [k, v] of Object.entries(result.headers)) for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  return new NextResponse(result.body, { status: result.status, headers });
}
