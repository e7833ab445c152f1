import type { Metadata } from 'next';
import { maskName } from '@/lib/crypto/pii';
import { prisma } from '@/lib/db';
import { studiesInScope } from '@/lib/domain/images';
import { IMAGE_PAGES, pageSession } from '@/lib/view-access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '云胶片', referrer: 'no-referrer' };

const PER_SERIES = 6;

/** 云胶片: the key images of each study laid out like a printed film, and the way into the full viewer. */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await pageSession(searchParams, IMAGE_PAGES);
  const db = await prisma();
  const patient = session.patientId ? await db.patient.findUnique({ where: { id: session.patientId } }) : null;
  const studies = await studiesInScope(db, session);
  const films = await Promise.all(
    studies.map(async (st) => {
      const series = await db.dicomSeries.findMany({
        where: { study: { studyInstanceUid: st.studyInstanceUid }, instances: { some: { rows: { gt: 0 } } } },
        orderBy: [{ seriesNumber: 'asc' }, { id: 'asc' }],
        include: { instances: { where: { rows: { gt: 0 } }, orderBy: [{ instanceNumber: 'asc' }, { id: 'asc' }], select: { sopInstanceUid: true, instanceNumber: true } } },
      });
      // Key images: evenly spaced through each series (a film shows the series, not every slice).
      const images = series.flatMap((se) => {
        const n = se.instances.length;
        const picks = n <= PER_SERIES ? se.instances : Array.from({ length: PER_SERIES }, (_, i) => se.instances[Math.round(((i + 0.5) * n) / PER_SERIES - 0.5)]);
        return picks.map((i) => ({
          src: `/dicomweb/studies/${st.studyInstanceUid}/series/${se.seriesInstanceUid}/instances/${i.sopInstanceUid}/rendered?vs=${session.id}`,
          seriesUid: se.seriesInstanceUid,
          label: `${se.seriesNumber ?? ''}-${i.instanceNumber ?? ''}`,
        }));
      });
      return { ...st, images };
    }),
  );
  return (
    <main className="film">
      <header className="film-head">
        <h1>云胶片</h1>
        <span>{maskName(patient?.name ?? '')}</span>
        <a className="film-open" href={`/viewer?vs=${session.id}`}>打开影像浏览器</a>
      </header>
      {films.length === 0 && <p className="empty">暂无影像。</p>}
      {films.map((f) => (
        <section key={f.studyInstanceUid} className="film-sheet" aria-label={f.label}>
          <h2>{f.label} · {f.hospital}</h2>
          <div className="film-grid">
            {f.images.map((img) => (
              <figure key={img.src}>
                {/* A tap opens the viewer on this image's series. */}
                <a href={`/viewer?vs=${session.id}&series=${img.seriesUid}`} title="在影像浏览器中查看">
                  {/* eslint-disable-next-line @next/next/no-img-element -- rendered on demand by WADO-RS, session-scoped: not for the image optimizer */}
                  <img src={img.src} alt={`图像 ${img.label}`} loading="lazy" data-testid="film-image" data-series-uid={img.seriesUid} />
                </a>
                <figcaption>{img.label}</figcaption>
              </figure>
            ))}
          </div>
        </section>
      ))}
    </main>
  );
}
