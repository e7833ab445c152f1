import { NextResponse } from 'next/server';
import { prisma } from '@/lib/db';
import { demoLinks, demoLinksEnabled } from '@/lib/demo/links';

export const dynamic = 'force-dynamic';

/**
 * Fresh links to the demo's pages, for `npm run demo` to print. Only when YINGYUN_DEMO_LINKS=1
 * (set by the demo and the browser tests): on a real deployment this route does not exist.
 */
export async function GET() {
  if (!demoLinksEnabled()) return new NextResponse('Not Found', { status: 404 });
  return NextResponse.json({ links: await demoLinks(await prisma()) });
}
