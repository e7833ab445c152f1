import type { Metadata } from 'next';
import VerifiedContext from '@/components/session/VerifiedContext';
import { pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '临床调阅', referrer: 'no-referrer' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, ['clinicview', 'open', 'xiamen-exam-view', 'xiamen-exam-list', 'xiamen-related']);
  return <VerifiedContext session={session} title="临床调阅" />;
}
