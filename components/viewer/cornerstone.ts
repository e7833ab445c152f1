// Cornerstone3D set-up, once per page (idempotent: React StrictMode and re-mounts call it again).
// Browser-only: import this module only from components loaded with next/dynamic({ ssr: false }).
import { cache, eventTarget, getShouldUseCPURendering, imageLoader, init as coreInit, setUseCPURendering, type Types } from '@cornerstonejs/core';
import { init as dicomImageLoaderInit, wadors } from '@cornerstonejs/dicom-image-loader';
import { checkPalette, ImageUnavailable, resolveBulkData } from './bulkdata';
import { sessionHeaders } from './session';
import {
  addTool,
  AngleTool,
  EllipticalROITool,
  init as toolsInit,
  LengthTool,
  PanTool,
  ProbeTool,
  RectangleROITool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';

const MB = 1024 * 1024;

/** Phones and small tablets: a touch-first device with a small screen (also WeChat's in-app browser). */
export function isPhoneLike(): boolean {
  if (typeof window === 'undefined') return false;
  const coarse = typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches;
  const small = Math.min(window.screen?.width || window.innerWidth, window.screen?.height || window.innerHeight) < 768;
  return (coarse && small) || /Android|iPhone|iPod|MicroMessenger|Mobile/i.test(navigator.userAgent);
}

export function isWeChat(): boolean {
  return typeof navigator !== 'undefined' && /MicroMessenger/i.test(navigator.userAgent);
}

export { sessionHeaders, setViewSession } from './session';

/** A load with no network activity for this long (or stuck after its data arrived) has failed. */
const STALL_MS = 20_000;
/** imageId → time of its request's last network event (start, progress, end). */
const activity = new Map<string, number>();
let anyActivity = 0;
function onLoadEvent(e: Event) {
  const id = (e as CustomEvent<{ imageId?: string }>).detail?.imageId;
  anyActivity = performance.now();
  if (id) activity.set(id, anyActivity);
}

/**
 * Every WADO-RS image load: the bulk data its metadata names first, a PALETTE COLOR image without
 * its palettes refused at once, and a watchdog, so that no load stays pending. (Cornerstone 5.14
 * never settles a load whose colour conversion throws, and a dead connection never ends.) A load
 * still queued behind others is not timed while the others make progress.
 */
function guardedWadorsLoader(imageId: string, options?: Record<string, unknown>) {
  const promise = (async () => {
    const meta = wadors.metaDataManager.get(imageId) as Parameters<typeof resolveBulkData>[0];
    await resolveBulkData(meta);
    checkPalette(meta);
    const started = performance.now();
    activity.delete(imageId);
    const load = wadors.loadImage(imageId, options).promise as Promise<Types.IImage>;
    return new Promise<Types.IImage>((resolve, reject) => {
      const timer = setInterval(() => {
        const own = activity.get(imageId);
        const since = own ?? Math.max(started, anyActivity);
        if (performance.now() - since > STALL_MS) {
          clearInterval(timer);
          reject(new ImageUnavailable('图像加载超时（网络无响应或图像无法解码）', `${imageId}: nothing happened for ${STALL_MS / 1000} s`));
        }
      }, 1000);
      const settle = () => {
        clearInterval(timer);
        activity.delete(imageId);
      };
      load.then(
        (image) => {
          settle();
          resolve(image);
        },
        (e) => {
          settle();
          reject(e);
        },
      );
    });
  })();
  return { promise, cancelFn: undefined };
}

/**
 * Frames the browser codecs could not decode are asked again from the server decoded (Explicit VR
 * Little Endian): the loader then sends an Accept without `transfer-syntax=*` for these image ids.
 */
const serverDecoded = new Set<string>();
export function decodeOnServer(imageId: string) {
  serverDecoded.add(imageId);
}
export function isServerDecoded(imageId: string) {
  return serverDecoded.has(imageId);
}
export function decodeInBrowser(imageId: string) {
  serverDecoded.delete(imageId);
}

export interface CornerstoneInfo {
  cpu: boolean;
  cacheMB: number;
}

let initPromise: Promise<CornerstoneInfo> | null = null;

export function initCornerstone(opts: { cpu?: boolean } = {}): Promise<CornerstoneInfo> {
  if (initPromise) return initPromise;
  initPromise = (async () => {
    coreInit(); // synchronous in 5.x; without WebGL it selects CPU rendering by itself
    if (opts.cpu) setUseCPURendering(true);
    const phone = isPhoneLike();
    const cacheMB = phone ? 40 : 100;
    cache.setMaxCacheSize(cacheMB * MB);
    const cores = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
    dicomImageLoaderInit({
      maxWebWorkers: Math.max(1, Math.min(phone ? 2 : 4, cores - 1)),
      beforeSend: (_xhr: XMLHttpRequest, imageId: string) =>
        sessionHeaders(isServerDecoded(imageId) ? { Accept: 'multipart/related; type="application/octet-stream"' } : {}),
    });
    imageLoader.registerImageLoader('wadors', guardedWadorsLoader as unknown as Types.ImageLoaderFn);
    // Cornerstone 5.14's loadAndCacheImage leaves the cache's copy of a failed load unhandled
    // (cache.putImageLoadObject is not awaited): ours are expected, and their pane already says why.
    window.addEventListener('unhandledrejection', (e) => {
      if (e.reason instanceof ImageUnavailable) e.preventDefault();
    });
    for (const event of ['cornerstoneimageloadstart', 'cornerstoneimageloadprogress', 'cornerstoneimageloadend']) eventTarget.addEventListener(event, onLoadEvent);
    toolsInit();
    for (const T of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, RectangleROITool, EllipticalROITool, ProbeTool]) {
      addTool(T);
    }
    return { cpu: getShouldUseCPURendering(), cacheMB };
  })();
  initPromise.catch(() => {
    initPromise = null; // let a later mount try again
  });
  return initPromise;
}
