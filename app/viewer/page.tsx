import type { Metadata } from 'next';
import ImageViewerClient from '@/components/viewer/ImageViewerClient';
import ExamReport from '@/components/reports/ExamReport';
import { maskName } from '@/lib/crypto/pii';
import { prisma } from '@/lib/db';
import { studiesInScope } from '@/lib/domain/images';
import { awaitingPrivacyCheck, type StoredContext } from '@/lib/sessions';
import { IMAGE_PAGES, pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '数字影像', referrer: 'no-referrer' };

type Search = Promise<Record<string, string | string[] | undefined>>;
const UID = /^[0-9.]{1,64}$/;

/** /dimage/index.html lands here: the report beside the images (PC) or below them (phone). `series` opens that series first (a tapped film image). */
export default async function Page({ searchParams }: { searchParams: Search }) {
  const session = await pageSession(searchParams, IMAGE_PAGES, { unverified: true });
  const options = (session.context as unknown as StoredContext).options;
  if (awaitingPrivacyCheck(session)) return <PrivacyCheck vs={session.id} wrong={(await searchParams).check === 'wrong'} />;

  const db = await prisma();
  const patient = session.patientId ? await db.patient.findUnique({ where: { id: session.patientId } }) : null;
  const exams = await db.exam.findMany({
    where: { patientId: session.patientId ?? -1, ...(session.examIds.length ? { id: { in: session.examIds } } : {}) },
    include: { organization: { select: { name: true } } },
    orderBy: { performedAt: 'desc' },
  });
  const studies = await studiesInScope(db, session);
  const name = maskName(patient?.name ?? '');
  const series = (await searchParams).series;
  const initialSeries = typeof series === 'string' && UID.test(series) ? series : undefined;
  return (
    <main className={`dimage ${options.imageOnly ? 'image-only' : ''}`}>
      <section className="dimage-images" aria-label="影像">
        {studies.length === 0 ? (
          <p className="empty">该检查暂无影像（可能尚未上传）。</p>
        ) : (
          <ImageViewerClient studies={studies} sessionRef={session.id} patientName={name} initialSeries={initialSeries} />
        )}
        <p className="no-print film-link">
          <a href={`/film?vs=${session.id}`}>查看云胶片</a>
        </p>
      </section>
      {!options.imageOnly && (
        <aside className="dimage-report" aria-label="报告">
          {exams.length === 0 ? <p className="empty">暂无报告。</p> : exams.map((e) => <ExamReport key={e.id} exam={e} patientName={name} />)}
          {options.showAi && (
            <section className="ai-slot" aria-label="AI 辅助分析">
              <h3>AI 辅助分析</h3>
              <p className="muted">暂无 AI 分析结果。</p>
            </section>
          )}
        </aside>
      )}
    </main>
  );
}

function PrivacyCheck({ vs, wrong }: { vs: string; wrong: boolean }) {
  return (
    <main className="privacy-check">
      <h1>身份验证</h1>
      <p>为保护您的隐私，请输入您在医院登记的手机号码后四位。</p>
      <form method="post" action="/api/view/privacy-check">
        <input type="hidden" name="vs" value={vs} />
        <input name="last4" inputMode="numeric" pattern="\d{4}" maxLength={4} autoComplete="off" required aria-label="手机号后四位" />
        <button type="submit">确定</button>
      </form>
      {wrong && <p className="error" role="alert">号码不正确，请重新输入（连续错误 5 次需重新扫码）。</p>}
    </main>
  );
}
