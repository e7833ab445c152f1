// Loading images: the first one now, the rest of the series in the background (nearest first), and a
// second chance from the server's decoder when a browser codec fails on a frame. Every load ends
// (cornerstone.ts guards it): an image that cannot be shown gets a reason its pane displays.
import { cache, Enums, getShouldUseCPURendering, imageLoader } from '@cornerstonejs/core';
import { wadors } from '@cornerstonejs/dicom-image-loader';
import { ImageUnavailable } from './bulkdata';
import { isServerDecoded, decodeInBrowser, decodeOnServer } from './cornerstone';
import { SERVER_DECODABLE, transferSyntaxLabel, type ImageInfo } from './dicomweb';

/** imageId → why it cannot be shown (after the server fallback, if there was one). */
const failed = new Map<string, string>();
/** Images switched to server decoding after a browser codec failed (not those the stack asked the server for). */
const fellBack = new Set<string>();
const inflight = new Map<string, Promise<boolean>>();

export function failureOf(imageId: string): string | undefined {
  return failed.get(imageId);
}

function loadOptions(priority: number, requestType: Enums.RequestType) {
  // The same options the stack viewport uses, so that the cached image suits it (RGBA on the CPU path).
  return { priority, requestType, useRGBA: getShouldUseCPURendering() };
}

type Meta = Record<string, { vr: string; Value?: unknown[] }>;
const patched = new Map<string, Meta>();

/** The server decodes to Explicit VR Little Endian with colour as interleaved RGB: say so in the metadata. */
function patchMetadataForServerDecoding(imageId: string) {
  const m = wadors.metaDataManager.get(imageId) as Meta | undefined;
  if (!m) return;
  const spp = Number(m['00280002']?.Value?.[0] ?? 1);
  if (spp === 3) {
    patched.set(imageId, { '00280004': m['00280004'], '00280006': m['00280006'] });
    m['00280004'] = { vr: 'CS', Value: ['RGB'] };
    m['00280006'] = { vr: 'US', Value: [0] };
  }
}

/** Reopening a series tries its images afresh (a network hiccup or a fixed file should not stay an error). */
export function forgetFailures(images: ImageInfo[]) {
  for (const { imageId } of images) {
    if (!failed.delete(imageId) || !fellBack.delete(imageId)) continue;
    decodeInBrowser(imageId);
    const orig = patched.get(imageId);
    const m = wadors.metaDataManager.get(imageId) as Meta | undefined;
    if (orig && m) for (const [tag, value] of Object.entries(orig)) m[tag] = value;
    patched.delete(imageId);
  }
}

/**
 * Load (and cache) one image; true when it can be displayed. A frame the browser cannot decode is
 * asked again from the server decoded, when the server has a decoder for its transfer syntax.
 */
export function loadImage(info: ImageInfo, priority = 0, requestType = Enums.RequestType.Prefetch): Promise<boolean> {
  const { imageId } = info;
  if (failed.has(imageId)) return Promise.resolve(false);
  const running = inflight.get(imageId);
  if (running) return running;
  const p = (async () => {
    try {
      await imageLoader.loadAndCacheImage(imageId, loadOptions(priority, requestType));
      return true;
    } catch (first) {
      // Missing bulk data or a dead load: the server's decoder would not help.
      if (first instanceof ImageUnavailable) {
        failed.set(imageId, first.reason);
        console.warn(`[viewer] cannot show ${imageId}: ${first.message}`);
        return false;
      }
      if (SERVER_DECODABLE.has(info.transferSyntax) && !isServerDecoded(imageId)) {
        decodeOnServer(imageId);
        fellBack.add(imageId);
        patchMetadataForServerDecoding(imageId);
        if (cache.getImageLoadObject(imageId)) cache.removeImageLoadObject(imageId, { force: true });
        try {
          await imageLoader.loadAndCacheImage(imageId, loadOptions(priority, requestType));
          console.warn(`[viewer] ${imageId}: decoded by the server (browser codec failed: ${(first as Error)?.message ?? first})`);
          return true;
        } catch (second) {
          if (second instanceof ImageUnavailable) {
            failed.set(imageId, second.reason);
            return false;
          }
        }
      }
      failed.set(imageId, `该图像无法解码：${transferSyntaxLabel(info.transferSyntax)}`);
      console.warn(`[viewer] cannot decode ${imageId} (${info.transferSyntax}):`, first);
      return false;
    } finally {
      inflight.delete(imageId);
    }
  })();
  inflight.set(imageId, p);
  return p;
}

/** Indexes from `start` outwards (start, start+1, start-1, …): what a reader scrolls to first. */
export function outwardOrder(n: number, start: number): number[] {
  const out: number[] = [];
  for (let d = 1; out.length < n - 1; d++) {
    if (start + d < n) out.push(start + d);
    if (start - d >= 0) out.push(start - d);
  }
  return out;
}

/** Prefetch with a few requests in flight; progress after each image; stops when `signal` aborts. */
export async function prefetch(images: ImageInfo[], order: number[], onDone: (ok: boolean, index: number) => void, signal: AbortSignal, concurrency = 3): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!signal.aborted && next < order.length) {
      const i = order[next++];
      const ok = await loadImage(images[i], 0, Enums.RequestType.Prefetch);
      if (!signal.aborted) onDone(ok, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, order.length) }, worker));
}
