// Bulk data an image needs before it can be drawn. Our series metadata (like any DICOMweb server's)
// gives binary attributes as BulkDataURIs, but Cornerstone's WADO-RS path reads lookup tables only as
// inline values: a PALETTE COLOR image without them never finishes loading. So before an image
// loads, every lookup table its metadata names by URI is fetched (with the viewing session) and put
// in place as entries: the palettes (a segmented one expanded), and the LUT Data of the Modality and
// VOI LUT Sequences.
import { expandSegmentedLut, lutEntries } from './lut';
import { sessionHeaders } from './session';

type Attr = { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string };
type Meta = Record<string, Attr>;

const RGB = ['1', '2', '3'];
const palette = (c: string) => `0028120${c}`; // Red/Green/Blue Palette Color LUT Data
const descriptorOf = (c: string) => `0028110${c}`;
const segmented = (c: string) => `0028122${c}`; // Segmented Red/Green/Blue Palette Color LUT Data
const SEQUENCES = ['00283000', '00283010']; // Modality LUT Sequence, VOI LUT Sequence
const LUT_DATA = '00283006';
const LUT_DESCRIPTOR = '00283002';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const FETCH_TIMEOUT_MS = 30_000;

/** Why an image cannot be shown: `reason` is for the pane, the message for the console. */
export class ImageUnavailable extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`${reason} (${detail})`);
    this.name = 'ImageUnavailable';
  }
}

/** The first part's body of a multipart/related answer (PS3.18 bulk data); other answers as they are. */
function singlePart(bytes: Uint8Array, contentType: string): Uint8Array {
  const boundary = /multipart\/related/i.test(contentType) ? contentType.match(/boundary="?([^";]+)"?/i)?.[1] : undefined;
  if (!boundary) return bytes;
  const text = new TextDecoder('latin1').decode(bytes);
  const start = text.indexOf('\r\n\r\n', text.indexOf(`--${boundary}`));
  const end = text.indexOf(`\r\n--${boundary}`, start);
  return start < 0 || end < 0 ? bytes : bytes.subarray(start + 4, end);
}

async function fetchBulk(uri: string): Promise<Uint8Array> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  try {
    const res = await fetch(uri, { headers: sessionHeaders({ Accept: 'application/octet-stream, multipart/related; type="application/octet-stream"' }), credentials: 'same-origin', signal: abort.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return singlePart(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type') ?? '');
  } catch (e) {
    throw new Error(abort.signal.aborted ? `no answer in ${FETCH_TIMEOUT_MS / 1000} s` : (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/** Once per URI while it succeeds (frames and instances often share tables); a failure is forgotten. */
const fetched = new Map<string, Promise<Uint8Array>>();
function bulk(uri: string): Promise<Uint8Array> {
  let p = fetched.get(uri);
  if (!p) {
    if (fetched.size > 2000) fetched.clear();
    p = fetchBulk(uri);
    fetched.set(uri, p);
    p.catch(() => fetched.delete(uri));
  }
  return p;
}

async function bytesOf(attr: Attr): Promise<Uint8Array> {
  try {
    return await bulk(attr.BulkDataURI!);
  } catch (e) {
    throw new ImageUnavailable('该图像的查找表（调色板）数据加载失败，无法显示', `${attr.BulkDataURI}: ${(e as Error).message}`);
  }
}

const byUri = (a: Attr | undefined): boolean => !!a?.BulkDataURI && a.Value === undefined;

/**
 * Puts the lookup tables this image's metadata names by URI in place, as inline values. Attribute
 * objects are changed in place: the loader's per-frame copies of a multi-frame instance share them.
 * Rejects with ImageUnavailable when one cannot be fetched.
 */
export async function resolveBulkData(meta: Meta | undefined): Promise<void> {
  if (!meta) return;
  const bigEndian = meta['00020010']?.Value?.[0] === BIG_ENDIAN;
  const jobs: Promise<void>[] = [];
  for (const c of RGB) {
    const plain = meta[palette(c)], seg = meta[segmented(c)], descriptor = meta[descriptorOf(c)]?.Value;
    if (plain && byUri(plain)) jobs.push(bytesOf(plain).then((b) => void (plain.Value ??= lutEntries(b, descriptor, bigEndian))));
    else if (!plain?.Value?.length && seg && (byUri(seg) || seg.Value?.length)) {
      jobs.push(
        (byUri(seg) ? bytesOf(seg).then((b) => lutEntries(b, undefined, bigEndian)) : Promise.resolve(seg.Value!.map(Number))).then((words) => {
          try {
            meta[palette(c)] = { vr: 'US', Value: expandSegmentedLut(words, Number(descriptor?.[0]) || 65536) };
          } catch (e) {
            throw new ImageUnavailable('该图像的分段调色板无法解析，无法显示', (e as Error).message);
          }
        }),
      );
    }
  }
  for (const seq of SEQUENCES) {
    for (const item of (meta[seq]?.Value ?? []) as Meta[]) {
      const data = item?.[LUT_DATA];
      if (data && byUri(data)) jobs.push(bytesOf(data).then((b) => void (data.Value ??= lutEntries(b, item[LUT_DESCRIPTOR]?.Value, bigEndian))));
    }
  }
  await Promise.all(jobs);
}

/** A PALETTE COLOR image without all three palettes cannot be drawn (Cornerstone would never finish it). */
export function checkPalette(meta: Meta | undefined): void {
  if (meta?.['00280004']?.Value?.[0] !== 'PALETTE COLOR') return;
  const missing = RGB.map(palette).filter((t) => !meta[t]?.Value?.length);
  if (missing.length) throw new ImageUnavailable('该图像缺少调色板数据，无法显示', `PALETTE COLOR without ${missing.join(', ')}`);
}
