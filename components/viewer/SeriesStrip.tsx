'use client';
// Series thumbnails, grouped by study: a column beside the viewports on a PC, a horizontal strip on a
// phone. Drag one onto a viewport (mouse), or tap/click it to open it in the current viewport.
import { useEffect, useRef, type DragEvent } from 'react';
import type { SeriesSummary } from './dicomweb';
import { SERIES_MIME } from './ViewportPane';

export interface StudyGroup {
  studyUid: string;
  label: string;
  hospital?: string;
  compare?: boolean;
  series: SeriesSummary[];
  loading: boolean;
  error?: string;
}

interface Props {
  groups: StudyGroup[];
  thumbs: Record<string, string | null>;
  /** series key → viewport numbers (1-based) showing it */
  shownIn: Record<string, number[]>;
  compact: boolean;
  onPick: (key: string) => void;
}

export default function SeriesStrip({ groups, thumbs, shownIn, compact, onPick }: Props) {
  const onDragStart = (e: DragEvent, key: string) => {
    e.dataTransfer.setData(SERIES_MIME, key);
    e.dataTransfer.setData('text/plain', key);
    e.dataTransfer.effectAllowed = 'copy';
  };
  // Keep the shown series in sight (a series opened from a film image may sit far down the list).
  // The strip scrolls itself: scrollIntoView would scroll the page too.
  const navRef = useRef<HTMLElement>(null);
  const shownKey = Object.keys(shownIn).filter((k) => shownIn[k].length).join('|');
  useEffect(() => {
    const nav = navRef.current;
    const el = nav?.querySelector<HTMLElement>('.yv-thumb.is-shown');
    if (!nav || !el) return;
    const n = nav.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.top < n.top || r.bottom > n.bottom) nav.scrollTop += r.top - n.top - 8;
    if (r.left < n.left || r.right > n.right) nav.scrollLeft += r.left - n.left - 8;
  }, [shownKey]);
  return (
    <nav ref={navRef} className={`yv-series${compact ? ' is-compact' : ''}`} aria-label="序列">
      {groups.map((g) => (
        <section key={g.studyUid} className={`yv-study${g.compare ? ' is-compare' : ''}`}>
          <h3 className="yv-study-label" title={g.hospital ? `${g.label} · ${g.hospital}` : g.label}>
            {g.compare && <span className="yv-badge">对比</span>}
            {g.label}
          </h3>
          {g.loading && <p className="yv-muted">序列加载中…</p>}
          {g.error && <p className="yv-error-text">{g.error}</p>}
          {!g.loading && !g.error && g.series.length === 0 && <p className="yv-muted">暂无影像</p>}
          <ul>
            {g.series.map((s) => {
              const url = thumbs[s.key];
              const shown = shownIn[s.key] ?? [];
              return (
                <li key={s.key}>
                  <button
                    type="button"
                    className={`yv-thumb${shown.length ? ' is-shown' : ''}`}
                    data-testid="series-thumb"
                    data-series-uid={s.seriesUid}
                    draggable={s.hasPixels}
                    disabled={!s.hasPixels}
                    onDragStart={(e) => onDragStart(e, s.key)}
                    onClick={() => onPick(s.key)}
                    title={`${s.modality} 序列 ${s.number ?? ''} ${s.description}（${s.images} 幅）${compact ? '' : '：拖入视窗或点击打开'}`}
                  >
                    <span className="yv-thumb-img">
                      {url ? (
                        // eslint-disable-next-line @next/next/no-img-element -- a blob: URL of our own thumbnail route
                        <img src={url} alt="" draggable={false} />
                      ) : (
                        <span className="yv-thumb-ph">{s.hasPixels ? s.modality || '…' : '非图像'}</span>
                      )}
                      {shown.length > 0 && <span className="yv-thumb-in">{shown.join(',')}</span>}
                      <span className="yv-thumb-count">{s.images}</span>
                    </span>
                    <span className="yv-thumb-label">
                      {s.modality} {s.number !== undefined ? `#${s.number}` : ''} {s.description}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </nav>
  );
}
