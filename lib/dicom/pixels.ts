/**
 * Pixel data for the DICOMweb server: a frame's bytes as stored (WADO-RS frames passthrough) and a frame
 * decoded to native little-endian samples (transcoding to Explicit VR LE, rendering). Server-side only:
 * the wasm codecs are loaded with Node's require (see loadCodec).
 *
 * The header walk is our own (not dcmjs/dicom-parser): it stops at the top-level PixelData, never copies
 * the file, and turns every malformed or truncated input into a PixelDataError.
 */
import { createRequire } from 'node:module';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { Decoder as LosslessJpegDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';

export class PixelDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PixelDataError';
  }
}
/** Malformed input must surface as PixelDataError, whatever tripped over it (DataView bounds, huge allocations…). */
const asPixelDataError = (e: unknown) =>
  e instanceof PixelDataError ? e : new PixelDataError(`malformed pixel data: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw asPixelDataError(e);
  }
}

export interface FrameInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  photometricInterpretation: string;
  planarConfiguration: 0 | 1;
  numberOfFrames: number;
  transferSyntaxUid: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
}
export type Samples = Int16Array | Uint16Array | Uint8Array;
export interface DecodedFrame {
  info: FrameInfo;
  pixels: Samples;
}

const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  encapsulatedLE: '1.2.840.10008.1.2.1.98',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLS: '1.2.840.10008.1.2.4.80',
  jpegLSNear: '1.2.840.10008.1.2.4.81',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
} as const;
const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE]);
/** Transfer syntaxes decodeFrame handles (JPEG 4.50/4.51 at 8 or 12 bits precision). */
export const DECODABLE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(Object.values(TS));

// ---------------------------------------------------------------- header walk
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000, ITEM_END = 0xfffee00d, SEQ_END = 0xfffee0dd;
const T = {
  transferSyntax: 0x00020010,
  samplesPerPixel: 0x00280002,
  photometric: 0x00280004,
  planar: 0x00280006,
  frames: 0x00280008,
  rows: 0x00280010,
  columns: 0x00280011,
  bitsAllocated: 0x00280100,
  bitsStored: 0x00280101,
  pixelRepresentation: 0x00280103,
  windowCenter: 0x00281050,
  windowWidth: 0x00281051,
  rescaleIntercept: 0x00281052,
  rescaleSlope: 0x00281053,
  paletteDescriptor: [0x00281101, 0x00281102, 0x00281103],
  paletteData: [0x00281201, 0x00281202, 0x00281203],
  frameVoi: 0x00289132,
  pixelTransform: 0x00289145,
  sharedGroups: 0x52009229,
  perFrameGroups: 0x52009230,
  extendedOffsets: 0x7fe00001,
  pixelData: 0x7fe00010,
} as const;
const LONG_VR = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
/** Sequences we read inside, which implicit VR cannot announce when they have a defined length. */
const KNOWN_SQ = new Set<number>([T.sharedGroups, T.perFrameGroups, T.frameVoi, T.pixelTransform]);

interface Elem {
  vr: string;
  offset: number;
  length: number;
  items?: Dataset[];
}
type Dataset = Map<number, Elem>;
interface Fragment {
  item: number; // offset of the item tag, relative to the first fragment's (what offset tables count from)
  offset: number;
  length: number;
}
interface Parsed {
  bytes: Uint8Array; // dataset bytes: the file itself, or the inflated dataset for deflated files
  dv: DataView;
  little: boolean;
  ts: string;
  ds: Dataset;
  pixel: Elem;
  fragments?: Fragment[];
  offsets?: number[]; // Basic (or Extended) Offset Table
  frames?: Fragment[][];
}

const hex = (t: number) => `(${(t >>> 16).toString(16).padStart(4, '0')},${(t & 0xffff).toString(16).padStart(4, '0')})`;

class Walker {
  readonly dv: DataView;
  constructor(readonly b: Uint8Array, readonly little: boolean) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  tag(o: number) {
    return ((this.dv.getUint16(o, this.little) << 16) | this.dv.getUint16(o + 2, this.little)) >>> 0;
  }
  need(o: number, end: number, what: string) {
    if (o > end) throw new PixelDataError(`truncated file: ${what} runs past the end of the data`);
  }
  /** Elements in [pos, end) or up to an Item Delimitation; at depth 0 stops at PixelData (its value is not read). */
  dataset(pos: number, end: number, depth: number, explicit: boolean): { ds: Dataset; pos: number } {
    const ds: Dataset = new Map();
    while (pos < end) {
      this.need(pos + 8, end, 'an element header');
      const t = this.tag(pos);
      if (t === ITEM_END) return { ds, pos: pos + 8 };
      if (t >>> 16 === 0xfffe) throw new PixelDataError(`unexpected ${hex(t)} at byte ${pos}`);
      let vr = '', len: number, start: number;
      if (explicit) {
        vr = String.fromCharCode(this.b[pos + 4], this.b[pos + 5]);
        if (!/^[A-Z]{2}$/.test(vr)) throw new PixelDataError(`invalid VR for ${hex(t)} at byte ${pos}`);
        if (LONG_VR.has(vr)) {
          this.need(pos + 12, end, `${hex(t)}`);
          len = this.dv.getUint32(pos + 8, this.little);
          start = pos + 12;
        } else {
          len = this.dv.getUint16(pos + 6, this.little);
          start = pos + 8;
        }
      } else {
        len = this.dv.getUint32(pos + 4, this.little);
        start = pos + 8;
        if (len === UNDEFINED || KNOWN_SQ.has(t)) vr = 'SQ';
      }
      if (t === T.pixelData && depth === 0) {
        const el = { vr, offset: start, length: len };
        ds.set(t, el);
        return { ds, pos: start };
      }
      if (len === UNDEFINED) {
        if (vr === 'SQ' || vr === 'UN') {
          // UN of undefined length is an implicit-VR LE sequence (CP-246)
          const r = this.items(start, end, depth + 1, vr === 'UN' ? false : explicit, true);
          ds.set(t, { vr: 'SQ', offset: start, length: len, items: r.items });
          pos = r.pos;
        } else pos = this.fragments(start, end); // nested encapsulated data (e.g. an icon image)
        continue;
      }
      this.need(start + len, end, `element ${hex(t)} (${len} bytes)`);
      const el: Elem = { vr, offset: start, length: len };
      if (vr === 'SQ') el.items = this.items(start, start + len, depth + 1, explicit, false).items;
      ds.set(t, el);
      pos = start + len;
    }
    return { ds, pos };
  }
  items(pos: number, end: number, depth: number, explicit: boolean, delimited: boolean): { items: Dataset[]; pos: number } {
    if (depth > 16) throw new PixelDataError('sequences nested too deeply');
    const items: Dataset[] = [];
    while (pos < end) {
      this.need(pos + 8, end, 'a sequence item');
      const t = this.tag(pos), len = this.dv.getUint32(pos + 4, this.little);
      if (t === SEQ_END) return { items, pos: pos + 8 };
      if (t !== ITEM) throw new PixelDataError(`expected a sequence item at byte ${pos}, found ${hex(t)}`);
      if (len === UNDEFINED) {
        const r = this.dataset(pos + 8, end, depth, explicit);
        items.push(r.ds);
        pos = r.pos;
      } else {
        this.need(pos + 8 + len, end, 'a sequence item');
        items.push(this.dataset(pos + 8, pos + 8 + len, depth, explicit).ds);
        pos += 8 + len;
      }
    }
    if (delimited) throw new PixelDataError('truncated file: sequence without a delimiter');
    return { items, pos };
  }
  /** Items of encapsulated data (always little endian); returns the position after the Sequence Delimiter. */
  fragments(pos: number, end: number, out?: Fragment[]): number {
    while (pos + 8 <= end) {
      const t = ((this.dv.getUint16(pos, true) << 16) | this.dv.getUint16(pos + 2, true)) >>> 0;
      const len = this.dv.getUint32(pos + 4, true);
      if (t === SEQ_END) return pos + 8;
      if (t !== ITEM || len === UNDEFINED) throw new PixelDataError(`bad encapsulated pixel data item ${hex(t)} at byte ${pos}`);
      this.need(pos + 8 + len, end, 'an encapsulated pixel data fragment');
      out?.push({ item: pos, offset: pos + 8, length: len });
      pos += 8 + len;
    }
    throw new PixelDataError('truncated file: encapsulated pixel data without a sequence delimiter');
  }
}

const latin1 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
};

// Parsing is cached per buffer: a WADO-RS request for many frames (or frameInfo + decodeFrame) walks the header once.
const cache = new WeakMap<Uint8Array, Parsed>();

function parse(file: Uint8Array): Parsed {
  const hit = cache.get(file);
  if (hit) return hit;
  if (file.length < 132 || latin1(file.subarray(128, 132)) !== 'DICM') {
    throw new PixelDataError('not a DICOM Part-10 file (no "DICM" after the 128-byte preamble)');
  }
  // File Meta Information: group 0002, always explicit VR little endian.
  const meta = new Walker(file, true);
  let pos = 132, ts = '';
  while (pos + 8 <= file.length && meta.dv.getUint16(pos, true) === 0x0002) {
    const t = meta.tag(pos), vr = latin1(file.subarray(pos + 4, pos + 6));
    const long = LONG_VR.has(vr);
    const len = long ? meta.dv.getUint32(pos + 8, true) : meta.dv.getUint16(pos + 6, true);
    const start = pos + (long ? 12 : 8);
    meta.need(start + len, file.length, `file meta element ${hex(t)}`);
    if (t === T.transferSyntax) ts = latin1(file.subarray(start, start + len)).replace(/[\0 ]+$/, '').trim();
    pos = start + len;
  }
  if (!ts) throw new PixelDataError('file meta information has no TransferSyntaxUID');

  let bytes = file, start = pos;
  if (ts === TS.deflatedLE) {
    const body = file.subarray(pos);
    try {
      bytes = inflateRawSync(body);
    } catch {
      try {
        bytes = inflateSync(body); // some writers wrongly add a zlib header
      } catch (e) {
        throw new PixelDataError(`deflated dataset cannot be inflated: ${(e as Error).message}`);
      }
    }
    start = 0;
  }
  const little = ts !== TS.explicitBE;
  const w = new Walker(bytes, little);
  const { ds } = w.dataset(start, bytes.length, 0, ts !== TS.implicitLE);
  const pixel = ds.get(T.pixelData);
  if (!pixel) throw new PixelDataError('no pixel data (7FE0,0010) in this object');
  const p: Parsed = { bytes, dv: w.dv, little, ts, ds, pixel };
  if (pixel.length === UNDEFINED) {
    const all: Fragment[] = [];
    w.fragments(pixel.offset, bytes.length, all);
    if (all.length === 0) throw new PixelDataError('encapsulated pixel data has no Basic Offset Table item');
    const [bot, ...frags] = all;
    const base = frags[0]?.item ?? 0;
    p.fragments = frags.map((f) => ({ ...f, item: f.item - base }));
    p.offsets = [];
    for (let o = 0; o + 4 <= bot.length; o += 4) p.offsets.push(w.dv.getUint32(bot.offset + o, true));
    const eot = ds.get(T.extendedOffsets);
    if (p.offsets.length === 0 && eot && eot.length >= 8) {
      p.offsets = [];
      for (let o = 0; o + 8 <= eot.length; o += 8) p.offsets.push(Number(w.dv.getBigUint64(eot.offset + o, little)));
    }
  } else {
    if (!NATIVE.has(ts) && DECODABLE_TRANSFER_SYNTAXES.has(ts)) {
      throw new PixelDataError(`pixel data of a compressed transfer syntax (${ts}) is not encapsulated`);
    }
    w.need(pixel.offset + pixel.length, bytes.length, 'PixelData');
  }
  cache.set(file, p);
  return p;
}

// ---------------------------------------------------------------- attribute values
function text(p: Parsed, ds: Dataset | undefined, t: number): string | undefined {
  const el = ds?.get(t);
  if (!el || el.length === UNDEFINED || el.items) return undefined;
  const s = latin1(p.bytes.subarray(el.offset, el.offset + el.length)).replace(/[\0 ]+$/, '').trim();
  return s === '' ? undefined : s;
}
function number(p: Parsed, ds: Dataset | undefined, t: number): number | undefined {
  const v = text(p, ds, t)?.split('\\')[0]?.trim();
  const n = v ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
function us(p: Parsed, ds: Dataset | undefined, t: number, i = 0): number | undefined {
  const el = ds?.get(t);
  return el && el.length !== UNDEFINED && el.length >= 2 * (i + 1) ? p.dv.getUint16(el.offset + 2 * i, p.little) : undefined;
}

/** Where a per-frame value may live: Per-frame Functional Group, Shared Functional Group, then top level. */
function scopes(p: Parsed, frame: number, macro: number): Dataset[] {
  const inMacro = (groups: Elem | undefined, i: number) => groups?.items?.[i]?.get(macro)?.items?.[0];
  return [inMacro(p.ds.get(T.perFrameGroups), frame - 1), inMacro(p.ds.get(T.sharedGroups), 0), p.ds].filter(
    (d): d is Dataset => d !== undefined,
  );
}
const firstNumber = (p: Parsed, dss: Dataset[], t: number) => dss.map((d) => number(p, d, t)).find((v) => v !== undefined);

function infoOf(p: Parsed, frame = 1): FrameInfo {
  const { ds } = p;
  const rows = us(p, ds, T.rows), columns = us(p, ds, T.columns), bitsAllocated = us(p, ds, T.bitsAllocated);
  if (!rows || !columns || !bitsAllocated) throw new PixelDataError('Rows, Columns or BitsAllocated missing or zero');
  const samplesPerPixel = us(p, ds, T.samplesPerPixel) ?? 1;
  const bitsStored = us(p, ds, T.bitsStored) ?? bitsAllocated;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new PixelDataError(`SamplesPerPixel ${samplesPerPixel} is not supported`);
  if (![1, 8, 16, 32].includes(bitsAllocated) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new PixelDataError(`BitsAllocated ${bitsAllocated} / BitsStored ${bitsStored} is not supported`);
  }
  const frames = Math.trunc(number(p, ds, T.frames) ?? 1);
  const voi = scopes(p, frame, T.frameVoi), modality = scopes(p, frame, T.pixelTransform);
  const windowCenter = firstNumber(p, voi, T.windowCenter), windowWidth = firstNumber(p, voi, T.windowWidth);
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    pixelRepresentation: us(p, ds, T.pixelRepresentation) === 1 ? 1 : 0,
    photometricInterpretation: (text(p, ds, T.photometric) ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase(),
    planarConfiguration: us(p, ds, T.planar) === 1 ? 1 : 0,
    numberOfFrames: frames >= 1 ? frames : 1,
    transferSyntaxUid: p.ts,
    rescaleSlope: firstNumber(p, modality, T.rescaleSlope) || 1, // 0 is invalid: treat as absent
    rescaleIntercept: firstNumber(p, modality, T.rescaleIntercept) ?? 0,
    ...(windowCenter !== undefined && windowWidth !== undefined ? { windowCenter, windowWidth } : {}),
  };
}

/** Pixel description of the object (window and rescale as they apply to frame 1). */
export function frameInfo(file: Uint8Array): FrameInfo {
  return guarded(() => infoOf(parse(file)));
}

function checkFrame(info: FrameInfo, frame: number) {
  if (!Number.isInteger(frame) || frame < 1 || frame > info.numberOfFrames) {
    throw new PixelDataError(`frame ${frame} does not exist (object has ${info.numberOfFrames})`);
  }
}

/** PALETTE COLOR lookup tables, 8-bit per entry (render applies them; decodeFrame keeps the indices). */
export function paletteColorLut(file: Uint8Array): { first: number; r: Uint8Array; g: Uint8Array; b: Uint8Array } | undefined {
  return guarded(() => paletteOf(parse(file)));
}
function paletteOf(p: Parsed): { first: number; r: Uint8Array; g: Uint8Array; b: Uint8Array } | undefined {
  const luts: Uint8Array[] = [];
  let first = 0;
  for (let c = 0; c < 3; c++) {
    const d = p.ds.get(T.paletteDescriptor[c]), data = p.ds.get(T.paletteData[c]);
    const entries = (us(p, p.ds, T.paletteDescriptor[c], 0) ?? 0) || 65536;
    const bits = us(p, p.ds, T.paletteDescriptor[c], 2);
    if (!d || !data || data.length === UNDEFINED || !bits) return undefined;
    first = us(p, p.ds, T.paletteDescriptor[c], 1) ?? 0;
    if (d.vr === 'SS' || (p.ts === TS.implicitLE && infoOf(p).pixelRepresentation === 1)) first = (first << 16) >> 16;
    const lut = new Uint8Array(entries);
    const raw = p.bytes.subarray(data.offset, data.offset + data.length);
    // 8-bit entries are packed two per word (the last word padded when their number is odd).
    if (bits === 8 && raw.length >= entries && raw.length < 2 * entries) lut.set(raw.subarray(0, entries));
    else {
      const n = Math.min(entries, raw.length >> 1);
      const word = (i: number) => p.dv.getUint16(data.offset + 2 * i, p.little);
      let max = 0;
      for (let i = 0; i < n; i++) max = Math.max(max, word(i));
      const shift = max > 255 ? 8 : 0; // 16-bit entries (or 8-bit ones written as words)
      for (let i = 0; i < n; i++) lut[i] = word(i) >> shift;
    }
    luts.push(lut);
  }
  return { first, r: luts[0], g: luts[1], b: luts[2] };
}

// ---------------------------------------------------------------- frame extraction
const concat = (parts: Uint8Array[]) => {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

/** Does this fragment start a codestream? JPEG / JPEG-LS SOI + marker, J2K SOC + SIZ, or a JP2 signature box. */
function startsFrame(b: Uint8Array): boolean {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true;
  if (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) return true;
  return b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x0c && b[4] === 0x6a && b[5] === 0x50;
}

function frameFragments(p: Parsed, n: number): Fragment[][] {
  if (p.frames) return p.frames;
  const frags = p.fragments ?? [];
  const offsets = p.offsets ?? [];
  if (frags.length === 0) throw new PixelDataError('encapsulated pixel data has no fragments');
  let frames: Fragment[][] | undefined;
  if (offsets.length === n && offsets[0] === 0 && offsets.every((o, i) => i === 0 || o > offsets[i - 1])) {
    frames = offsets.map((o, i) => frags.filter((f) => f.item >= o && (i + 1 === n || f.item < offsets[i + 1])));
    if (frames.some((f) => f.length === 0)) frames = undefined; // inconsistent table: fall back to the rules below
  }
  if (!frames && n === 1) frames = [frags];
  if (!frames && frags.length === n) frames = frags.map((f) => [f]);
  if (!frames) {
    // Empty BOT and several fragments per frame: a new frame starts where a fragment starts a codestream.
    const bytes = (f: Fragment) => p.bytes.subarray(f.offset, f.offset + Math.min(f.length, 12));
    const starts = frags.flatMap((f, i) => (startsFrame(bytes(f)) ? [i] : []));
    if (starts.length === n && starts[0] === 0) frames = starts.map((s, i) => frags.slice(s, starts[i + 1] ?? frags.length));
  }
  if (!frames) throw new PixelDataError(`cannot split ${frags.length} fragments into ${n} frames (no usable offset table)`);
  p.frames = frames;
  return frames;
}

const yuv422 = (pi: string) => pi === 'YBR_FULL_422' || pi === 'YBR_PARTIAL_422';

function frameBytes(p: Parsed, info: FrameInfo, frame: number): Uint8Array {
  if (p.fragments) {
    const parts = frameFragments(p, info.numberOfFrames)[frame - 1];
    return concat(parts.map((f) => p.bytes.subarray(f.offset, f.offset + f.length)));
  }
  // Native: YBR_*_422 stores 2 samples per pixel (Y Y Cb Cr per pixel pair); 1-bit frames need not be byte aligned.
  const samples = yuv422(info.photometricInterpretation) ? 2 : info.samplesPerPixel;
  const bits = info.rows * info.columns * samples * info.bitsAllocated;
  const first = (frame - 1) * bits;
  if (first + bits > p.pixel.length * 8) {
    throw new PixelDataError(`pixel data too short for frame ${frame} (${p.pixel.length} bytes for ${info.numberOfFrames} frames)`);
  }
  const px = p.bytes.subarray(p.pixel.offset, p.pixel.offset + p.pixel.length);
  if (first % 8 === 0 && bits % 8 === 0) return px.subarray(first / 8, (first + bits) / 8);
  const out = new Uint8Array(Math.ceil(bits / 8)); // re-pack a 1-bit frame from bit 0
  for (let i = 0; i < bits; i++) if ((px[(first + i) >> 3] >> ((first + i) & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/**
 * The frame's bytes as stored: native → its slice (big endian stays big endian; deflated → slice of the inflated
 * dataset); encapsulated → its fragments concatenated (a view into the file when it is a single fragment).
 */
export function encodedFrame(file: Uint8Array, frame: number): Uint8Array {
  return guarded(() => {
    const p = parse(file);
    const info = infoOf(p);
    checkFrame(info, frame);
    return frameBytes(p, info, frame);
  });
}

// ---------------------------------------------------------------- wasm codecs
interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  getInterleaveMode?(): number;
  delete(): void;
}
type CodecModule = Record<string, new () => WasmDecoder>;
type CodecFactory = (module: object) => Promise<CodecModule>;

// The emscripten glue is CommonJS and finds its .wasm next to itself (__dirname), so it is loaded with Node's
// require, not bundled: Next.js needs these packages in serverExternalPackages.
const nodeRequire = createRequire(import.meta.url);
let codecMessage = '';
// Each factory gets its own module object (emscripten writes its runtime into it); openjpeg logs [INFO] lines.
const quietModule = () => ({
  print: () => {},
  printErr: (s: string) => {
    codecMessage = s;
  },
});
interface Codec {
  get(): Promise<CodecModule>;
  reset(): void;
}
function lazy(load: () => CodecFactory): Codec {
  let loading: Promise<CodecModule> | undefined;
  const codec: Codec = {
    get: () =>
      (loading ??= Promise.resolve()
        .then(() => load()(quietModule()))
        .catch((e: unknown) => {
          codec.reset(); // let a later call retry
          throw new PixelDataError(`codec failed to load: ${(e as Error)?.message ?? e}`);
        })),
    reset: () => {
      loading = undefined;
    },
  };
  return codec;
}
const libjpegTurbo = lazy(() => nodeRequire('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'));
const charls = lazy(() => nodeRequire('@cornerstonejs/codec-charls/decodewasmjs'));
const openjpeg = lazy(() => nodeRequire('@cornerstonejs/codec-openjpeg/decodewasmjs'));

async function runWasm(load: Codec, cls: string, codec: string, data: Uint8Array) {
  const Decoder = (await load.get())[cls];
  const d = new Decoder();
  try {
    codecMessage = '';
    d.getEncodedBuffer(data.length).set(data);
    d.decode();
    const fi = d.getFrameInfo();
    return { fi, bytes: new Uint8Array(d.getDecodedBuffer()), interleave: d.getInterleaveMode?.() };
  } catch (e) {
    // A wasm trap may leave the instance's heap or ABORT flag broken: use a fresh instance next time.
    if (e instanceof WebAssembly.RuntimeError) load.reset();
    // embind throws C++ exceptions as bare numbers; the codec's own message (if any) went to printErr
    const why = codecMessage || (e instanceof Error ? e.message : `native exception ${String(e)}`);
    throw new PixelDataError(`${codec} cannot decode the frame: ${why}`);
  } finally {
    try {
      d.delete();
    } catch {
      load.reset(); // the heap is corrupt
    }
  }
}

function checkSize(info: FrameInfo, width: number, height: number, components: number, codec: string) {
  if (width !== info.columns || height !== info.rows || components !== info.samplesPerPixel) {
    throw new PixelDataError(
      `${codec} decoded ${width}x${height}x${components}, header says ${info.columns}x${info.rows}x${info.samplesPerPixel}`,
    );
  }
}

/** Codec output bytes (little endian, 1 or 2 per sample) → sample values. */
function samplesOf(bytes: Uint8Array, bitsPerSample: number, signed = false): ArrayLike<number> {
  if (bitsPerSample <= 8) return bytes;
  const out = signed ? new Int16Array(bytes.length >> 1) : new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return out;
}

/** Planar (RRR…GGG…BBB…) → interleaved. */
function interleave(src: ArrayLike<number>, n: number): Uint16Array {
  const out = new Uint16Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = src[c * n + i];
  return out;
}

// ---------------------------------------------------------------- RLE (PS3.5 Annex G)
function decodeRle(data: Uint8Array, info: FrameInfo): Uint8Array | Uint16Array {
  const bps = info.bitsAllocated / 8, spp = info.samplesPerPixel, n = info.rows * info.columns;
  if (bps !== 1 && bps !== 2) throw new PixelDataError(`RLE with BitsAllocated ${info.bitsAllocated} is not supported`);
  if (data.length < 64) throw new PixelDataError('RLE frame shorter than its 64-byte header');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = dv.getUint32(0, true);
  if (count !== spp * bps) throw new PixelDataError(`RLE frame has ${count} segments, expected ${spp * bps}`);
  const out = bps === 1 ? new Uint8Array(n * spp) : new Uint16Array(n * spp);
  const seg = new Uint8Array(n);
  for (let k = 0; k < count; k++) {
    let i = dv.getUint32(4 + 4 * k, true), o = 0;
    const end = k + 1 < count ? dv.getUint32(8 + 4 * k, true) : data.length;
    if (i < 64 || end > data.length || i > end) throw new PixelDataError(`RLE segment ${k + 1} has a bad offset`);
    while (o < n && i < end) {
      const h = data[i++];
      if (h < 128) {
        if (i + h + 1 > end) throw new PixelDataError(`RLE segment ${k + 1} is truncated`);
        seg.set(data.subarray(i, i + Math.min(h + 1, n - o)), o);
        o += h + 1;
        i += h + 1;
      } else if (h > 128) {
        seg.fill(data[i++], o, Math.min(o + 257 - h, n));
        o += 257 - h;
      } // 128 is a no-op
    }
    if (o < n) throw new PixelDataError(`RLE segment ${k + 1} decodes to ${o} bytes, expected ${n}`);
    // Segments are ordered sample by sample, most significant byte first; output is interleaved.
    const s = Math.floor(k / bps), shift = 8 * (bps - 1 - (k % bps));
    for (let j = 0; j < n; j++) out[j * spp + s] |= seg[j] << shift;
  }
  return out;
}

// ---------------------------------------------------------------- JPEG sequential DCT (8/12-bit)
const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35,
  42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);
const COS = new Float64Array(64).map((_, i) => {
  const x = i >> 3, u = i & 7;
  return ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;
});
interface Huffman {
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}
function huffmanTable(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(17).fill(-1), valptr = new Int32Array(17), mincode = new Int32Array(17);
  for (let l = 1, code = 0, k = 0; l <= 16; l++, code <<= 1) {
    valptr[l] = k;
    mincode[l] = code;
    code += counts[l - 1];
    k += counts[l - 1];
    if (counts[l - 1]) maxcode[l] = code - 1;
  }
  return { maxcode, valptr, mincode, values };
}
interface DctComponent {
  id: number;
  h: number;
  v: number;
  tq: number;
  bw: number; // blocks covering the component itself
  bh: number;
  pw: number; // plane width (MCU-padded)
  plane: Uint16Array;
  pred: number;
  dc?: Huffman;
  ac?: Huffman;
}

/**
 * Baseline / extended sequential Huffman DCT decoder (T.81 Annex F), 8 or 12 bits. Exported for tests.
 * Why our own: libjpeg-turbo-8bit rejects 12-bit data, which is what 4.51 (JPEG extended) usually carries.
 */
export function decodeJpegDct(d: Uint8Array): { width: number; height: number; components: number; precision: number; pixels: Uint16Array } {
  if (d[0] !== 0xff || d[1] !== 0xd8) throw new PixelDataError('JPEG stream does not start with SOI');
  const u16 = (o: number) => (d[o] << 8) | d[o + 1];
  const qt: Int32Array[] = [], dcT: Huffman[] = [], acT: Huffman[] = [];
  let comps: DctComponent[] = [], precision = 0, width = 0, height = 0, hmax = 1, vmax = 1, restart = 0;
  let adobe: number | undefined;
  let i = 2;
  while (i + 4 <= d.length) {
    if (d[i] !== 0xff || d[i + 1] === 0xff) {
      i++;
      continue;
    }
    const m = d[i + 1];
    i += 2;
    if (m === 0xd9) break;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue;
    const seg = i + 2, end = i + u16(i);
    if (end > d.length) throw new PixelDataError('JPEG stream is truncated');
    if (m === 0xdb) {
      for (let o = seg; o < end; ) {
        const wide = d[o] >> 4, t = new Int32Array(64);
        const tq = d[o++] & 15;
        for (let k = 0; k < 64; k++, o += wide ? 2 : 1) t[k] = wide ? u16(o) : d[o];
        qt[tq] = t;
      }
    } else if (m === 0xc4) {
      for (let o = seg; o < end; ) {
        const counts = d.subarray(o + 1, o + 17), total = counts.reduce((a, b) => a + b, 0);
        (d[o] >> 4 ? acT : dcT)[d[o] & 15] = huffmanTable(counts, d.subarray(o + 17, o + 17 + total));
        o += 17 + total;
      }
    } else if (m === 0xc0 || m === 0xc1) {
      precision = d[seg];
      height = u16(seg + 1);
      width = u16(seg + 3);
      comps = [];
      for (let c = 0, o = seg + 6; c < d[seg + 5]; c++, o += 3) {
        comps.push({ id: d[o], h: d[o + 1] >> 4 || 1, v: d[o + 1] & 15 || 1, tq: d[o + 2], bw: 0, bh: 0, pw: 0, plane: new Uint16Array(0), pred: 0 });
      }
      if (!width || !height || !comps.length) throw new PixelDataError('JPEG frame header without size (DNL is not supported)');
      hmax = Math.max(...comps.map((c) => c.h));
      vmax = Math.max(...comps.map((c) => c.v));
      const mcusX = Math.ceil(width / (8 * hmax)), mcusY = Math.ceil(height / (8 * vmax));
      for (const c of comps) {
        c.bw = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
        c.bh = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
        c.pw = mcusX * c.h * 8;
        c.plane = new Uint16Array(c.pw * mcusY * c.v * 8);
      }
    } else if (m >= 0xc2 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      throw new PixelDataError(`JPEG SOF${m - 0xc0} (progressive, lossless, hierarchical or arithmetic) is not supported here`);
    } else if (m === 0xdd) restart = u16(seg);
    else if (m === 0xee && end - seg >= 12 && latin1(d.subarray(seg, seg + 5)) === 'Adobe') adobe = d[seg + 11];
    else if (m === 0xda) {
      if (!comps.length) throw new PixelDataError('JPEG scan before frame header');
      const scan = Array.from({ length: d[seg] }, (_, k) => {
        const c = comps.find((x) => x.id === d[seg + 1 + 2 * k]);
        if (!c) throw new PixelDataError('JPEG scan refers to an unknown component');
        c.dc = dcT[d[seg + 2 + 2 * k] >> 4];
        c.ac = acT[d[seg + 2 + 2 * k] & 15];
        if (!c.dc || !c.ac || !qt[c.tq]) throw new PixelDataError('JPEG scan uses an undefined table');
        return c;
      });
      i = decodeScan(d, end, scan, { width, height, hmax, vmax, precision, restart, qt });
      continue;
    }
    i = end;
  }
  if (!comps.length) throw new PixelDataError('JPEG stream has no frame header');
  if (precision !== 8 && precision !== 12) throw new PixelDataError(`JPEG precision ${precision} is not supported`);
  const nc = comps.length, pixels = new Uint16Array(width * height * nc);
  comps.forEach((c, k) => {
    const sx = c.h / hmax, sy = c.v / vmax; // nearest-neighbour upsampling of subsampled chroma
    for (let y = 0; y < height; y++) {
      const row = Math.floor(y * sy) * c.pw;
      for (let x = 0; x < width; x++) pixels[(y * width + x) * nc + k] = c.plane[row + Math.floor(x * sx)];
    }
  });
  const rgbIds = nc === 3 && comps[0].id === 0x52 && comps[1].id === 0x47 && comps[2].id === 0x42;
  if (nc === 3 && (adobe !== undefined ? adobe !== 0 : !rgbIds)) ybrToRgb(pixels, 'YBR_FULL', precision);
  return { width, height, components: nc, precision, pixels };
}

function decodeScan(
  d: Uint8Array,
  start: number,
  comps: DctComponent[],
  f: { width: number; height: number; hmax: number; vmax: number; precision: number; restart: number; qt: Int32Array[] },
): number {
  let pos = start, byte = 0, left = 0;
  const bit = () => {
    if (left === 0) {
      byte = 0; // at a marker (or the end) feed zeros, like libjpeg does on corrupt data
      if (pos < d.length && !(d[pos] === 0xff && d[pos + 1] !== 0)) {
        byte = d[pos];
        pos += byte === 0xff ? 2 : 1; // FF 00 is a stuffed FF
      }
      left = 8;
    }
    left--;
    return (byte >> left) & 1;
  };
  const receive = (s: number) => {
    let v = 0;
    for (let k = 0; k < s; k++) v = (v << 1) | bit();
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  };
  const decodeHuffman = (h: Huffman) => {
    let code = 0;
    for (let l = 1; l <= 16; l++) {
      code = (code << 1) | bit();
      if (code <= h.maxcode[l]) return h.values[h.valptr[l] + code - h.mincode[l]];
    }
    throw new PixelDataError('JPEG stream has a bad Huffman code');
  };
  const coef = new Float64Array(64), tmp = new Float64Array(64);
  const center = 1 << (f.precision - 1), max = (1 << f.precision) - 1;
  const block = (c: DctComponent, by: number, bx: number) => {
    const q = f.qt[c.tq];
    coef.fill(0);
    const t = decodeHuffman(c.dc!);
    c.pred += t ? receive(t) : 0;
    coef[0] = c.pred * q[0];
    for (let k = 1; k < 64; ) {
      const rs = decodeHuffman(c.ac!), r = rs >> 4, s = rs & 15;
      if (!s) {
        if (r !== 15) break;
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) throw new PixelDataError('JPEG block has more than 64 coefficients');
      coef[ZIGZAG[k]] = receive(s) * q[k];
      k++;
    }
    // Separable float IDCT: rows, then columns.
    for (let v = 0; v < 8; v++)
      for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let u = 0; u < 8; u++) s += COS[x * 8 + u] * coef[v * 8 + u];
        tmp[v * 8 + x] = s;
      }
    const base = by * 8 * c.pw + bx * 8;
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let v = 0; v < 8; v++) s += COS[y * 8 + v] * tmp[v * 8 + x];
        const val = Math.round(s) + center;
        c.plane[base + y * c.pw + x] = val < 0 ? 0 : val > max ? max : val;
      }
  };
  for (const c of comps) c.pred = 0;
  const single = comps.length === 1; // non-interleaved scan: one block per MCU, only the component's own blocks
  const mcusX = Math.ceil(f.width / (8 * f.hmax));
  const total = single ? comps[0].bw * comps[0].bh : mcusX * Math.ceil(f.height / (8 * f.vmax));
  for (let m = 0; m < total; m++) {
    if (f.restart && m > 0 && m % f.restart === 0) {
      left = 0;
      while (pos + 1 < d.length && !(d[pos] === 0xff && d[pos + 1] >= 0xd0 && d[pos + 1] <= 0xd7)) pos++;
      pos += 2;
      for (const c of comps) c.pred = 0;
    }
    if (single) block(comps[0], Math.floor(m / comps[0].bw), m % comps[0].bw);
    else {
      const my = Math.floor(m / mcusX), mx = m % mcusX;
      for (const c of comps) for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) block(c, my * c.v + v, mx * c.h + h);
    }
  }
  while (pos + 1 < d.length && !(d[pos] === 0xff && d[pos + 1] !== 0 && !(d[pos + 1] >= 0xd0 && d[pos + 1] <= 0xd7))) pos++;
  return pos;
}

/** Precision of the first SOF marker, or 0. */
function jpegPrecision(d: Uint8Array): number {
  for (let i = 2; i + 4 < d.length; ) {
    if (d[i] !== 0xff) return 0;
    const m = d[i + 1];
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return d[i + 4];
    i += 2 + ((d[i + 2] << 8) | d[i + 3]);
  }
  return 0;
}

// ---------------------------------------------------------------- colour and bit depth
/** In-place YCbCr → RGB (PS3.3 C.7.6.3.1.2); PARTIAL uses the studio-range equations. */
function ybrToRgb(px: Uint16Array | Uint8Array | Int16Array, pi: string, bits: number) {
  const max = (1 << bits) - 1, c = 1 << (bits - 1), k = 1 << (bits - 8);
  const clip = (v: number) => (v < 0 ? 0 : v > max ? max : Math.round(v));
  const partial = pi.startsWith('YBR_PARTIAL');
  for (let i = 0; i + 2 < px.length; i += 3) {
    const y = partial ? 1.1644 * (px[i] - 16 * k) : px[i], cb = px[i + 1] - c, cr = px[i + 2] - c;
    px[i] = clip(y + (partial ? 1.596 : 1.402) * cr);
    px[i + 1] = clip(y - (partial ? 0.3918 : 0.344136) * cb - (partial ? 0.813 : 0.714136) * cr);
    px[i + 2] = clip(y + (partial ? 2.0172 : 1.772) * cb);
  }
}

/**
 * Sample values → the output container (Uint8 for BitsAllocated ≤ 8, (Int|Uint)16 otherwise) honouring BitsStored.
 * 'raw' inputs are bit patterns (native, RLE, JPEG, JPEG-LS): mask, and sign-extend from BitsStored when signed.
 * 'values' (openjpeg knows the sign) are clamped into the BitsStored range instead, so lossy overshoot cannot wrap.
 */
function toSamples(src: ArrayLike<number>, n: number, info: FrameInfo, mode: 'raw' | 'values'): Samples {
  const { bitsAllocated: ba, bitsStored: bs, pixelRepresentation: pr } = info;
  const out = ba > 8 ? (pr ? new Int16Array(n) : new Uint16Array(n)) : new Uint8Array(n);
  const mask = bs >= 32 ? -1 : 2 ** bs - 1, sign = 2 ** (bs - 1);
  const lo = pr ? -sign : 0, hi = pr ? sign - 1 : mask;
  for (let i = 0; i < n; i++) {
    let v = src[i];
    if (mode === 'raw') {
      v &= mask;
      if (pr && v >= sign) v -= 2 * sign;
    } else v = v < lo ? lo : v > hi ? hi : v;
    out[i] = v;
  }
  return out;
}

/** Native samples (BitsAllocated 1/8/16, either byte order) → values, 4:2:2 expanded and planar interleaved. */
function nativeValues(data: Uint8Array, info: FrameInfo, little: boolean, vr: string): ArrayLike<number> {
  const { bitsAllocated: ba, rows, columns } = info, n = rows * columns;
  let v: ArrayLike<number>;
  if (ba === 8) v = !little && vr === 'OW' ? data.map((_, i) => data[i ^ 1]) : data; // OW in big endian swaps byte pairs
  else if (ba === 16) {
    const u = new Uint16Array(data.length >> 1), [a, b] = little ? [0, 1] : [1, 0];
    for (let i = 0; i < u.length; i++) u[i] = data[2 * i + a] | (data[2 * i + b] << 8);
    v = u;
  } else if (ba === 1) v = new Uint8Array(data.length * 8).map((_, i) => (data[i >> 3] >> (i & 7)) & 1).subarray(0, n * info.samplesPerPixel);
  else throw new PixelDataError(`BitsAllocated ${ba} cannot be decoded`);
  if (yuv422(info.photometricInterpretation)) {
    const full = new Uint16Array(n * 3);
    for (let j = 0; j < n / 2; j++) {
      const [y1, y2, cb, cr] = [v[4 * j], v[4 * j + 1], v[4 * j + 2], v[4 * j + 3]];
      full.set([y1, cb, cr, y2, cb, cr], 6 * j);
    }
    return full;
  }
  return info.samplesPerPixel === 3 && info.planarConfiguration === 1 ? interleave(v, n) : v;
}

// ---------------------------------------------------------------- decodeFrame
export async function decodeFrame(file: Uint8Array, frame: number): Promise<DecodedFrame> {
  try {
    return await decode(parse(file), frame);
  } catch (e) {
    throw asPixelDataError(e);
  }
}

async function decode(p: Parsed, frame: number): Promise<DecodedFrame> {
  const info = infoOf(p, frame);
  checkFrame(info, frame);
  const ts = info.transferSyntaxUid, pi = info.photometricInterpretation;
  const n = info.rows * info.columns, spp = info.samplesPerPixel;
  const data = frameBytes(p, info, frame);
  let values: ArrayLike<number>, mode: 'raw' | 'values' = 'raw', isRgb = spp === 1 || !pi.startsWith('YBR');

  if (NATIVE.has(ts) || ts === TS.encapsulatedLE) values = nativeValues(data, info, p.little, p.pixel.vr);
  else if (ts === TS.rle) values = decodeRle(data, info);
  else if (ts === TS.jpegBaseline || ts === TS.jpegExtended) {
    const precision = jpegPrecision(data);
    if (precision === 12) {
      const j = decodeJpegDct(data);
      checkSize(info, j.width, j.height, j.components, 'JPEG (12-bit DCT)');
      values = j.pixels;
    } else {
      const { fi, bytes } = await runWasm(libjpegTurbo, 'JPEGDecoder', 'libjpeg-turbo', data);
      checkSize(info, fi.width, fi.height, fi.componentCount, 'libjpeg-turbo');
      values = bytes;
    }
    isRgb = true; // the JPEG decoder already did the YCbCr → RGB transform
  } else if (ts === TS.jpegLossless || ts === TS.jpegLosslessSV1) {
    const dec = new LosslessJpegDecoder();
    try {
      values = dec.decode(data.slice().buffer, 0, data.length, info.bitsAllocated > 8 ? 2 : 1);
    } catch (e) {
      throw new PixelDataError(`JPEG lossless decoder cannot decode the frame: ${(e as Error)?.message ?? e}`);
    }
    checkSize(info, dec.xDim, dec.yDim, dec.numComp, 'JPEG lossless');
  } else if (ts === TS.jpegLS || ts === TS.jpegLSNear) {
    const { fi, bytes, interleave: ilv } = await runWasm(charls, 'JpegLSDecoder', 'CharLS', data);
    checkSize(info, fi.width, fi.height, fi.componentCount, 'CharLS');
    values = samplesOf(bytes, fi.bitsPerSample);
    if (spp === 3 && ilv === 0) values = interleave(values, n); // ILV_NONE comes out plane by plane
  } else if (ts === TS.j2kLossless || ts === TS.j2k) {
    const { fi, bytes } = await runWasm(openjpeg, 'J2KDecoder', 'OpenJPEG', data);
    checkSize(info, fi.width, fi.height, fi.componentCount, 'OpenJPEG');
    values = samplesOf(bytes, fi.bitsPerSample, fi.isSigned);
    // OpenJPEG clamps to the codestream's precision and knows the sign; an unsigned codestream for signed
    // data (PixelRepresentation 1) carries two's-complement bit patterns instead.
    mode = !fi.isSigned && info.pixelRepresentation === 1 ? 'raw' : 'values';
    if (pi === 'YBR_RCT' || pi === 'YBR_ICT') isRgb = true; // OpenJPEG applies the inverse MCT itself
  } else {
    throw new PixelDataError(`transfer syntax ${ts} is not supported for decoding`);
  }

  if (values.length < n * spp) throw new PixelDataError(`decoded frame has ${values.length} samples, expected ${n * spp}`);
  const pixels = toSamples(values, n * spp, info, mode); // codecs may hand back padding: keep exactly n * spp
  if (!isRgb) ybrToRgb(pixels, pi, info.bitsStored);
  return {
    info: { ...info, ...(spp === 3 ? { photometricInterpretation: 'RGB', planarConfiguration: 0 as const } : {}) },
    pixels,
  };
}

/**
 * Little-endian bytes of decoded samples, as Explicit VR Little Endian carries them (1-bit data re-packed).
 * 8-bit samples are returned as is (same memory as decoded.pixels).
 */
export function nativeFrameBytes(decoded: DecodedFrame): Uint8Array {
  const { pixels, info } = decoded;
  if (info.bitsAllocated === 1) {
    const out = new Uint8Array(Math.ceil(pixels.length / 8));
    for (let i = 0; i < pixels.length; i++) if (pixels[i]) out[i >> 3] |= 1 << (i & 7);
    return out;
  }
  if (pixels instanceof Uint8Array) return pixels;
  const out = new Uint8Array(pixels.length * 2);
  for (let i = 0; i < pixels.length; i++) {
    out[2 * i] = pixels[i] & 0xff;
    out[2 * i + 1] = (pixels[i] >> 8) & 0xff;
  }
  return out;
}
