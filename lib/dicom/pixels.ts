/**
 * Pixel data for the DICOMweb server: a frame's bytes as stored (WADO-RS frames passthrough) and a frame
 * decoded to native little-endian samples (transcoding to Explicit VR LE, rendering), and at ingest the
 * check that every frame of an object can be served (checkServable). Server-side only: the wasm codecs
 * are loaded with Node's require (see loadCodec).
 *
 * The header walk is our own (not dcmjs/dicom-parser): it stops at the top-level PixelData and turns
 * every malformed or truncated input into a PixelDataError. A file is read through a Source: in memory,
 * or by position from disk, so only the header, the item headers and the frames needed are read.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transform } from 'node:stream';
import { createInflate, createInflateRaw, inflateRawSync, inflateSync } from 'node:zlib';
import { Decoder as LosslessJpegDecoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { config } from '../config';

export class PixelDataError extends Error {
  /** The top-level elements read before a malformed header stopped the walk, and their values' text. */
  partial?: { ds: Dataset; text(el: Elem): string };
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PixelDataError';
  }
}
/** A deflated dataset inflates to more than the limit (YINGYUN_DICOM_MAX_BYTES): ingest says 0xA700, not 0xC000. */
export class DatasetTooLargeError extends PixelDataError {
  constructor(readonly limit: number) {
    super(`the deflated dataset inflates to more than ${limit} bytes`);
    this.name = 'DatasetTooLargeError';
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
export type Samples = Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array;
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
/** JPEG spectral selection (4.53) and full progression (4.55): served as stored only; ingest checks their markers. */
const JPEG_PROGRESSIVE = new Set(['1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55']);
/** Transfer syntaxes we accept: the ones we decode, and the two we can only check and pass through. */
export const STORABLE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([...DECODABLE_TRANSFER_SYNTAXES, ...JPEG_PROGRESSIVE]);

/** Largest Rows or Columns accepted at ingest (the largest radiographs are about 5000). */
export const MAX_DIMENSION = 16384;
/** Largest decoded frame accepted at ingest, bytes: decoding one must fit in memory. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * Image SOP classes (PS3.4 B.5): their IODs require the Image Pixel module, so an instance of one
 * without PixelData cannot be shown and is refused.
 */
export const IMAGE_SOP_CLASSES: ReadonlySet<string> = new Set(
  [
    '1', '1.1', '1.1.1', '1.2', '1.2.1', '1.3', '1.3.1', // CR, DX, MG, intra-oral
    '2', '2.1', '2.2', // CT, enhanced CT, legacy converted enhanced CT
    '3', '3.1', '6', '6.1', '6.2', // ultrasound
    '4', '4.1', '4.3', '4.4', // MR, enhanced MR, enhanced MR colour, legacy converted enhanced MR
    '7', '7.1', '7.2', '7.3', '7.4', // secondary capture
    '12.1', '12.1.1', '12.2', '12.2.1', '13.1.1', '13.1.2', '13.1.3', '13.1.4', '13.1.5', // XA, RF, 3D X-ray, breast tomosynthesis and projection
    '14.1', '14.2', // intravascular OCT
    '20', '128', '128.1', '130', // NM, PET, enhanced PET
    '481.1', // RT image
    '66.4', // segmentation
    '77.1.1', '77.1.1.1', '77.1.2', '77.1.2.1', '77.1.3', '77.1.4', '77.1.4.1', '77.1.5.1', '77.1.5.2', '77.1.5.4', '77.1.6', '77.1.7', // visible light
  ].map((s) => `1.2.840.10008.5.1.4.1.1.${s}`),
);

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
/** VRs that may have an undefined length ('' is implicit VR, read as a sequence). */
const UNDEFINED_LENGTH_VR = new Set(['SQ', 'UN', 'OB', 'OW', '']);
/** Sequences we read inside, which implicit VR cannot announce when they have a defined length. */
const KNOWN_SQ = new Set<number>([T.sharedGroups, T.perFrameGroups, T.frameVoi, T.pixelTransform]);

export interface Elem {
  vr: string;
  offset: number;
  length: number;
  items?: Dataset[];
  /** Where the element's tag is (kept for the top-level PixelData: the header ends there). */
  tagAt?: number;
}
export type Dataset = Map<number, Elem>;
interface Fragment {
  item: number; // offset of the item tag, relative to the first fragment's (what offset tables count from)
  offset: number;
  length: number;
}
interface Header {
  /** The dataset: the file, or the inflated dataset of a deflated file (element offsets point into it). */
  src: Source;
  /** Its beginning, read into memory: at least every element before PixelData's value. */
  bytes: Uint8Array;
  dv: DataView;
  little: boolean;
  ts: string;
  ds: Dataset;
  pixel?: Elem;
}
interface Parsed extends Header {
  pixel: Elem;
  explicit: boolean;
  end: number; // where the PixelData element ends
  fragments?: Fragment[];
  offsets?: number[]; // Basic (or Extended) Offset Table
  frames?: Fragment[][];
}

const hex = (t: number) => `(${(t >>> 16).toString(16).padStart(4, '0')},${(t & 0xffff).toString(16).padStart(4, '0')})`;

class Walker {
  readonly dv: DataView;
  /** Walking the elements after the top-level PixelData (it does not stop there again). */
  trailer = false;
  constructor(readonly b: Uint8Array, readonly little: boolean) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  zeros(pos: number, end: number) {
    for (let i = pos; i < end; i++) if (this.b[i] !== 0) return false;
    return true;
  }
  tag(o: number) {
    return ((this.dv.getUint16(o, this.little) << 16) | this.dv.getUint16(o + 2, this.little)) >>> 0;
  }
  need(o: number, end: number, what: string) {
    if (o > end) throw new TruncatedError(`truncated file: ${what} runs past the end of the data`);
  }
  /** Elements in [pos, end) or up to an Item Delimitation; at depth 0 stops at PixelData (its value is not read). */
  dataset(pos: number, end: number, depth: number, explicit: boolean, ds: Dataset = new Map()): { ds: Dataset; pos: number } {
    while (pos < end) {
      // Zero bytes after the last element (some writers pad files with them) end the dataset.
      if (depth === 0 && this.b[pos] === 0 && this.zeros(pos, end)) return { ds, pos: end };
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
      if (t === T.pixelData && depth === 0 && !this.trailer) {
        const el = { vr, offset: start, length: len, tagAt: pos };
        ds.set(t, el);
        return { ds, pos: start };
      }
      if (len === UNDEFINED) {
        // Only a sequence or encapsulated data may have an undefined length (PS3.5 7.1.2); a text value never does.
        if (!UNDEFINED_LENGTH_VR.has(vr)) throw new PixelDataError(`element ${hex(t)} (VR ${vr}) has an undefined length`);
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
      else if (!explicit && len >= 8 && this.tag(start) === ITEM) {
        // Implicit VR: a defined-length value that starts with an item is read as a sequence when it parses as one.
        try {
          el.items = this.items(start, start + len, depth + 1, explicit, false).items;
          el.vr = 'SQ';
        } catch {
          /* an opaque value after all */
        }
      }
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
    if (delimited) throw new TruncatedError('truncated file: sequence without a delimiter');
    return { items, pos };
  }
  /** Items of encapsulated data (always little endian); returns the position after the Sequence Delimiter. */
  fragments(pos: number, end: number): number {
    while (pos + 8 <= end) {
      const t = ((this.dv.getUint16(pos, true) << 16) | this.dv.getUint16(pos + 2, true)) >>> 0;
      const len = this.dv.getUint32(pos + 4, true);
      if (t === SEQ_END) return pos + 8;
      if (t !== ITEM || len === UNDEFINED) throw new PixelDataError(`bad encapsulated pixel data item ${hex(t)} at byte ${pos}`);
      this.need(pos + 8 + len, end, 'an encapsulated pixel data fragment');
      pos += 8 + len;
    }
    throw new TruncatedError('truncated file: encapsulated pixel data without a sequence delimiter');
  }
}

const latin1 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
};

// ---------------------------------------------------------------- sources
/**
 * Random access to a DICOM file: in memory, or an open file read by position (ingest and WADO read
 * only the header, the item headers of encapsulated data and the frames they need). A returned view
 * is never overwritten later.
 */
export interface Source {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

class BytesSource implements Source {
  constructor(readonly bytes: Uint8Array) {}
  get size() {
    return this.bytes.length;
  }
  read(offset: number, length: number) {
    return this.bytes.subarray(offset, offset + length);
  }
}

/** An open file; small reads come from a 64 KB window read ahead, large ones straight from the file. */
export class FileSource implements Source {
  private window: Uint8Array = new Uint8Array(0);
  private at = 0;
  private constructor(
    private fd: number,
    readonly size: number,
  ) {}
  static open(path: string): FileSource {
    const fd = fs.openSync(path, 'r');
    return new FileSource(fd, fs.fstatSync(fd).size);
  }
  private pread(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    for (let n = 0; n < out.length; ) {
      const got = fs.readSync(this.fd, out, n, out.length - n, offset + n);
      if (got === 0) break;
      n += got;
    }
    return out;
  }
  read(offset: number, length: number): Uint8Array {
    if (offset >= this.at && offset + length <= this.at + this.window.length) return this.window.subarray(offset - this.at, offset - this.at + length);
    if (length > WINDOW / 4) return this.pread(offset, length);
    this.window = this.pread(offset, WINDOW);
    this.at = offset;
    return this.window.subarray(0, length);
  }
  close() {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
const WINDOW = 64 * 1024;

const sourceOf = (file: Uint8Array | Source): Source => (file instanceof Uint8Array ? new BytesSource(file) : file);

// Parsing is cached per file: a WADO-RS request for many frames (or frameInfo + decodeFrame) walks the header once.
const cache = new WeakMap<Uint8Array | Source, Parsed>();

/** Inflates with a hard cap on the output, which zlib enforces as it inflates. */
function inflateCapped(body: Uint8Array, limit: number): Uint8Array {
  const inflate = (f: typeof inflateRawSync) => {
    try {
      return f(body, { maxOutputLength: limit });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DatasetTooLargeError(limit);
      throw e;
    }
  };
  try {
    return inflate(inflateRawSync);
  } catch (e) {
    if (e instanceof DatasetTooLargeError) throw e;
    try {
      return inflate(inflateSync); // some writers wrongly add a zlib header
    } catch (e2) {
      if (e2 instanceof DatasetTooLargeError) throw e2;
      throw new PixelDataError(`deflated dataset cannot be inflated: ${(e as Error).message}`);
    }
  }
}

/** File Meta Information and the dataset's elements up to the top-level PixelData (whose value is not read). */
type FullHeader = Header & { rawTransferSyntax: string; datasetStart: number; explicit: boolean; preamble: boolean };
const headerCache = new WeakMap<Uint8Array | Source, FullHeader>();

function parseHeader(file: Uint8Array | Source, inflateLimit = config.dicomMaxBytes): FullHeader {
  const hit = headerCache.get(file);
  if (hit && (hit.ts !== TS.deflatedLE || hit.src.size <= inflateLimit)) return hit;
  const h = walkHeader(sourceOf(file), inflateLimit);
  headerCache.set(file, h);
  return h;
}

/**
 * File Meta Information: group 0002, always explicit VR little endian, after the 128-byte preamble and
 * "DICM" (or "DICM" alone: some writers leave the preamble out). Returns where the dataset starts.
 */
function readMeta(src: Source): { ts: string; raw: string; end: number; preamble: boolean } {
  const head = src.read(0, Math.min(src.size, 1 << 20));
  const preamble = head.length >= 132 && latin1(head.subarray(128, 132)) === 'DICM';
  if (!preamble && !(head.length >= 4 && latin1(head.subarray(0, 4)) === 'DICM')) {
    throw new PixelDataError('not a DICOM Part-10 file: no "DICM" marker and no File Meta Information (transfer syntax unknown)');
  }
  const meta = new Walker(head, true);
  let pos = preamble ? 132 : 4, raw = '';
  while (pos + 8 <= head.length && meta.dv.getUint16(pos, true) === 0x0002) {
    const t = meta.tag(pos), vr = latin1(head.subarray(pos + 4, pos + 6));
    const long = LONG_VR.has(vr);
    meta.need(pos + (long ? 12 : 8), head.length, `file meta element ${hex(t)}`);
    const len = long ? meta.dv.getUint32(pos + 8, true) : meta.dv.getUint16(pos + 6, true);
    const start = pos + (long ? 12 : 8);
    meta.need(start + len, head.length, `file meta element ${hex(t)}`);
    if (t === T.transferSyntax) raw = latin1(head.subarray(start, start + len));
    pos = start + len;
  }
  const ts = raw.replace(/[\0 ]+$/, '').trim();
  if (!ts) throw new PixelDataError('file meta information has no TransferSyntaxUID');
  return { ts, raw, end: pos, preamble };
}

/** Ran out of bytes: the end of the file, or of the part of it read so far (then read more). */
class TruncatedError extends PixelDataError {}

/**
 * The top-level elements from `start` up to PixelData, read from a growing prefix of the source (the
 * header of a 500 MB file is read, not the file). On a flaw, the error keeps what was read before it.
 */
function walkTop(src: Source, start: number, ts: string): { w: Walker; top: Dataset } {
  for (let n = Math.min(src.size, start + 256 * 1024); ; n = Math.min(src.size, n * 4)) {
    const w = new Walker(src.read(0, n), ts !== TS.explicitBE);
    const top: Dataset = new Map();
    try {
      w.dataset(start, n, 0, ts !== TS.implicitLE, top);
      const pixel = top.get(T.pixelData);
      // Done at the end of the file, or once PixelData's header is in (its value is read by position).
      if (n === src.size || (pixel && pixel.offset <= n)) return { w, top };
    } catch (e) {
      if (!(e instanceof TruncatedError && n < src.size)) {
        // What was read before the flaw (parse.ts names the instance's UIDs in its refusal).
        const err = asPixelDataError(e);
        err.partial = { ds: top, text: (el) => latin1(w.b.subarray(el.offset, el.offset + el.length)) };
        throw err;
      }
    }
  }
}

/** Reads a source in chunks (the deflated dataset of a file, into zlib). */
function* chunks(src: Source, from: number): Generator<Uint8Array> {
  for (let o = from; o < src.size; o += 1 << 20) yield src.read(o, Math.min(1 << 20, src.size - o));
}

/**
 * Ingest, before anything is inflated into memory: does a deflated dataset stay within `limit` once
 * inflated? Streams it through zlib counting the output and keeping only its beginning, so a
 * decompression bomb costs no memory; a header that declares more pixel data than the limit stops it
 * at once. Too large → DatasetTooLargeError carrying the elements of that beginning (the instance's
 * UIDs for the failure report).
 */
export async function checkInflatedSize(file: Uint8Array | Source, limit: number): Promise<void> {
  const src = sourceOf(file);
  const { ts, end } = guarded(() => readMeta(src));
  if (ts !== TS.deflatedLE) return;
  const KEEP = 1 << 20;
  const count = async (inflater: Transform) => {
    const head: Uint8Array[] = [];
    let size = 0, kept = 0, walked = 0;
    const tooLarge = () => {
      const err = new DatasetTooLargeError(limit), start = concat(head);
      try {
        err.partial = { ds: walkTop(new BytesSource(start), 0, ts).top, text: (el) => latin1(start.subarray(el.offset, el.offset + el.length)) };
      } catch (e) {
        err.partial = (e as PixelDataError).partial;
      }
      return err;
    };
    const feeding = pipeline(Readable.from(chunks(src, end)), inflater).catch(() => {});
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (kept < KEEP) {
          head.push(chunk.subarray(0, KEEP - kept));
          kept += head.at(-1)!.length;
          if (kept >= 2 * walked) {
            walked = kept;
            const pixel = declaredPixels(concat(head), ts);
            if (pixel && pixel.offset + pixel.length > limit) throw tooLarge();
          }
        }
        if (size > limit) throw tooLarge();
      }
    } finally {
      inflater.destroy();
      await feeding;
    }
  };
  try {
    await count(createInflateRaw());
  } catch (e) {
    if (e instanceof DatasetTooLargeError) throw e;
    try {
      await count(createInflate()); // some writers wrongly add a zlib header
    } catch (e2) {
      if (e2 instanceof DatasetTooLargeError) throw e2;
      throw new PixelDataError(`deflated dataset cannot be inflated: ${(e as Error).message}`);
    }
  }
}

/** PixelData as the first bytes of a dataset declare it (defined length only), if they reach it. */
function declaredPixels(start: Uint8Array, ts: string): Elem | undefined {
  try {
    const pixel = walkTop(new BytesSource(start), 0, ts).top.get(T.pixelData);
    return pixel && pixel.length !== UNDEFINED ? pixel : undefined;
  } catch {
    return undefined;
  }
}

function walkHeader(file: Source, inflateLimit: number): FullHeader {
  const { ts, raw, end: pos, preamble } = readMeta(file);
  let src = file, start = pos;
  if (ts === TS.deflatedLE) {
    src = new BytesSource(inflateCapped(file.read(pos, file.size - pos), inflateLimit));
    start = 0;
  }
  const little = ts !== TS.explicitBE;
  const { w, top } = walkTop(src, start, ts);
  return { src, bytes: w.b, dv: w.dv, little, ts, ds: top, pixel: top.get(T.pixelData), rawTransferSyntax: raw, datasetStart: start, explicit: ts !== TS.implicitLE, preamble };
}

/** Items of encapsulated pixel data (always little endian) from `pos`; returns the position after the Sequence Delimiter. */
function walkFragments(src: Source, pos: number, out: Fragment[]): number {
  const end = src.size;
  while (pos + 8 <= end) {
    const h = src.read(pos, 8), dv = new DataView(h.buffer, h.byteOffset, 8);
    const t = ((dv.getUint16(0, true) << 16) | dv.getUint16(2, true)) >>> 0, len = dv.getUint32(4, true);
    if (t === SEQ_END) return pos + 8;
    if (t !== ITEM || len === UNDEFINED) throw new PixelDataError(`bad encapsulated pixel data item ${hex(t)} at byte ${pos}`);
    if (pos + 8 + len > end) throw new PixelDataError('truncated file: an encapsulated pixel data fragment runs past the end of the data');
    out.push({ item: pos, offset: pos + 8, length: len });
    pos += 8 + len;
  }
  throw new PixelDataError('truncated file: encapsulated pixel data without a sequence delimiter');
}

function parse(file: Uint8Array | Source): Parsed {
  const hit = cache.get(file);
  if (hit) return hit;
  const h = parseHeader(file);
  const { src, ds, ts, little, pixel } = h;
  if (!pixel) throw new PixelDataError('no pixel data (7FE0,0010) in this object');
  const p: Parsed = { ...h, pixel, end: pixel.offset + pixel.length };
  if (pixel.length === UNDEFINED) {
    const all: Fragment[] = [];
    p.end = walkFragments(src, pixel.offset, all);
    if (all.length === 0) throw new PixelDataError('encapsulated pixel data has no Basic Offset Table item');
    const [bot, ...frags] = all;
    const base = frags[0]?.item ?? 0;
    p.fragments = frags.map((f) => ({ ...f, item: f.item - base }));
    const table = src.read(bot.offset, bot.length), tv = new DataView(table.buffer, table.byteOffset, table.byteLength);
    p.offsets = [];
    for (let o = 0; o + 4 <= bot.length; o += 4) p.offsets.push(tv.getUint32(o, true));
    const eot = ds.get(T.extendedOffsets);
    if (p.offsets.length === 0 && eot && eot.length >= 8) {
      p.offsets = [];
      for (let o = 0; o + 8 <= eot.length; o += 8) p.offsets.push(Number(h.dv.getBigUint64(eot.offset + o, little)));
    }
  } else {
    if (!NATIVE.has(ts) && DECODABLE_TRANSFER_SYNTAXES.has(ts)) {
      throw new PixelDataError(`pixel data of a compressed transfer syntax (${ts}) is not encapsulated`);
    }
    if (p.end > src.size) throw new PixelDataError('truncated file: PixelData runs past the end of the data');
  }
  cache.set(file, p);
  return p;
}

/** The raw elements of a Part-10 file up to PixelData, for reading values exactly as stored (parse.ts). */
export interface RawHeader {
  /** TransferSyntaxUID (0002,0010) as stored, padding included. */
  transferSyntaxUid: string;
  ds: Dataset;
  /** An element's value bytes as Latin-1 text, padding included. */
  text(el: Elem): string;
  /**
   * A Part-10 file of the elements before PixelData, for a full reader (dcmjs) to decode the attributes
   * without touching pixel data: the file's own beginning (with a preamble put in front if it has
   * none), or for a deflated file a minimal File Meta Information (Explicit VR Little Endian) and the
   * inflated elements.
   */
  part10: Uint8Array;
}
export function rawHeader(file: Uint8Array | Source, inflateLimit?: number): RawHeader {
  return guarded(() => {
    const h = parseHeader(file, inflateLimit);
    const end = h.pixel?.tagAt ?? h.bytes.length;
    const part10 =
      h.ts === TS.deflatedLE ? concat([explicitLeMeta(), h.bytes.subarray(h.datasetStart, end)])
      : h.preamble ? h.bytes.subarray(0, end)
      : concat([new Uint8Array(128), h.bytes.subarray(0, end)]);
    return { transferSyntaxUid: h.rawTransferSyntax, ds: h.ds, text: (el) => latin1(h.bytes.subarray(el.offset, el.offset + el.length)), part10 };
  });
}

/** Preamble, "DICM" and a File Meta Information group that says only: Explicit VR Little Endian. */
function explicitLeMeta(): Uint8Array {
  const out = new Uint8Array(132 + 12 + 28), dv = new DataView(out.buffer);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  const el = (o: number, tag: number, vr: string, len: number) => {
    dv.setUint16(o, 0x0002, true);
    dv.setUint16(o + 2, tag, true);
    out.set([vr.charCodeAt(0), vr.charCodeAt(1)], o + 4);
    dv.setUint16(o + 6, len, true);
  };
  el(132, 0x0000, 'UL', 4);
  dv.setUint32(140, 28, true);
  el(144, 0x0010, 'UI', 20);
  out.set(new TextEncoder().encode(`${TS.explicitLE}\0`), 152);
  return out;
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
export function frameInfo(file: Uint8Array | Source): FrameInfo {
  return guarded(() => infoOf(parse(file)));
}

function checkFrame(info: FrameInfo, frame: number) {
  if (!Number.isInteger(frame) || frame < 1 || frame > info.numberOfFrames) {
    throw new PixelDataError(`frame ${frame} does not exist (object has ${info.numberOfFrames})`);
  }
}

/** PALETTE COLOR lookup tables, 8-bit per entry (render applies them; decodeFrame keeps the indices). */
export function paletteColorLut(file: Uint8Array | Source): { first: number; r: Uint8Array; g: Uint8Array; b: Uint8Array } | undefined {
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
    const bytes = (f: Fragment) => p.src.read(f.offset, Math.min(f.length, 12));
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
    return concat(parts.map((f) => p.src.read(f.offset, f.length)));
  }
  // Native: YBR_*_422 stores 2 samples per pixel (Y Y Cb Cr per pixel pair); 1-bit frames need not be byte aligned.
  const samples = yuv422(info.photometricInterpretation) ? 2 : info.samplesPerPixel;
  const bits = info.rows * info.columns * samples * info.bitsAllocated;
  const first = (frame - 1) * bits;
  if (first + bits > p.pixel.length * 8) {
    throw new PixelDataError(`pixel data too short for frame ${frame} (${p.pixel.length} bytes for ${info.numberOfFrames} frames)`);
  }
  if (first % 8 === 0 && bits % 8 === 0) return p.src.read(p.pixel.offset + first / 8, bits / 8);
  const from = Math.floor(first / 8), px = p.src.read(p.pixel.offset + from, Math.ceil((first + bits) / 8) - from), skip = first - 8 * from;
  const out = new Uint8Array(Math.ceil(bits / 8)); // re-pack a 1-bit frame from bit 0
  for (let i = 0; i < bits; i++) if ((px[(skip + i) >> 3] >> ((skip + i) & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/**
 * The frame's bytes as stored: native → its slice (big endian stays big endian; deflated → slice of the inflated
 * dataset); encapsulated → its fragments concatenated (a view into the file when it is a single fragment).
 */
export function encodedFrame(file: Uint8Array | Source, frame: number): Uint8Array {
  return guarded(() => {
    const p = parse(file);
    const info = infoOf(p);
    checkFrame(info, frame);
    return frameBytes(p, info, frame);
  });
}

/**
 * The value of a top-level element as stored (a BulkDataURI's target); encapsulated pixel data is given
 * as its frames' bytes, one after the other. Undefined when the object has no such element.
 */
export function elementValue(file: Uint8Array | Source, tag: number): Uint8Array | undefined {
  return guarded(() => {
    if (tag === T.pixelData) {
      const p = parse(file);
      if (!p.fragments) return p.src.read(p.pixel.offset, p.pixel.length);
      const info = infoOf(p);
      return concat(Array.from({ length: info.numberOfFrames }, (_, k) => frameBytes(p, info, k + 1)));
    }
    const h = parseHeader(file), el = h.ds.get(tag);
    if (!el || el.items || el.length === UNDEFINED) return undefined;
    return h.bytes.subarray(el.offset, el.offset + el.length);
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
function interleave(src: ArrayLike<number>, n: number): Uint16Array | Uint32Array {
  const out = src instanceof Uint32Array ? new Uint32Array(n * 3) : new Uint16Array(n * 3);
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
function ybrToRgb(px: Samples, pi: string, bits: number) {
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
  const out = ba > 16 ? (pr ? new Int32Array(n) : new Uint32Array(n)) : ba > 8 ? (pr ? new Int16Array(n) : new Uint16Array(n)) : new Uint8Array(n);
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
  } else if (ba === 32) {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength), u = new Uint32Array(data.length >> 2);
    for (let i = 0; i < u.length; i++) u[i] = dv.getUint32(4 * i, little);
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
export async function decodeFrame(file: Uint8Array | Source, frame: number): Promise<DecodedFrame> {
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
      // A copy: the decoder reads the whole ArrayBuffer (and a Buffer's slice() is a view, not a copy).
      values = dec.decode(new Uint8Array(data).buffer, 0, data.length, info.bitsAllocated > 8 ? 2 : 1);
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

// ---------------------------------------------------------------- ingest: can we serve it?
/**
 * Whether every frame of this object can be served: a sane pixel description, pixel data long enough
 * (native) or properly encapsulated and split into frames, and the first and last frame decoding (or,
 * for JPEG 4.53/4.55 which we only pass through, well-formed JPEG markers). Throws PixelDataError with
 * the reason; returns the object's size in pixels and frames, or null when it has no pixel data and
 * its SOP class does not need any.
 */
export async function checkServable(file: Uint8Array | Source, sopClassUid: string, inflateLimit?: number): Promise<{ rows: number; columns: number; numberOfFrames: number } | null> {
  try {
    const h = parseHeader(file, inflateLimit);
    if (!STORABLE_TRANSFER_SYNTAXES.has(h.ts)) throw new PixelDataError(`transfer syntax ${h.ts} is not one this server can serve`);
    if (!h.pixel) {
      if (IMAGE_SOP_CLASSES.has(sopClassUid)) throw new PixelDataError(`an image (SOP class ${sopClassUid}) without pixel data (7FE0,0010)`);
      return null;
    }
    const p = parse(file);
    checkTrailer(p);
    const info = servableInfo(p);
    const n = info.numberOfFrames;
    for (const frame of new Set([1, n])) {
      if (JPEG_PROGRESSIVE.has(p.ts)) checkJpegMarkers(frameBytes(p, info, frame), info, frame);
      else await decode(p, frame);
    }
    return { rows: info.rows, columns: info.columns, numberOfFrames: n };
  } catch (e) {
    throw asPixelDataError(e);
  }
}

/**
 * The elements after PixelData (a digital signature, trailing padding …) must be well formed too. A
 * long tail is accepted only as zero padding.
 */
function checkTrailer(p: Parsed) {
  const length = p.src.size - p.end;
  if (length > MAX_TRAILER) {
    for (let o = p.end; o < p.src.size; o += 1 << 20) {
      if (p.src.read(o, Math.min(1 << 20, p.src.size - o)).some((b) => b !== 0)) throw new PixelDataError(`more than ${MAX_TRAILER} bytes after the pixel data`);
    }
    return;
  }
  const w = new Walker(p.src.read(p.end, length), p.little);
  w.trailer = true;
  w.dataset(0, length, 0, p.explicit);
}
const MAX_TRAILER = 16 * 1024 * 1024;

/** The pixel description, refused where it is absent, absurd or beyond what we decode. */
function servableInfo(p: Parsed): FrameInfo {
  const { ds } = p;
  for (const [name, t] of [['Rows', T.rows], ['Columns', T.columns]] as const) {
    const v = us(p, ds, t);
    if (!v || v > MAX_DIMENSION) throw new PixelDataError(`${name} ${v ?? '(absent)'} is not in 1..${MAX_DIMENSION}`);
  }
  const ba = us(p, ds, T.bitsAllocated);
  if (ba === undefined || ![1, 8, 16, 32].includes(ba)) throw new PixelDataError(`BitsAllocated ${ba ?? '(absent)'} is not 1, 8, 16 or 32`);
  const frames = text(p, ds, T.frames);
  if (frames !== undefined) {
    const n = Number(frames);
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) throw new PixelDataError(`NumberOfFrames ${frames} is not a frame count`);
  }
  const info = infoOf(p);
  const frameBytes = info.rows * info.columns * info.samplesPerPixel * Math.max(info.bitsAllocated / 8, 1);
  if (frameBytes > MAX_FRAME_BYTES) throw new PixelDataError(`a frame of ${info.columns}×${info.rows}×${info.samplesPerPixel} samples is larger than ${MAX_FRAME_BYTES} bytes`);
  return info;
}

/**
 * A JPEG stream we cannot decode: its marker segments must be well formed (SOI first, every segment
 * inside the data, a frame header matching the image, scans, EOI at the end).
 */
function checkJpegMarkers(d: Uint8Array, info: FrameInfo, frame: number) {
  const bad = (why: string) => new PixelDataError(`frame ${frame}: ${why}`);
  if (d[0] !== 0xff || d[1] !== 0xd8) throw bad('JPEG stream does not start with SOI');
  let end = d.length;
  while (end > 2 && d[end - 1] === 0) end--; // even-length padding of the fragment
  if (d[end - 2] !== 0xff || d[end - 1] !== 0xd9) throw bad('JPEG stream does not end with EOI');
  let i = 2, sof = false, scans = 0;
  while (i < end - 2) {
    if (d[i] !== 0xff) throw bad(`JPEG marker expected at byte ${i}`);
    while (d[i + 1] === 0xff) i++; // fill bytes
    const m = d[i + 1];
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    if (m === 0xd8 || m === 0xd9 || m === 0x00) throw bad(`unexpected JPEG marker FF${m.toString(16).padStart(2, '0')} at byte ${i}`);
    const len = (d[i + 2] << 8) | d[i + 3];
    if (len < 2 || i + 2 + len > end) throw bad(`JPEG segment FF${m.toString(16)} at byte ${i} runs past the end`);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      const height = (d[i + 5] << 8) | d[i + 6], width = (d[i + 7] << 8) | d[i + 8], components = d[i + 9];
      if (width !== info.columns || (height !== 0 && height !== info.rows) || components !== info.samplesPerPixel) {
        throw bad(`JPEG frame is ${width}×${height}×${components}, the header says ${info.columns}×${info.rows}×${info.samplesPerPixel}`);
      }
      sof = true;
    }
    i += 2 + len;
    if (m === 0xda) {
      if (!sof) throw bad('JPEG scan before its frame header');
      scans++;
      // Entropy-coded data runs to the next marker that is not a stuffed FF00 or a restart marker.
      while (i < end - 2 && !(d[i] === 0xff && d[i + 1] !== 0 && !(d[i + 1] >= 0xd0 && d[i + 1] <= 0xd7))) i++;
    }
  }
  if (!sof || !scans) throw bad('JPEG stream has no frame header or no scan');
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
  const size = pixels.BYTES_PER_ELEMENT, out = new Uint8Array(pixels.length * size);
  for (let i = 0; i < pixels.length; i++) for (let b = 0; b < size; b++) out[size * i + b] = (pixels[i] >> (8 * b)) & 0xff;
  return out;
}
