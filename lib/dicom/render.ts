/**
 * Displayable 8-bit images of a frame (WADO-RS rendered/thumbnail, WADO-URI image/jpeg): Modality LUT
 * (rescale), linear VOI window (file, caller, or the frame's min/max), MONOCHROME1 inversion, PALETTE COLOR,
 * optional box downscale, then JPEG (jpeg-js) or PNG (our own minimal encoder).
 */
import { deflateSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { decodeFrame, paletteColorLut, type DecodedFrame, type Source } from './pixels';
import { concatBytes } from '../bytes';

export interface RenderOptions {
  format: 'jpeg' | 'png';
  /** JPEG quality 1–100, default 90. */
  quality?: number;
  /** Longest side in pixels (e.g. 128 for thumbnails); never upscales. */
  maxSize?: number;
  /** Overrides the file's window (grayscale only). */
  window?: { center: number; width: number };
}
export interface RenderedImage {
  contentType: 'image/jpeg' | 'image/png';
  bytes: Uint8Array;
  width: number;
  height: number;
}

/** Grayscale → 8-bit: rescale, linear window (PS3.3 C.11.2.1.2.1), MONOCHROME1 inverted. */
function grayToDisplay({ info, pixels }: DecodedFrame, override?: { center: number; width: number }): Uint8Array {
  const n = info.rows * info.columns;
  const slope = info.rescaleSlope, intercept = info.rescaleIntercept;
  const signed8 = info.bitsAllocated <= 8 && info.pixelRepresentation === 1; // Uint8Array holding int8 bit patterns
  const value = (i: number) => (signed8 ? (pixels[i] << 24) >> 24 : pixels[i]) * slope + intercept;
  let center: number, width: number;
  if (override && override.width > 0) ({ center, width } = override);
  else if (info.windowWidth !== undefined && info.windowCenter !== undefined && info.windowWidth > 0) {
    center = info.windowCenter;
    width = info.windowWidth;
  } else {
    // No usable window (absent or 0/0 as in the GE brain stack): stretch the frame's own range.
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = value(i);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    width = Math.max(max - min, 1) + 1; // so that min → 0 and max → 255 in the formula below
    center = (min + max) / 2 + 0.5;
  }
  const lo = center - 0.5 - (width - 1) / 2, hi = center - 0.5 + (width - 1) / 2;
  const invert = info.photometricInterpretation === 'MONOCHROME1';
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = value(i);
    let y = v <= lo ? 0 : v > hi ? 255 : Math.round(((v - (center - 0.5)) / Math.max(width - 1, 1) + 0.5) * 255);
    if (y > 255) y = 255;
    out[i] = invert ? 255 - y : y;
  }
  return out;
}

/** RGB (any bit depth) → 8-bit RGB. */
function rgbToDisplay({ info, pixels }: DecodedFrame): Uint8Array {
  if (pixels instanceof Uint8Array && info.bitsStored <= 8) return pixels;
  const shift = Math.max(info.bitsStored - 8, 0);
  return Uint8Array.from(pixels, (v) => Math.min(255, Math.max(0, v >> shift)));
}

function paletteToDisplay({ info, pixels }: DecodedFrame, lut: NonNullable<ReturnType<typeof paletteColorLut>>): Uint8Array {
  const n = info.rows * info.columns, out = new Uint8Array(n * 3), last = lut.r.length - 1;
  for (let i = 0; i < n; i++) {
    const k = Math.min(Math.max(pixels[i] - lut.first, 0), last);
    out[3 * i] = lut.r[k];
    out[3 * i + 1] = lut.g[k];
    out[3 * i + 2] = lut.b[k];
  }
  return out;
}

/** Area-average (box) downscale; each output pixel averages the source pixels its footprint covers. */
function downscale(src: Uint8Array, w: number, h: number, c: number, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh * c);
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor((y * h) / dh), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / dh));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor((x * w) / dw), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / dw));
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += src[(yy * w + xx) * c + k];
        out[(y * dw + x) * c + k] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}

export async function renderFrame(file: Uint8Array | Source, frame: number, opts: RenderOptions): Promise<RenderedImage> {
  const decoded = await decodeFrame(file, frame);
  const { info } = decoded;
  const pi = info.photometricInterpretation;
  const lut = pi === 'PALETTE COLOR' ? paletteColorLut(file) : undefined;
  const channels: 1 | 3 = info.samplesPerPixel === 3 || lut ? 3 : 1;
  let img = lut ? paletteToDisplay(decoded, lut) : channels === 3 ? rgbToDisplay(decoded) : grayToDisplay(decoded, opts.window);

  let width = info.columns, height = info.rows;
  const max = opts.maxSize;
  if (max !== undefined && Number.isFinite(max) && max >= 1 && Math.max(width, height) > max) {
    const s = max / Math.max(width, height);
    const dw = Math.max(1, Math.round(width * s)), dh = Math.max(1, Math.round(height * s));
    img = downscale(img, width, height, channels, dw, dh);
    width = dw;
    height = dh;
  }

  if (opts.format === 'png') return { contentType: 'image/png', bytes: encodePng(img, width, height, channels), width, height };
  // jpeg-js takes RGBA and always writes 3-component YCbCr.
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, n = width * height; i < n; i++) {
    const s = i * channels;
    rgba[4 * i] = img[s];
    rgba[4 * i + 1] = img[channels === 3 ? s + 1 : s];
    rgba[4 * i + 2] = img[channels === 3 ? s + 2 : s];
    rgba[4 * i + 3] = 255;
  }
  const quality = Math.min(100, Math.max(1, Math.round(opts.quality ?? 90)));
  const jpeg = encodeJpeg({ data: rgba, width, height }, quality).data;
  return { contentType: 'image/jpeg', bytes: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), width, height };
}

// ---------------------------------------------------------------- PNG
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length), dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Minimal 8-bit PNG (grayscale or RGB, non-interlaced): IHDR, one zlib IDAT, IEND. Each row gets the filter
 * (None/Sub/Up/Paeth) with the smallest sum of absolute residuals, the usual cheap heuristic (PNG spec 12.8).
 */
export function encodePng(rgbaOrGray: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError('bad PNG size');
  if (rgbaOrGray.length !== width * height * channels) {
    throw new RangeError(`PNG data has ${rgbaOrGray.length} bytes, expected ${width * height * channels}`);
  }
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  const cand = [0, 1, 2, 3].map(() => new Uint8Array(stride));
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = rgbaOrGray.subarray(y * stride, (y + 1) * stride);
    const up = y ? rgbaOrGray.subarray((y - 1) * stride, y * stride) : zero;
    let best = 0, bestSum = Infinity;
    for (let f = 0; f < 4; f++) {
      const r = cand[f];
      let sum = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= channels ? row[i - channels] : 0, b = up[i], c = i >= channels ? up[i - channels] : 0;
        let pred = 0;
        if (f === 1) pred = a;
        else if (f === 2) pred = b;
        else if (f === 3) {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        const v = (row[i] - pred) & 0xff;
        r[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
      }
    }
    raw[y * (stride + 1)] = best === 3 ? 4 : best; // filter type byte: Paeth is 4
    raw.set(cand[best], y * (stride + 1) + 1);
  }
  const ihdr = new Uint8Array(13), dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, channels === 1 ? 0 : 2, 0, 0, 0], 8); // bit depth 8, gray/RGB, deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  return concatBytes(parts);
}
