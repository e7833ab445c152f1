import type { Metadata } from 'next';
import VerifiedContext from '@/components/session/VerifiedContext';
import { pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '检查检验结果互认', referrer: 'no-referrer' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, ['recognition']);
  return <VerifiedContext session={session} title="检查检验结果互认" />;
}
