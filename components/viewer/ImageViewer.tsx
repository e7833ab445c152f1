'use client';
// The DICOM viewer (Cornerstone3D 5.x, browser-only): series thumbnails, 1×1 / 1×2 / 2×2 stack
// viewports fed by our DICOMweb routes, window/level and measurement tools, cine, compare with a
// prior exam (synchronised), phone gestures. Sized by its container.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Enums, RenderingEngine, utilities as csUtils, type Types } from '@cornerstonejs/core';
import {
  annotation,
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  SynchronizerManager,
  synchronizers,
  ToolGroupManager,
  utilities as toolUtils,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { initCornerstone, isPhoneLike, setViewSession, type CornerstoneInfo } from './cornerstone';
import { DicomWeb, type SeriesStack, type SeriesSummary } from './dicomweb';
import { Icon } from './icons';
import SeriesStrip, { type StudyGroup } from './SeriesStrip';
import { savePanePng } from './snapshot';
import Toolbar, { type Layout } from './Toolbar';
import { ACTIONS, CT_PRESETS, DEFAULT_PRESET, MEASURE_TOOL_NAMES, presetsFor, SHORTCUTS, TOOL_CONFIG, TOOLS, TOUCH_HELP, type ActionId, type ToolId, type WindowPreset } from './tools';
import type { ViewerTestApi } from './testApi';
import type { ImageViewerProps, ViewerStudy } from './types';
import ViewportPane, { type PaneStatus } from './ViewportPane';
import { loadImage } from './loading';

const { MouseBindings } = ToolEnums;
const PANES: Record<Layout, number> = { '1x1': 1, '1x2': 2, '2x2': 4 };
let engineSeq = 0;

interface Cs {
  engine: RenderingEngine;
  toolGroupId: string;
  info: CornerstoneInfo;
}

export default function ImageViewer({ studies, sessionRef, dicomwebRoot = '/dicomweb', patientName, initialLayout, initialSeries, compareStudies = [] }: ImageViewerProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const [cs, setCs] = useState<Cs | null>(null);
  const [initError, setInitError] = useState<string | null>(null);
  const [compact, setCompact] = useState(() => isPhoneLike());
  const [layout, setLayout] = useState<Layout>(initialLayout ?? '1x1');
  const [assigned, setAssigned] = useState<(string | null)[]>([null, null, null, null]);
  const [active, setActive] = useState(0);
  const [maximized, setMaximized] = useState<number | null>(null);
  const [tool, setTool] = useState<ToolId>('wl');
  const [groups, setGroups] = useState<StudyGroup[]>(() => studies.map((s) => ({ studyUid: s.studyInstanceUid, label: s.label, hospital: s.hospital, series: [], loading: true })));
  const [thumbs, setThumbs] = useState<Record<string, string | null>>({});
  const [status, setStatus] = useState<Record<number, PaneStatus>>({});
  const [compareStudy, setCompareStudy] = useState<ViewerStudy | null>(null);
  const [linked, setLinked] = useState(true);
  const [cine, setCine] = useState<{ playing: boolean; fps: number }>({ playing: false, fps: 10 });
  const [fullscreen, setFullscreen] = useState<'native' | 'css' | null>(null);
  const [help, setHelp] = useState(false);
  const [longPressImage, setLongPressImage] = useState<string | null>(null);
  const [invertShown, setInvertShown] = useState(false);
  const stacks = useRef(new Map<string, Promise<SeriesStack>>());
  const dw = useMemo(() => (typeof window === 'undefined' ? null : new DicomWeb(dicomwebRoot)), [dicomwebRoot]);

  // ---------------------------------------------------------------- Cornerstone engine + tool group
  useEffect(() => {
    setViewSession(sessionRef);
    let cancelled = false;
    let made: Cs | null = null;
    initCornerstone()
      .then((info) => {
        if (cancelled) return;
        const id = `yv-engine-${++engineSeq}`;
        const engine = new RenderingEngine(id);
        const toolGroupId = `${id}-tools`;
        const tg = ToolGroupManager.createToolGroup(toolGroupId)!;
        for (const t of TOOLS) tg.addTool(t.toolName, TOOL_CONFIG[t.toolName]);
        tg.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
        tg.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }, { numTouchPoints: 2 }] });
        tg.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
        tg.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
        for (const name of MEASURE_TOOL_NAMES) tg.setToolPassive(name);
        made = { engine, toolGroupId, info };
        setCs(made);
      })
      .catch((e: unknown) => {
        if (!cancelled) setInitError(`影像浏览器初始化失败：${(e as Error)?.message ?? e}`);
      });
    return () => {
      cancelled = true;
      if (made) {
        SynchronizerManager.getAllSynchronizers()
          .filter((s) => s.id.startsWith(made!.engine.id))
          .forEach((s) => SynchronizerManager.destroySynchronizer(s.id));
        ToolGroupManager.destroyToolGroup(made.toolGroupId);
        made.engine.destroy();
      }
    };
  }, [sessionRef]);

  // ---------------------------------------------------------------- container size → compact mode, engine resize
  useEffect(() => {
    const root = rootRef.current;
    if (!root || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setCompact(root.clientWidth < 720));
    ro.observe(root);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const grid = gridRef.current;
    if (!grid || !cs || typeof ResizeObserver === 'undefined') return;
    let raf = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(() => {
        if (!cs.engine.hasBeenDestroyed) cs.engine.resize(true, true);
      });
    });
    ro.observe(grid);
    return () => {
      cancelAnimationFrame(raf);
      ro.disconnect();
    };
  }, [cs]);

  // ---------------------------------------------------------------- stacks (metadata registered with the loader), cached per series
  const loadStack = useCallback(
    (s: SeriesSummary) => {
      let p = stacks.current.get(s.key);
      if (!p) {
        p = dw!.stack(s);
        p.catch(() => stacks.current.delete(s.key));
        stacks.current.set(s.key, p);
      }
      return p;
    },
    [dw],
  );

  /** Metadata, then the middle image, of a series: what its viewport will ask for first. */
  const warm = useCallback(
    async (s: SeriesSummary) => {
      const st = await loadStack(s);
      const mid = st.images[Math.floor((st.images.length - 1) / 2)];
      if (mid) await loadImage(mid, 10, Enums.RequestType.Interaction);
    },
    [loadStack],
  );

  // ---------------------------------------------------------------- series of every study (and of the compare study)
  const studyKey = studies.map((s) => s.studyInstanceUid).join(',');
  useEffect(() => {
    if (!dw) return;
    const abort = new AbortController();
    const list = studies.map((s) => ({ studyUid: s.studyInstanceUid, label: s.label, hospital: s.hospital }));
    Promise.all(
      list.map(async (g): Promise<StudyGroup> => {
        try {
          return { ...g, series: await dw.seriesOf(g.studyUid, g.label, abort.signal), loading: false };
        } catch (e) {
          return { ...g, series: [], loading: false, error: abort.signal.aborted ? undefined : `序列列表加载失败（${(e as Error).message}）` };
        }
      }),
    ).then((loaded) => {
      if (abort.signal.aborted) return;
      setGroups((cur) => [...loaded, ...cur.filter((g) => g.compare)]);
      // Open the first series (or the first few, for a multi-viewport start); a requested one goes first.
      const withPixels = loaded.flatMap((g) => g.series.filter((s) => s.hasPixels));
      const first = [...withPixels.filter((s) => s.seriesUid === initialSeries), ...withPixels.filter((s) => s.seriesUid !== initialSeries)];
      setAssigned((cur) => (cur.some(Boolean) ? cur : [0, 1, 2, 3].map((i) => first[i]?.key ?? null)));
      // Start on the first viewport's metadata and middle image now, while the engine is still being set up.
      if (first[0]) {
        void warm(first[0]).catch(() => undefined);
      }
    });
    return () => abort.abort();
    // studies are identified by their UIDs
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dw, studyKey, warm]);

  const allSeries = useMemo(() => new Map(groups.flatMap((g) => g.series).map((s) => [s.key, s])), [groups]);

  // ---------------------------------------------------------------- thumbnails, after the first image is on screen
  const firstShown = Object.values(status).some((s) => s.firstImageAt);
  const [thumbsGo, setThumbsGo] = useState(false);
  useEffect(() => {
    if (firstShown) {
      setThumbsGo(true);
      return;
    }
    const t = setTimeout(() => setThumbsGo(true), 2500);
    return () => clearTimeout(t);
  }, [firstShown]);
  const clientThumbnail = useCallback(
    async (s: SeriesSummary): Promise<string | null> => {
      try {
        const st = await loadStack(s);
        const img = st.images[Math.floor((st.images.length - 1) / 2)];
        if (!img) return null;
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 128;
        await csUtils.loadImageToCanvas({ canvas, imageId: img.imageId, thumbnail: true });
        return await new Promise<string | null>((r) => canvas.toBlob((b) => r(b ? URL.createObjectURL(b) : null), 'image/jpeg', 0.85));
      } catch {
        return null;
      }
    },
    [loadStack],
  );
  const thumbsRef = useRef<Record<string, string | null>>({});
  useEffect(() => {
    if (!thumbsGo || !dw) return;
    const abort = new AbortController();
    const todo = [...allSeries.values()].filter((s) => s.hasPixels && !(s.key in thumbsRef.current));
    let next = 0;
    const worker = async () => {
      while (!abort.signal.aborted && next < todo.length) {
        const s = todo[next++];
        thumbsRef.current[s.key] = null;
        // The server's thumbnail; where the server cannot decode the frame, the first frame drawn here.
        const url = (await dw.thumbnail(s, abort.signal).catch(() => null)) ?? (abort.signal.aborted ? null : await clientThumbnail(s));
        if (abort.signal.aborted) {
          if (url) URL.revokeObjectURL(url);
          delete thumbsRef.current[s.key];
          return;
        }
        thumbsRef.current[s.key] = url;
        setThumbs((t) => ({ ...t, [s.key]: url }));
      }
    };
    void Promise.all([worker(), worker(), worker()]);
    return () => abort.abort();
  }, [thumbsGo, dw, allSeries, clientThumbnail]);
  useEffect(
    () => () => {
      for (const url of Object.values(thumbsRef.current)) if (url) URL.revokeObjectURL(url);
    },
    [],
  );

  // ---------------------------------------------------------------- panes
  const visible = useMemo(() => (maximized !== null ? [maximized] : Array.from({ length: PANES[layout] }, (_, i) => i)), [layout, maximized]);
  const viewportIdOf = useCallback((i: number) => (cs ? `${cs.engine.id}-vp${i}` : ''), [cs]);
  const viewportOf = useCallback(
    (i: number): Types.IStackViewport | undefined => {
      if (!cs || cs.engine.hasBeenDestroyed) return undefined;
      const vp = cs.engine.getViewport(viewportIdOf(i)) as Types.IStackViewport | undefined;
      return vp && vp.getImageIds().length ? vp : undefined;
    },
    [cs, viewportIdOf],
  );
  const onStatus = useCallback((i: number, s: PaneStatus) => setStatus((cur) => ({ ...cur, [i]: s })), []);
  const assign = useCallback((i: number, key: string) => {
    setAssigned((cur) => cur.map((k, j) => (j === i ? key : k)));
    setActive(i);
  }, []);
  const onPick = useCallback((key: string) => assign(active, key), [active, assign]);
  const shownIn = useMemo(() => {
    const m: Record<string, number[]> = {};
    for (const i of visible) if (assigned[i]) (m[assigned[i]!] ??= []).push(i + 1);
    return m;
  }, [visible, assigned]);
  const onActivate = useCallback((i: number) => {
    setActive(i);
    rootRef.current?.focus({ preventScroll: true });
  }, []);
  const onToggleMaximize = useCallback((i: number) => setMaximized((m) => (m === null && PANES[layout] > 1 ? i : null)), [layout]);

  // ---------------------------------------------------------------- tools
  useEffect(() => {
    if (!cs) return;
    const tg = ToolGroupManager.getToolGroup(cs.toolGroupId);
    if (!tg) return;
    const name = TOOLS.find((t) => t.id === tool)!.toolName;
    const current = tg.getActivePrimaryMouseButtonTool();
    if (current === name) return;
    if (current) tg.setToolPassive(current);
    tg.setToolActive(name, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  }, [cs, tool]);

  const activeStack = status[active]?.stack ?? null;
  const presets = presetsFor(activeStack?.modality ?? '');

  const renderAll = useCallback(() => {
    if (cs && !cs.engine.hasBeenDestroyed) cs.engine.render();
  }, [cs]);

  const applyPreset = useCallback(
    (p: WindowPreset) => {
      const vp = viewportOf(active);
      if (!vp) return;
      if (p.width === undefined || p.center === undefined) {
        const invert = vp.getProperties().invert;
        vp.resetProperties();
        if (invert) vp.setProperties({ invert });
      } else {
        vp.setProperties({ voiRange: csUtils.windowLevel.toLowHighRange(p.width, p.center) });
      }
      vp.render();
    },
    [active, viewportOf],
  );

  const paneElement = (i: number) => rootRef.current?.querySelector<HTMLElement>(`.yv-pane[data-index="${i}"]`) ?? null;

  const stopCine = useCallback(() => {
    for (const i of [0, 1, 2, 3]) {
      const vp = viewportOf(i);
      if (vp) toolUtils.cine.stopClip(vp.element);
    }
    setCine((c) => ({ ...c, playing: false }));
  }, [viewportOf]);

  const toggleFullscreen = useCallback(() => {
    const root = rootRef.current;
    if (!root) return;
    if (fullscreen === 'native') {
      void document.exitFullscreen?.();
      return;
    }
    if (fullscreen === 'css') {
      setFullscreen(null);
      return;
    }
    if (root.requestFullscreen && document.fullscreenEnabled) {
      root.requestFullscreen().then(
        () => setFullscreen('native'),
        () => setFullscreen('css'),
      );
    } else setFullscreen('css'); // iPhone Safari, some in-app browsers: fill the window instead
  }, [fullscreen]);
  useEffect(() => {
    const on = () => {
      if (!document.fullscreenElement) setFullscreen((f) => (f === 'native' ? null : f));
    };
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);

  const doAction = useCallback(
    (a: ActionId) => {
      const vp = viewportOf(active);
      switch (a) {
        case 'invert':
          if (vp) {
            const invert = !vp.getProperties().invert;
            vp.setProperties({ invert });
            vp.render();
            setInvertShown(invert);
          }
          return;
        case 'rotate':
          if (vp) {
            vp.setViewPresentation({ rotation: ((vp.getRotation() ?? 0) + 90) % 360 });
            vp.render();
          }
          return;
        case 'flipH':
        case 'flipV':
          if (vp) {
            const cam = vp.getCamera();
            vp.setCamera(a === 'flipH' ? { flipHorizontal: !cam.flipHorizontal } : { flipVertical: !cam.flipVertical });
            vp.render();
          }
          return;
        case 'reset':
          if (vp) {
            vp.setCamera({ flipHorizontal: false, flipVertical: false });
            vp.setViewPresentation({ rotation: 0 });
            vp.resetCamera();
            vp.resetProperties();
            vp.render();
            setInvertShown(false);
          }
          return;
        case 'cine':
          if (cine.playing) stopCine();
          else if (vp && vp.getImageIds().length > 1) {
            toolUtils.cine.playClip(vp.element, { framesPerSecond: cine.fps, loop: true });
            setCine((c) => ({ ...c, playing: true }));
          }
          return;
        case 'clear':
          annotation.state.removeAllAnnotations();
          renderAll();
          return;
        case 'fullscreen':
          toggleFullscreen();
          return;
        case 'save': {
          const pane = paneElement(active);
          if (pane) void savePanePng(pane, `影像-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '')}.png`, setLongPressImage);
          return;
        }
        case 'help':
          setHelp((h) => !h);
          return;
      }
    },
    [active, viewportOf, cine, stopCine, renderAll, toggleFullscreen],
  );

  const setFps = useCallback(
    (fps: number) => {
      setCine((c) => ({ ...c, fps }));
      const vp = viewportOf(active);
      if (cine.playing && vp) {
        toolUtils.cine.stopClip(vp.element);
        toolUtils.cine.playClip(vp.element, { framesPerSecond: fps, loop: true });
      }
    },
    [active, cine.playing, viewportOf],
  );

  // Stop cine when its viewport changes series or leaves the layout.
  const assignedKey = assigned.join('|');
  useEffect(() => {
    stopCine();
  }, [assignedKey, layout, stopCine]);

  useEffect(() => {
    setInvertShown(!!viewportOf(active)?.getProperties().invert);
  }, [active, viewportOf, status]);

  // ---------------------------------------------------------------- compare with a prior exam, synchronisers
  const compareCandidates = useMemo(() => {
    const seen = new Set<string>();
    return [...compareStudies, ...(studies.length > 1 ? studies : [])].filter((s) => {
      if (seen.has(s.studyInstanceUid)) return false;
      seen.add(s.studyInstanceUid);
      return true;
    });
  }, [compareStudies, studies]);

  const openCompare = useCallback(
    async (s: ViewerStudy | null) => {
      if (!s) {
        setCompareStudy(null);
        setGroups((g) => g.filter((x) => !x.compare));
        setLayout('1x1');
        setMaximized(null);
        return;
      }
      setCompareStudy(s);
      setMaximized(null);
      setLayout('1x2');
      setLinked(true);
      const currentKey = assigned[active] ?? assigned.find(Boolean) ?? null;
      const current = currentKey ? allSeries.get(currentKey) : undefined;
      let list = groups.find((g) => g.studyUid === s.studyInstanceUid)?.series;
      if (!list || !list.length) {
        setGroups((g) => [...g.filter((x) => !x.compare), { studyUid: s.studyInstanceUid, label: s.label, hospital: s.hospital, compare: true, series: [], loading: true }]);
        try {
          list = await dw!.seriesOf(s.studyInstanceUid, s.label);
          setGroups((g) => g.map((x) => (x.compare && x.studyUid === s.studyInstanceUid ? { ...x, series: list!, loading: false } : x)));
        } catch (e) {
          setGroups((g) => g.map((x) => (x.compare && x.studyUid === s.studyInstanceUid ? { ...x, loading: false, error: `序列列表加载失败（${(e as Error).message}）` } : x)));
          return;
        }
      }
      const images = list.filter((x) => x.hasPixels);
      const norm = (d: string) => d.toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]/g, '');
      const match =
        images.find((x) => current && x.modality === current.modality && norm(x.description) === norm(current.description)) ??
        images.find((x) => current && x.modality === current.modality) ??
        images[0];
      setAssigned((cur) => [currentKey, match?.key ?? null, cur[2], cur[3]]);
      setActive(0);
    },
    [active, allSeries, assigned, dw, groups],
  );

  // Scroll, zoom/pan and (same modality) window follow each other across the visible viewports that
  // show the same modality in the same orientation.
  const syncKey = visible
    .map((i) => {
      const st = status[i]?.stack;
      return st ? `${i}:${st.key}:${st.modality}:${st.plane}:${st.images.every((x) => x.position) ? 'p' : ''}` : `${i}:-`;
    })
    .join('|');
  useEffect(() => {
    if (!cs || !linked || visible.length < 2) return;
    const members = visible.map((i) => ({ i, st: status[i]?.stack })).filter((m) => m.st);
    const ref = members.find((m) => m.i === active) ?? members[0];
    if (!ref?.st) return;
    const same = members.filter((m) => m.st!.modality === ref.st!.modality && m.st!.plane === ref.st!.plane && m.st!.plane !== '');
    if (same.length < 2) return;
    const base = `${cs.engine.id}-sync-${Date.now()}`;
    const made = [synchronizers.createZoomPanSynchronizer(`${base}-zoompan`), synchronizers.createVOISynchronizer(`${base}-voi`, { syncInvertState: true, syncColormap: false })];
    if (same.every((m) => m.st!.images.every((x) => x.position))) made.push(synchronizers.createImageSliceSynchronizer(`${base}-slice`));
    for (const s of made) for (const m of same) s.add({ renderingEngineId: cs.engine.id, viewportId: viewportIdOf(m.i) });
    return () => {
      for (const s of made) SynchronizerManager.destroySynchronizer(s.id);
    };
    // syncKey summarises the stacks of the visible viewports
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cs, linked, syncKey, viewportIdOf]);

  // ---------------------------------------------------------------- keyboard
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.metaKey || e.ctrlKey) return;
    if (e.target instanceof HTMLButtonElement && (e.key === ' ' || e.key === 'Enter')) return;
    const vp = viewportOf(active);
    const k = e.key;
    const go = (to: (cur: number, n: number) => number) => {
      if (!vp) return;
      const n = vp.getImageIds().length;
      const i = Math.min(n - 1, Math.max(0, to(vp.getCurrentImageIdIndex(), n)));
      void vp.setImageIdIndex(i).catch(() => undefined);
    };
    const run = (): boolean => {
      if (k === 'ArrowDown' || k === 'ArrowRight' || k === 'PageDown') go((c) => c + 1);
      else if (k === 'ArrowUp' || k === 'ArrowLeft' || k === 'PageUp') go((c) => c - 1);
      else if (k === 'Home') go(() => 0);
      else if (k === 'End') go((_, n) => n - 1);
      else if (k === ' ') doAction('cine');
      else if (k === 'Escape') doAction('reset');
      else if (k === 'Delete' || k === 'Backspace') doAction('clear');
      else if (k === '?') doAction('help');
      else if (k === 'Tab') {
        if (visible.length < 2) return false;
        const pos = visible.indexOf(active);
        setActive(visible[(pos + (e.shiftKey ? visible.length - 1 : 1)) % visible.length]);
      } else if (k === DEFAULT_PRESET.key) applyPreset(DEFAULT_PRESET);
      else {
        const upper = k.toUpperCase();
        const t = TOOLS.find((x) => x.key === upper);
        const a = ACTIONS.find((x) => x.key === upper && x.key.length === 1);
        const p = activeStack?.modality === 'CT' ? CT_PRESETS.find((x) => x.key === k) : undefined;
        if (t) setTool(t.id);
        else if (a) doAction(a.id);
        else if (p) applyPreset(p);
        else return false;
      }
      return true;
    };
    if (run()) e.preventDefault();
  };

  // ---------------------------------------------------------------- a small hook for the browser tests (read-only state + the same commands as the UI)
  useEffect(() => {
    if (!cs) return;
    const api: ViewerTestApi = {
      cpu: cs.info.cpu,
      cacheMB: cs.info.cacheMB,
      series: () => [...allSeries.values()].map((s) => ({ key: s.key, studyUid: s.studyUid, seriesUid: s.seriesUid, modality: s.modality, images: s.images })),
      assign: (i: number, seriesUid: string) => {
        const s = [...allSeries.values()].find((x) => x.seriesUid === seriesUid);
        if (s) assign(i, s.key);
        return !!s;
      },
      setLayout: (l: Layout) => setLayout(l),
      status: () =>
        [0, 1, 2, 3].map((i) => {
          const s = status[i];
          return { index: i, series: s?.stack?.key ?? null, loaded: s?.loaded ?? 0, failed: s?.failed ?? 0, target: s?.target ?? 0, firstImageAt: s?.firstImageAt ?? null, allLoadedAt: s?.allLoadedAt ?? null };
        }),
      viewport: (i: number) => {
        const vp = viewportOf(i);
        if (!vp) return null;
        const range = vp.getProperties().voiRange;
        const image = vp.getCornerstoneImage?.();
        const canvas = vp.getCanvas();
        const dpr = canvas.width / Math.max(1, canvas.clientWidth);
        let rect: { x: number; y: number; w: number; h: number } | null = null;
        const data = vp.getImageData?.();
        if (data && image) {
          const toIndex = (x: number, y: number) => data.imageData.indexToWorld!([x, y, 0]) as Types.Point3;
          const a = vp.worldToCanvas(toIndex(-0.5, -0.5));
          const b = vp.worldToCanvas(toIndex(image.columns - 0.5, image.rows - 0.5));
          rect = { x: Math.min(a[0], b[0]) * dpr, y: Math.min(a[1], b[1]) * dpr, w: Math.abs(b[0] - a[0]) * dpr, h: Math.abs(b[1] - a[1]) * dpr };
        }
        return { imageId: vp.getCurrentImageId(), imageIndex: vp.getCurrentImageIdIndex(), total: vp.getImageIds().length, voi: range ?? null, color: !!image?.color, rows: image?.rows, columns: image?.columns, rect, canvas: { width: canvas.width, height: canvas.height } };
      },
      /** The current image's stored values as the loader produced them (modality LUT applied when pre-scaled). */
      values: (i: number) => {
        const image = viewportOf(i)?.getCornerstoneImage?.();
        if (!image) return null;
        const px = image.getPixelData();
        let min = Infinity, max = -Infinity, sum = 0;
        for (let k = 0; k < px.length; k++) {
          const x = px[k];
          if (x < min) min = x;
          if (x > max) max = x;
          sum += x;
        }
        return { min, max, mean: sum / px.length, n: px.length, slope: image.slope, intercept: image.intercept, preScaled: !!image.preScale?.scaled };
      },
      setInterpolation: (i: number, nearest: boolean) => {
        const vp = viewportOf(i);
        if (!vp) return false;
        vp.setProperties({ interpolationType: nearest ? Enums.InterpolationType.NEAREST : Enums.InterpolationType.LINEAR });
        vp.render();
        return true;
      },
      setWindow: (i: number, width: number, center: number) => {
        const vp = viewportOf(i);
        if (!vp) return false;
        vp.setProperties({ voiRange: csUtils.windowLevel.toLowHighRange(width, center) });
        vp.render();
        return true;
      },
    };
    window.__yyViewer = api;
    return () => {
      if (window.__yyViewer === api) delete window.__yyViewer;
    };
  }, [cs, allSeries, status, viewportOf, assign]);

  // ---------------------------------------------------------------- render
  const noImages = groups.every((g) => !g.loading) && groups.every((g) => !g.series.some((s) => s.hasPixels));
  const strip = <SeriesStrip groups={groups} thumbs={thumbs} shownIn={shownIn} compact={compact} onPick={onPick} />;
  const cols = maximized !== null ? 1 : layout === '1x1' ? 1 : 2;
  const rows = maximized !== null ? 1 : layout === '2x2' ? 2 : 1;

  return (
    <div
      ref={rootRef}
      className={`yv-root${compact ? ' is-compact' : ''}${fullscreen ? ' is-fullscreen' : ''}${fullscreen === 'css' ? ' is-css-fullscreen' : ''}`}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onClickCapture={(e) => {
        // After a toolbar click the shortcuts keep working: focus back on the viewer (not on a button a menu removes).
        if ((e.target as HTMLElement).closest('.yv-toolbar-wrap')) requestAnimationFrame(() => rootRef.current?.focus({ preventScroll: true }));
      }}
      onWheelCapture={() => {
        if (!rootRef.current?.contains(document.activeElement)) rootRef.current?.focus({ preventScroll: true });
      }}
      data-testid="image-viewer"
      data-ready={cs ? '1' : '0'}
      data-cpu={cs?.info.cpu ? '1' : '0'}
      aria-label="影像浏览器"
    >
      <Toolbar
        compact={compact}
        tool={tool}
        onTool={setTool}
        presets={presets}
        onPreset={applyPreset}
        onAction={doAction}
        layout={layout}
        onLayout={(l) => {
          setMaximized(null);
          setLayout(l);
          if (active >= PANES[l]) setActive(0);
          // Fill the new viewports with the next series not yet shown.
          setAssigned((cur) => {
            const keys = [...allSeries.values()].filter((s) => s.hasPixels).map((s) => s.key);
            const out = [...cur];
            for (let i = 0; i < PANES[l]; i++) if (!out[i]) out[i] = keys.find((k) => !out.includes(k)) ?? null;
            return out;
          });
        }}
        cinePlaying={cine.playing}
        fps={cine.fps}
        onFps={setFps}
        fullscreen={!!fullscreen}
        compareCandidates={compareCandidates}
        compareStudy={compareStudy?.studyInstanceUid ?? null}
        onCompare={(s) => void openCompare(s)}
        showLink={visible.length > 1}
        linked={linked}
        onLinked={setLinked}
        invert={invertShown}
      />
      <div className="yv-body">
        <div className="yv-body-inner">
          {!compact && strip}
          <div ref={gridRef} className="yv-grid" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}>
            {initError ? (
              <div className="yv-pane-center yv-error" role="alert">
                {initError}
              </div>
            ) : noImages ? (
              <div className="yv-empty" data-testid="viewer-empty">
                <Icon name="series" size={40} />
                <span>暂无影像</span>
              </div>
            ) : !cs ? (
              <div className="yv-pane-center" role="status">
                <span className="yv-spinner" aria-hidden="true" />
                <span>影像浏览器加载中…</span>
              </div>
            ) : (
              visible.map((i) => (
                <ViewportPane
                  key={i}
                  index={i}
                  engine={cs.engine}
                  toolGroupId={cs.toolGroupId}
                  viewportId={viewportIdOf(i)}
                  series={assigned[i] ? (allSeries.get(assigned[i]!) ?? null) : null}
                  loadStack={loadStack}
                  active={i === active && visible.length > 1}
                  patientName={patientName}
                  compact={compact}
                  showLabel={visible.length > 1}
                  onActivate={onActivate}
                  onDropSeries={assign}
                  onStatus={onStatus}
                  onToggleMaximize={onToggleMaximize}
                />
              ))
            )}
          </div>
        </div>
      </div>
      {compact && strip}
      {help && (
        <div className="yv-help" role="dialog" aria-label="快捷键与操作说明" data-testid="viewer-help">
          <div className="yv-help-head">
            <strong>快捷键与操作说明</strong>
            <button type="button" className="yv-chip" onClick={() => setHelp(false)}>
              关闭
            </button>
          </div>
          <div className="yv-help-cols">
            <table>
              <tbody>
                {(compact ? TOUCH_HELP : SHORTCUTS).map(([k, v]) => (
                  <tr key={k + v}>
                    <th>{k}</th>
                    <td>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!compact && (
              <table>
                <tbody>
                  {TOUCH_HELP.map(([k, v]) => (
                    <tr key={k}>
                      <th>{k}</th>
                      <td>{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      )}
      {longPressImage && (
        <div className="yv-help yv-longpress" role="dialog" aria-label="保存图片">
          <div className="yv-help-head">
            <strong>长按图片保存到手机</strong>
            <button type="button" className="yv-chip" onClick={() => setLongPressImage(null)}>
              关闭
            </button>
          </div>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made from the viewport */}
          <img src={longPressImage} alt="当前视窗图像" />
        </div>
      )}
    </div>
  );
}
