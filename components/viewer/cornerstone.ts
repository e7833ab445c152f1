// Cornerstone3D set-up, once per page (idempotent: React StrictMode and re-mounts call it again).
// Browser-only: import this module only from components loaded with next/dynamic({ ssr: false }).
import { cache, getShouldUseCPURendering, init as coreInit, setUseCPURendering } from '@cornerstonejs/core';
import { init as dicomImageLoaderInit } from '@cornerstonejs/dicom-image-loader';
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

/**
 * Request headers for the DICOMweb routes. The image loader's XHRs get them from `beforeSend`;
 * our own fetches call `sessionHeaders()`. One viewing session per page.
 */
let currentSession = '';
export function setViewSession(ref: string) {
  currentSession = ref;
}
export function sessionHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return currentSession ? { 'x-view-session': currentSession, ...extra } : extra;
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
