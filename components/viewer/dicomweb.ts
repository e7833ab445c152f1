// Our DICOMweb routes, as the viewer uses them: QIDO-RS for the series of a study, WADO-RS metadata
// registered with the image loader before any pixel request, `wadors:` image ids (one per frame),
// thumbnails as blob URLs. Every request carries the viewing session (x-view-session).
import { wadors } from '@cornerstonejs/dicom-image-loader';
import { decodeOnServer, initCornerstone, sessionHeaders } from './cornerstone';

export type DicomJson = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }>;

const val = (m: DicomJson | undefined, tag: string): unknown => m?.[tag]?.Value?.[0];
export const str = (m: DicomJson | undefined, tag: string): string => {
  const v = val(m, tag);
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && v && 'Alphabetic' in v) return String((v as { Alphabetic?: string }).Alphabetic ?? '');
  return String(v).trim();
};
export const num = (m: DicomJson | undefined, tag: string): number | undefined => {
  const v = val(m, tag);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const nums = (m: DicomJson | undefined, tag: string): number[] | undefined => {
  const v = m?.[tag]?.Value;
  if (!v || !v.length) return undefined;
  const out = v.map((x) => (typeof x === 'number' ? x : Number(x)));
  return out.every(Number.isFinite) ? out : undefined;
};

export const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (12-bit)',
  '1.2.840.10008.1.2.4.53': 'JPEG Spectral Selection',
  '1.2.840.10008.1.2.4.55': 'JPEG Full Progression',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};
export const transferSyntaxLabel = (uid: string) => (TRANSFER_SYNTAX_NAMES[uid] ? `${TRANSFER_SYNTAX_NAMES[uid]} (${uid})` : uid || '未知传输语法');

/** Encoded syntaxes the server can decode for us (lib/dicom/pixels DECODABLE_TRANSFER_SYNTAXES, minus native ones). */
export const SERVER_DECODABLE = new Set([
  '1.2.840.10008.1.2.1.98',
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
]);

/** DCT JPEG syntaxes decoded by Cornerstone's JavaScript decoder at 12 bits. */
const JPEG_DCT_12 = new Set(['1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55']);
const JPEG12_BIAS = 15;
const JSON_TIMEOUT_MS = 60_000;

export interface SeriesSummary {
  /** studyUid|seriesUid */
  key: string;
  studyUid: string;
  seriesUid: string;
  studyLabel: string;
  modality: string;
  number?: number;
  description: string;
  /** Images: frames of all instances. */
  images: number;
  /** The instance (and frame) shown as thumbnail: the middle image. */
  thumbInstance?: string;
  thumbFrame: number;
  hasPixels: boolean;
}

/** One displayable image (one frame). */
export interface ImageInfo {
  imageId: string;
  sopInstanceUid: string;
  frame: number;
  frames: number;
  instanceNumber?: number;
  sliceLocation?: number;
  position?: number[];
  orientation?: number[];
  transferSyntax: string;
}

export interface SeriesStack {
  key: string;
  modality: string;
  seriesNumber?: number;
  description: string;
  institution: string;
  studyDate: string;
  bodyPart: string;
  images: ImageInfo[];
  imageIds: string[];
  /** Row/column direction cosines when every image has the same orientation. */
  orientation?: number[];
  /** 'axial' | 'coronal' | 'sagittal' | 'oblique' | '' */
  plane: string;
  frameOfReference: string;
  color: boolean;
}

export class DicomWeb {
  readonly root: string;
  constructor(root: string) {
    const abs = /^https?:\/\//.test(root) ? root : `${window.location.origin}${root.startsWith('/') ? '' : '/'}${root}`;
    this.root = abs.replace(/\/+$/, '');
  }

  /** A search or metadata answer; no answer within JSON_TIMEOUT_MS is an error (the pane says so), not a spinner. */
  private async json<T>(path: string, signal?: AbortSignal): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), JSON_TIMEOUT_MS);
    const follow = () => abort.abort();
    signal?.addEventListener('abort', follow);
    try {
      const res = await fetch(`${this.root}${path}`, { headers: sessionHeaders({ Accept: 'application/dicom+json' }), credentials: 'same-origin', signal: abort.signal });
      if (!res.ok) throw new Error(`${res.status} ${path}`);
      return (await res.json()) as T;
    } catch (e) {
      if (abort.signal.aborted && !signal?.aborted) throw new Error(`服务器 ${JSON_TIMEOUT_MS / 1000} 秒内无响应`);
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', follow);
    }
  }

  /** The series of a study (one QIDO request for the series, one for all instances, paged by 1000). */
  async seriesOf(studyUid: string, studyLabel: string, signal?: AbortSignal): Promise<SeriesSummary[]> {
    const series = await this.json<DicomJson[]>(`/studies/${studyUid}/series?limit=1000`, signal);
    const instances: DicomJson[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.json<DicomJson[]>(`/studies/${studyUid}/instances?limit=1000&offset=${offset}`, signal);
      instances.push(...page);
      if (page.length < 1000) break;
    }
    const bySeries = new Map<string, DicomJson[]>();
    for (const i of instances) {
      const se = str(i, '0020000E');
      bySeries.set(se, [...(bySeries.get(se) ?? []), i]);
    }
    return series.map((s) => {
      const seriesUid = str(s, '0020000E');
      const inst = (bySeries.get(seriesUid) ?? []).filter((i) => (num(i, '00280010') ?? 0) > 0);
      inst.sort((a, b) => (num(a, '00200013') ?? 0) - (num(b, '00200013') ?? 0));
      const images = inst.reduce((n, i) => n + Math.max(1, num(i, '00280008') ?? 1), 0);
      const mid = inst[Math.floor((inst.length - 1) / 2)];
      const midFrames = Math.max(1, num(mid, '00280008') ?? 1);
      return {
        key: `${studyUid}|${seriesUid}`,
        studyUid,
        seriesUid,
        studyLabel,
        modality: str(s, '00080060'),
        number: num(s, '00200011'),
        description: str(s, '0008103E'),
        images,
        thumbInstance: mid ? str(mid, '00080018') : undefined,
        thumbFrame: inst.length === 1 ? Math.ceil(midFrames / 2) : 1,
        hasPixels: inst.length > 0,
      };
    });
  }

  thumbnailUrl(s: SeriesSummary): string | null {
    if (!s.thumbInstance) return null;
    const base = `${this.root}/studies/${s.studyUid}/series/${s.seriesUid}/instances/${s.thumbInstance}`;
    return s.thumbFrame > 1 ? `${base}/frames/${s.thumbFrame}/thumbnail` : `${base}/thumbnail`;
  }

  /** A thumbnail as a blob URL (the session header cannot ride on an <img src>). Caller revokes it. */
  async thumbnail(s: SeriesSummary, signal?: AbortSignal): Promise<string | null> {
    const url = this.thumbnailUrl(s);
    if (!url) return null;
    const res = await fetch(url, { headers: sessionHeaders({ Accept: 'image/jpeg' }), credentials: 'same-origin', signal });
    if (!res.ok) return null;
    return URL.createObjectURL(await res.blob());
  }

  /**
   * WADO-RS metadata of a series → metadata registered with the image loader for every frame's image id,
   * images sorted along the slice normal (ImagePositionPatient) when every image has one, else by
   * InstanceNumber (frames in order within an instance).
   */
  async stack(s: SeriesSummary, signal?: AbortSignal): Promise<SeriesStack> {
    // The request may start before Cornerstone is initialised; registering must wait for it (init purges the loader's metadata).
    const [metas] = await Promise.all([this.json<DicomJson[]>(`/studies/${s.studyUid}/series/${s.seriesUid}/metadata`, signal), initCornerstone()]);
    const images: ImageInfo[] = [];
    let first: DicomJson | undefined;
    let color = false;
    for (const m of metas) {
      if (!((num(m, '00280010') ?? 0) > 0)) continue; // SR, PR, KO…: nothing to show
      first ??= m;
      const sop = str(m, '00080018');
      const frames = Math.max(1, num(m, '00280008') ?? 1);
      const ts = str(m, '00020010');
      const spp = num(m, '00280002') ?? 1;
      if (spp > 1 || str(m, '00280004') === 'PALETTE COLOR') color = true;
      // A window of width 0 (e.g. the GE brain stack's 0/0) is no window: let the loader use min/max.
      if (!((num(m, '00281051') ?? 1) > 0)) {
        delete m['00281050'];
        delete m['00281051'];
      }
      const twelveBitJpeg = JPEG_DCT_12.has(ts) && (num(m, '00280100') ?? 8) > 8;
      if (twelveBitJpeg && !SERVER_DECODABLE.has(ts)) {
        // Cornerstone 5.14's 12-bit DCT JPEG decoder (codecs/jpeg.js) level-shifts by 2056·4095/255 instead
        // of 2048·16 + 8: every stored value comes out exactly 15 too high. 4.53/4.55 have no server
        // decoder, so the bias is taken out through the modality LUT (HU = (stored − 15)·slope + intercept).
        const slope = num(m, '00281053') ?? 1;
        m['00281052'] = { vr: 'DS', Value: [(num(m, '00281052') ?? 0) - JPEG12_BIAS * slope] };
        m['00281053'] = { vr: 'DS', Value: [slope] };
      }
      const base = `${this.root}/studies/${s.studyUid}/series/${s.seriesUid}/instances/${sop}/frames/`;
      for (let f = 1; f <= frames; f++) {
        const imageId = `wadors:${base}${f}`;
        // 12-bit JPEG extended (4.51), which the server decodes exactly: ask for it decoded (see above).
        if (twelveBitJpeg && SERVER_DECODABLE.has(ts)) decodeOnServer(imageId);
        wadors.metaDataManager.add(imageId, m as unknown as Parameters<typeof wadors.metaDataManager.add>[1]);
        images.push({
          imageId,
          sopInstanceUid: sop,
          frame: f,
          frames,
          instanceNumber: num(m, '00200013'),
          sliceLocation: frames === 1 ? num(m, '00201041') : undefined,
          position: frames === 1 ? nums(m, '00200032') : undefined,
          orientation: nums(m, '00200037'),
          transferSyntax: ts,
        });
      }
    }
    sortImages(images);
    const o = images[0]?.orientation;
    const sameOrientation = !!o && o.length === 6 && images.every((i) => i.orientation && i.orientation.every((v, k) => Math.abs(v - o[k]) < 1e-3));
    return {
      key: s.key,
      modality: str(first, '00080060') || s.modality,
      seriesNumber: num(first, '00200011') ?? s.number,
      description: str(first, '0008103E') || s.description,
      institution: str(first, '00080080'),
      studyDate: str(first, '00080020'),
      bodyPart: str(first, '00180015'),
      images,
      imageIds: images.map((i) => i.imageId),
      orientation: sameOrientation ? o : undefined,
      plane: sameOrientation ? planeOf(o!) : '',
      frameOfReference: str(first, '00200052'),
      color,
    };
  }
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** By position along the slice normal when all images have one, else InstanceNumber; the order follows acquisition (InstanceNumber's direction). */
export function sortImages(images: ImageInfo[]): void {
  const byNumber = (a: ImageInfo, b: ImageInfo) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || a.frame - b.frame;
  const o = images[0]?.orientation;
  const positioned = images.length > 1 && o?.length === 6 && images.every((i) => i.position?.length === 3);
  if (!positioned) {
    images.sort(byNumber);
    return;
  }
  const n = cross(o!.slice(0, 3), o!.slice(3, 6));
  const d = new Map(images.map((i) => [i, i.position![0] * n[0] + i.position![1] * n[1] + i.position![2] * n[2]]));
  images.sort((a, b) => d.get(a)! - d.get(b)! || byNumber(a, b));
  const a = images[0].instanceNumber, b = images[images.length - 1].instanceNumber;
  if (a !== undefined && b !== undefined && a > b) images.reverse();
}

export function planeOf(o: number[]): string {
  const n = cross(o.slice(0, 3), o.slice(3, 6)).map(Math.abs);
  const max = Math.max(...n);
  if (max < 0.8) return 'oblique';
  return n[2] === max ? 'axial' : n[1] === max ? 'coronal' : 'sagittal';
}
