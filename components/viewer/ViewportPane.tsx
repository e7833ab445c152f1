'use client';
// One viewport: a Cornerstone StackViewport for one series, its corner overlay, load progress and
// errors, and the drop target for a dragged series thumbnail.
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { Enums, eventTarget, utilities, type RenderingEngine, type Types } from '@cornerstonejs/core';
import { ToolGroupManager } from '@cornerstonejs/tools';
import type { SeriesStack, SeriesSummary } from './dicomweb';
import { failureOf, forgetFailures, loadImage, outwardOrder, prefetch } from './loading';
import { cache } from '@cornerstonejs/core';

export const SERIES_MIME = 'application/x-yingyun-series';

export interface OverlayState {
  index: number;
  total: number;
  windowWidth?: number;
  windowCenter?: number;
  zoom?: number;
  rotation: number;
  flipH: boolean;
  flipV: boolean;
  invert: boolean;
}

export interface PaneStatus {
  stack: SeriesStack | null;
  loaded: number;
  failed: number;
  /** Images scheduled for loading (all of them unless the cache is too small). */
  target: number;
  firstImageAt?: number;
  allLoadedAt?: number;
}

interface Props {
  index: number;
  engine: RenderingEngine;
  toolGroupId: string;
  viewportId: string;
  series: SeriesSummary | null;
  loadStack: (s: SeriesSummary) => Promise<SeriesStack>;
  active: boolean;
  patientName: string;
  compact: boolean;
  showLabel: boolean;
  onActivate: (index: number) => void;
  onDropSeries: (index: number, key: string) => void;
  onStatus: (index: number, status: PaneStatus) => void;
  onToggleMaximize: (index: number) => void;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits));

function formatDate(d: string): string {
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
}

interface Progress {
  loaded: number;
  failed: number;
  target: number;
  total: number;
}
const NO_PROGRESS: Progress = { loaded: 0, failed: 0, target: 0, total: 0 };
interface LoadState {
  key: string;
  phase: 'ready' | 'error';
  message: string;
  stack: SeriesStack | null;
  progress: Progress;
}

export default function ViewportPane(props: Props) {
  const { index, engine, toolGroupId, viewportId, series, loadStack, active, patientName, compact, showLabel, onActivate, onDropSeries, onStatus, onToggleMaximize } = props;
  const elementRef = useRef<HTMLDivElement>(null);
  const [enabled, setEnabled] = useState(false);
  // What was loaded, for which series (state of another series is ignored, not reset).
  const [load, setLoad] = useState<LoadState | null>(null);
  const [overlay, setOverlay] = useState<OverlayState>({ index: 0, total: 0, rotation: 0, flipH: false, flipV: false, invert: false });
  const [imageErr, setImageErr] = useState<{ key: string; text: string } | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const statusRef = useRef<PaneStatus>({ stack: null, loaded: 0, failed: 0, target: 0 });
  const requestedRef = useRef<number>(-1);
  const seriesKey = series?.key;
  const keyRef = useRef(seriesKey);
  useEffect(() => {
    keyRef.current = seriesKey;
  }, [seriesKey]);
  const setImageError = useCallback((text: string | null) => setImageErr(text && keyRef.current ? { key: keyRef.current, text } : null), []);
  const cur = series && enabled && load?.key === series.key ? load : null;
  const phase: 'empty' | 'loading' | 'ready' | 'error' = !series || !enabled ? 'empty' : cur ? cur.phase : 'loading';
  const stack = cur?.stack ?? null;
  const message = cur?.message ?? '';
  const progress = cur?.progress ?? NO_PROGRESS;
  const imageError = imageErr && imageErr.key === seriesKey ? imageErr.text : null;

  const viewport = useCallback((): Types.IStackViewport | undefined => {
    if (engine.hasBeenDestroyed) return undefined;
    return engine.getViewport(viewportId) as Types.IStackViewport | undefined;
  }, [engine, viewportId]);

  // Enable the element on the rendering engine, for as long as this pane is mounted.
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    engine.enableElement({ viewportId, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] as Types.Point3 } });
    ToolGroupManager.getToolGroup(toolGroupId)?.addViewport(viewportId, engine.id);
    setEnabled(true);
    return () => {
      setEnabled(false);
      try {
        ToolGroupManager.getToolGroup(toolGroupId)?.removeViewports(engine.id, viewportId);
      } catch {
        /* tool group already destroyed */
      }
      if (!engine.hasBeenDestroyed) {
        try {
          engine.disableElement(viewportId);
        } catch {
          /* already gone */
        }
      }
    };
  }, [engine, toolGroupId, viewportId]);

  const report = useCallback(
    (patch: Partial<PaneStatus>) => {
      statusRef.current = { ...statusRef.current, ...patch };
      onStatus(index, statusRef.current);
    },
    [index, onStatus],
  );

  // Overlay values follow every render (W/L drags, zoom, scroll), at most once per frame.
  useEffect(() => {
    const element = elementRef.current;
    if (!element || !enabled) return;
    let raf = 0;
    const update = () => {
      raf = 0;
      const vp = viewport();
      if (!vp || !vp.getImageIds().length) return;
      const props = vp.getProperties();
      const range = props.voiRange;
      const wl = range ? utilities.windowLevel.toWindowLevel(range.lower, range.upper) : undefined;
      let zoom: number | undefined;
      try {
        const cam = vp.getCamera();
        const image = vp.getCornerstoneImage?.();
        const spacing = image?.columnPixelSpacing || 1;
        if (cam.parallelScale && element.clientHeight) zoom = (element.clientHeight / (2 * cam.parallelScale)) * spacing * 100;
        setOverlay((o) => {
          const next: OverlayState = {
            index: vp.getCurrentImageIdIndex(),
            total: vp.getImageIds().length,
            windowWidth: wl?.windowWidth,
            windowCenter: wl?.windowCenter,
            zoom,
            rotation: vp.getRotation?.() ?? 0,
            flipH: !!cam.flipHorizontal,
            flipV: !!cam.flipVertical,
            invert: !!props.invert,
          };
          return JSON.stringify(next) === JSON.stringify(o) ? o : next;
        });
      } catch {
        /* viewport without an image yet */
      }
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(update);
    };
    const onNewImage = (e: Event) => {
      const d = (e as CustomEvent<{ imageIdIndex: number }>).detail;
      if (d.imageIdIndex === requestedRef.current) setImageError(null);
      if (!statusRef.current.firstImageAt) report({ firstImageAt: performance.now() });
      schedule();
    };
    const onPre = (e: Event) => {
      const d = (e as CustomEvent<{ imageId: string; imageIdIndex: number }>).detail;
      requestedRef.current = d.imageIdIndex;
      const why = failureOf(d.imageId);
      setImageError(why ?? null);
      setOverlay((o) => ({ ...o, index: d.imageIdIndex }));
    };
    const onLoadError = (e: Event) => {
      const d = (e as CustomEvent<{ imageId?: string }>).detail;
      const vp = viewport();
      if (!d?.imageId || !vp) return;
      const i = vp.getImageIds().indexOf(d.imageId);
      if (i < 0 || i !== requestedRef.current) return;
      const info = statusRef.current.stack?.images[i];
      if (!info) return;
      // Give the server decoder its chance, then show the image or say why not.
      void loadImage(info, 10, Enums.RequestType.Interaction).then((ok) => {
        if (requestedRef.current !== i) return;
        if (ok) void vp.setImageIdIndex(i).catch(() => undefined);
        else setImageError(failureOf(info.imageId) ?? '该图像无法解码');
      });
    };
    element.addEventListener(Enums.Events.IMAGE_RENDERED, schedule);
    element.addEventListener(Enums.Events.CAMERA_MODIFIED, schedule);
    element.addEventListener(Enums.Events.VOI_MODIFIED, schedule);
    element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
    element.addEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onPre);
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    return () => {
      if (raf) cancelAnimationFrame(raf);
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, schedule);
      element.removeEventListener(Enums.Events.CAMERA_MODIFIED, schedule);
      element.removeEventListener(Enums.Events.VOI_MODIFIED, schedule);
      element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
      element.removeEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onPre);
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    };
  }, [enabled, viewport, report, setImageError]);

  // Show the series: metadata first, then the middle image, then the rest of the series.
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      report({ stack: null, loaded: 0, failed: 0, target: 0, firstImageAt: undefined, allLoadedAt: undefined });
      if (!enabled || !series) return;
      const key = series.key;
      let st: SeriesStack;
      try {
        st = await loadStack(series);
      } catch (e) {
        if (!abort.signal.aborted) setLoad({ key, phase: 'error', message: `序列信息加载失败（${(e as Error).message}）`, stack: null, progress: NO_PROGRESS });
        return;
      }
      if (abort.signal.aborted) return;
      const vp = viewport();
      if (!vp) return;
      if (!st.images.length) {
        setLoad({ key, phase: 'error', message: '该序列没有可显示的图像', stack: st, progress: NO_PROGRESS });
        return;
      }
      forgetFailures(st.images);
      const n = st.images.length;
      const start = Math.floor((n - 1) / 2);
      requestedRef.current = start;
      const ok = await loadImage(st.images[start], 10, Enums.RequestType.Interaction);
      if (abort.signal.aborted) return;
      // The viewport loads the image again itself: wait for it only when it can be shown, so that a
      // failed image says so now rather than after a second failed attempt.
      const shown = vp.setStack(st.imageIds, start).catch(() => undefined); // the message below says why
      if (ok) await shown;
      if (abort.signal.aborted) return;
      vp.resetCamera();
      vp.render();
      setImageError(ok ? null : (failureOf(st.images[start].imageId) ?? '该图像无法解码'));
      setOverlay((o) => ({ ...o, index: start, total: n }));
      let loaded = ok ? 1 : 0;
      let failed = ok ? 0 : 1;
      // Prefetch what the cache can hold, nearest first.
      const size = cache.getImage(st.imageIds[start])?.sizeInBytes;
      const budget = size ? Math.max(1, Math.floor((cache.getMaxCacheSize() * 0.8) / size)) : n;
      const order = outwardOrder(n, start).slice(0, Math.max(0, Math.min(n, budget) - 1));
      const target = order.length + 1;
      setLoad({ key, phase: 'ready', message: '', stack: st, progress: { loaded, failed, target, total: n } });
      report({ stack: st, loaded, failed, target, ...(order.length ? {} : { allLoadedAt: performance.now() }) });
      await prefetch(
        st.images,
        order,
        (good) => {
          if (good) loaded++;
          else failed++;
          setLoad((l) => (l && l.key === key ? { ...l, progress: { loaded, failed, target, total: n } } : l));
          report({ loaded, failed, ...(loaded + failed >= target ? { allLoadedAt: performance.now() } : {}) });
        },
        abort.signal,
      );
    })();
    return () => abort.abort();
    // `series` is identified by its key; loadStack and report are stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, seriesKey, viewport, setImageError]);

  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer.types.includes(SERIES_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setDragOver(true);
    }
  };
  const onDrop = (e: DragEvent) => {
    const key = e.dataTransfer.getData(SERIES_MIME);
    setDragOver(false);
    if (key) {
      e.preventDefault();
      onDropSeries(index, key);
    }
  };

  const info = stack?.images[overlay.index];
  const loading = progress.target > 0 && progress.loaded + progress.failed < progress.target;
  const pct = progress.target ? Math.round(((progress.loaded + progress.failed) / progress.target) * 100) : 0;

  return (
    <div
      className={`yv-pane${active ? ' is-active' : ''}${dragOver ? ' is-dragover' : ''}${(phase === 'ready' && imageError) || phase === 'error' ? ' has-error' : ''}`}
      data-testid="viewport"
      data-index={index}
      data-series-uid={series?.seriesUid ?? ''}
      data-phase={phase}
      onPointerDownCapture={() => onActivate(index)}
      onDoubleClick={() => onToggleMaximize(index)}
      onDragOver={onDragOver}
      onDragLeave={() => setDragOver(false)}
      onDrop={onDrop}
    >
      <div ref={elementRef} className="yv-element" onContextMenu={(e) => e.preventDefault()} />
      {phase === 'empty' && (
        <div className="yv-pane-empty">
          <span>{compact ? '点选下方缩略图打开序列' : '拖入左侧序列缩略图，或点选缩略图打开'}</span>
        </div>
      )}
      {phase === 'loading' && (
        <div className="yv-pane-center" role="status">
          <span className="yv-spinner" aria-hidden="true" />
          <span>影像加载中…</span>
        </div>
      )}
      {phase === 'error' && (
        <div className="yv-pane-center yv-error" role="alert" data-testid="viewport-error">
          {message}
        </div>
      )}
      {phase === 'ready' && imageError && (
        <div className="yv-pane-center yv-error" role="alert" data-testid="viewport-error">
          {imageError}
        </div>
      )}
      {stack && phase === 'ready' && (
        <div className={`yv-overlay${compact ? ' is-compact' : ''}`} aria-hidden="false">
          <div className="yv-corner tl">
            {!compact && stack.institution && <div data-testid="overlay-institution">{stack.institution}</div>}
            <div data-testid="overlay-patient">{patientName}</div>
            {!compact && stack.studyDate && <div>{formatDate(stack.studyDate)}</div>}
          </div>
          <div className="yv-corner tr">
            <div data-testid="overlay-series">
              {stack.modality} 序列 {stack.seriesNumber ?? '—'}
              {stack.description ? ` ${stack.description}` : ''}
            </div>
            <div>
              图像 <span data-testid="overlay-instance">{`${overlay.index + 1} / ${overlay.total || stack.images.length}`}</span>
              {!compact && info?.instanceNumber !== undefined && <span className="yv-dim"> （Im {info.instanceNumber}{info.frames > 1 ? ` 帧 ${info.frame}` : ''}）</span>}
            </div>
            {info?.sliceLocation !== undefined ? (
              <div>层位置 {fmt(info.sliceLocation, 1)} mm</div>
            ) : info?.position ? (
              !compact && <div>位置 {info.position.map((v) => v.toFixed(1)).join(', ')}</div>
            ) : null}
          </div>
          <div className="yv-corner bl">
            <div data-testid="overlay-wl">
              窗宽 W:{fmt(overlay.windowWidth)} 窗位 L:{fmt(overlay.windowCenter)}
            </div>
            {overlay.invert && <div>反色</div>}
          </div>
          <div className="yv-corner br">
            <div data-testid="overlay-zoom">缩放 {fmt(overlay.zoom)}%</div>
            {(overlay.rotation || overlay.flipH || overlay.flipV) && (
              <div>
                {overlay.rotation ? `旋转 ${Math.round(overlay.rotation)}° ` : ''}
                {overlay.flipH ? '水平翻转 ' : ''}
                {overlay.flipV ? '垂直翻转' : ''}
              </div>
            )}
          </div>
        </div>
      )}
      {showLabel && <div className="yv-pane-no">{index + 1}</div>}
      {stack && phase === 'ready' && stack.images.length > 1 && (
        <SliceBar index={overlay.index} total={stack.images.length} onIndex={(i) => void viewport()?.setImageIdIndex(i).catch(() => undefined)} />
      )}
      {progress.total > 1 && (
        <div className={`yv-progress${loading ? '' : ' is-done'}`} data-testid="load-progress" data-loaded={progress.loaded} data-failed={progress.failed} data-target={progress.target} data-total={progress.total}>
          <div className="yv-progress-bar" style={{ width: `${pct}%` }} />
          <span>
            {progress.target < progress.total ? `已预载 ${progress.loaded}/${progress.target}（共 ${progress.total} 幅）` : `已加载 ${progress.loaded}/${progress.total}`}
            {progress.failed ? `，${progress.failed} 幅无法解码` : ''}
          </span>
        </div>
      )}
    </div>
  );
}

/** A vertical scrollbar for the stack (drag or tap; also a keyboard-accessible slider). */
function SliceBar({ index, total, onIndex }: { index: number; total: number; onIndex: (i: number) => void }) {
  const trackRef = useRef<HTMLDivElement>(null);
  const at = (clientY: number) => {
    const r = trackRef.current!.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientY - r.top) / Math.max(1, r.height)));
    return Math.round(f * (total - 1));
  };
  const thumb = Math.max(6, 100 / total);
  return (
    <div
      ref={trackRef}
      className="yv-slicebar"
      role="slider"
      tabIndex={-1}
      aria-label="翻页"
      aria-valuemin={1}
      aria-valuemax={total}
      aria-valuenow={index + 1}
      data-testid="slice-slider"
      onPointerDown={(e) => {
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        onIndex(at(e.clientY));
      }}
      onPointerMove={(e) => {
        if (e.currentTarget.hasPointerCapture(e.pointerId)) onIndex(at(e.clientY));
      }}
    >
      <div className="yv-slicebar-thumb" style={{ top: `${(index / Math.max(1, total - 1)) * (100 - thumb)}%`, height: `${thumb}%` }} />
    </div>
  );
}
