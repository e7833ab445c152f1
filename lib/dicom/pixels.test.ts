import { SAMPLES_DIR } from '@/tests/support/samples';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode as jpegjsDecode, encode as jpegjsEncode } from 'jpeg-js';
import { craft, element as craftElement, TS as CRAFT_TS } from '@/tests/support/craft';
import {
  checkInflatedSize,
  DatasetTooLargeError,
  decodeFrame,
  decodeJpegDct,
  encodedFrame,
  frameInfo,
  nativeFrameBytes,
  PixelDataError,
  type DecodedFrame,
} from './pixels';
import { encodePng, renderFrame } from './render';
import { PALETTE_SWATCHES, synthesizePalette, synthesizeSeries } from './synth';
import { concatBytes as concat } from '@/lib/bytes';

// Real sample files live on the shared dev volume only; on other machines that part of the suite is skipped.
const SAMPLES = SAMPLES_DIR ?? '/nonexistent';
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'MANIFEST.md'));
// Set RENDER_PREVIEW=/tmp/render-preview to write PNG previews of a few samples for a visual check.
const PREVIEW = process.env.RENDER_PREVIEW;

const read = (rel: string) => new Uint8Array(readFileSync(join(SAMPLES, rel)));
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.dcm') ? [join(dir, e.name)] : [],
  );
const modality = (d: DecodedFrame) => Float64Array.from(d.pixels, (v) => v * d.info.rescaleSlope + d.info.rescaleIntercept);
function diff(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  let sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i] - b[i]);
    sum += x;
    max = Math.max(max, x);
  }
  return { mad: sum / a.length, max };
}
/** Index of the first differing element, -1 if identical (vitest's deep toEqual is slow on 10^5+ elements). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
async function expectPixelDataError(p: Promise<unknown> | (() => unknown), text?: string) {
  const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(e, 'should throw PixelDataError').toBeInstanceOf(PixelDataError);
  if (text) expect((e as Error).message).toContain(text);
}

// ---------------------------------------------------------------- a minimal Part-10 writer for edge cases
const LONG = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);
type Value = Uint8Array | string | number[];
function element(tag: number, vr: string, value: Value, undefinedLength = false): Uint8Array {
  let v: Uint8Array;
  if (value instanceof Uint8Array) v = value;
  else if (typeof value === 'string') v = new TextEncoder().encode(value.length % 2 ? value + (vr === 'UI' ? '\0' : ' ') : value);
  else {
    v = new Uint8Array(value.length * 2);
    value.forEach((x, i) => new DataView(v.buffer).setUint16(2 * i, x, true));
  }
  if (v.length % 2) v = concat([v, new Uint8Array(1)]);
  const long = LONG.has(vr), h = new Uint8Array(long ? 12 : 8), dv = new DataView(h.buffer);
  dv.setUint16(0, tag >>> 16, true);
  dv.setUint16(2, tag & 0xffff, true);
  h[4] = vr.charCodeAt(0);
  h[5] = vr.charCodeAt(1);
  if (long) dv.setUint32(8, undefinedLength ? 0xffffffff : v.length, true);
  else dv.setUint16(6, v.length, true);
  return concat([h, undefinedLength ? new Uint8Array(0) : v]);
}
const item = (tag: number, body: Uint8Array) => {
  const h = new Uint8Array(8), dv = new DataView(h.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, tag, true);
  dv.setUint32(4, body.length, true);
  return concat([h, body]);
};
/** Explicit-VR-LE-encoded Part-10 file; `fragments` makes PixelData encapsulated (empty BOT). */
function part10(ts: string, elements: [number, string, Value][], pixels: Uint8Array | Uint8Array[]): Uint8Array {
  const metaBody = concat([element(0x00020001, 'OB', new Uint8Array([0, 1])), element(0x00020010, 'UI', ts)]);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.length, true);
  const pre = new Uint8Array(132);
  pre.set([0x44, 0x49, 0x43, 0x4d], 128);
  const body = elements.sort((a, b) => a[0] - b[0]).map(([t, vr, v]) => element(t, vr, v));
  const px = Array.isArray(pixels)
    ? concat([element(0x7fe00010, 'OB', new Uint8Array(0), true), item(0xe000, new Uint8Array(0)), ...pixels.map((f) => item(0xe000, f)), item(0xe0dd, new Uint8Array(0))])
    : element(0x7fe00010, 'OW', pixels);
  return concat([pre, element(0x00020000, 'UL', groupLength), metaBody, ...body, px]);
}
const imageTags = (rows: number, cols: number, spp: number, pi: string, bits: number, frames = 1): [number, string, Value][] => [
  [0x00280002, 'US', [spp]],
  [0x00280004, 'CS', pi],
  ...(spp === 3 ? [[0x00280006, 'US', [0]] as [number, string, Value]] : []),
  [0x00280008, 'IS', String(frames)],
  [0x00280010, 'US', [rows]],
  [0x00280011, 'US', [cols]],
  [0x00280100, 'US', [bits]],
  [0x00280101, 'US', [bits]],
  [0x00280102, 'US', [bits - 1]],
  [0x00280103, 'US', [0]],
];

/** Decodes our PNGs (8-bit gray/RGB, filters 0–4) and checks the container along the way. */
function readPng(png: Uint8Array) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8, width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  while (pos < png.length) {
    const len = dv.getUint32(pos), type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    types.push(type);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(pos + 8);
      height = dv.getUint32(pos + 12);
      expect(data[8]).toBe(8);
      channels = data[9] === 0 ? 1 : data[9] === 2 ? 3 : -1;
    }
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[y * stride + i - channels] : 0, b = y ? out[(y - 1) * stride + i] : 0;
      const c = y && i >= channels ? out[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[y * stride + i] = (raw[y * (stride + 1) + 1 + i] + pred) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

// ================================================================ always run (synthetic data)
describe('pixels: synthetic data', () => {
  const ctNative = synthesizeSeries('CT', { seed: 1, rows: 128, columns: 128, slices: 4 });
  const ctRle = synthesizeSeries('CT', { seed: 1, rows: 128, columns: 128, slices: 4, rle: true });

  it('our RLE CT decodes to the same pixels as the uncompressed one', async () => {
    for (let s = 0; s < ctNative.length; s++) {
      const [a, b] = [await decodeFrame(ctNative[s], 1), await decodeFrame(ctRle[s], 1)];
      expect(b.info.transferSyntaxUid).toBe('1.2.840.10008.1.2.5');
      expect(firstDifference(b.pixels, a.pixels)).toBe(-1);
      expect(firstDifference(nativeFrameBytes(b), encodedFrame(ctNative[s], 1))).toBe(-1);
    }
  });

  it('default-size RLE CT (seed 1) and multi-frame RLE US match their native twins', async () => {
    const [n] = synthesizeSeries('CT', { seed: 1, slices: 1 }), [r] = synthesizeSeries('CT', { seed: 1, slices: 1, rle: true });
    expect(firstDifference((await decodeFrame(r, 1)).pixels, (await decodeFrame(n, 1)).pixels)).toBe(-1);
    const [usN] = synthesizeSeries('US', { seed: 1, rows: 120, columns: 160, slices: 3 });
    const [usR] = synthesizeSeries('US', { seed: 1, rows: 120, columns: 160, slices: 3, rle: true });
    expect(frameInfo(usR).numberOfFrames).toBe(3);
    for (const f of [1, 3]) expect(firstDifference((await decodeFrame(usR, f)).pixels, (await decodeFrame(usN, f)).pixels)).toBe(-1);
  });

  it('rejects non-DICOM, truncated data and bad frame numbers with PixelDataError', async () => {
    await expectPixelDataError(() => frameInfo(new Uint8Array(200)), 'DICM');
    await expectPixelDataError(decodeFrame(ctNative[0].slice(0, ctNative[0].length - 1000), 1), 'truncated');
    await expectPixelDataError(decodeFrame(ctRle[0].slice(0, ctRle[0].length - 1000), 1));
    await expectPixelDataError(decodeFrame(ctNative[0], 2), 'frame 2');
    await expectPixelDataError(() => encodedFrame(ctNative[0], 0));
  });

  it('fuzz: truncated or corrupted files either decode or throw PixelDataError, never anything else', async () => {
    const rle = ctRle[0], native = ctNative[0];
    const jpeg = part10('1.2.840.10008.1.2.4.50', imageTags(16, 16, 3, 'YBR_FULL_422', 8), [
      new Uint8Array(jpegjsEncode({ data: new Uint8Array(16 * 16 * 4).fill(90), width: 16, height: 16 }, 90).data),
    ]);
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const file of [native, rle, jpeg]) {
      const variants: Uint8Array[] = [];
      for (let cut = 0; cut < file.length; cut += Math.max(1, Math.floor(file.length / 97))) variants.push(file.slice(0, cut));
      for (let k = 0; k < 60; k++) {
        const v = file.slice();
        for (let j = 0; j < 4; j++) v[Math.floor(rand() * v.length)] = Math.floor(rand() * 256);
        variants.push(v);
      }
      for (const v of variants) {
        const e = await decodeFrame(v, 1).then(() => undefined, (err: unknown) => err);
        if (e !== undefined) expect(e, String(e)).toBeInstanceOf(PixelDataError);
      }
    }
  });

  it('a deflated dataset is inflated only up to YINGYUN_DICOM_MAX_BYTES, checked as it inflates', async () => {
    // 8 MiB of zero pixels deflate to about 8 KB.
    const { bytes } = craft({ ts: CRAFT_TS.deflatedLE, set: { 0x00280010: { vr: 'US', value: [2048] }, 0x00280011: { vr: 'US', value: [2048] } }, pixels: new Uint8Array(2048 * 2048 * 2) });
    process.env.YINGYUN_DICOM_MAX_BYTES = String(2 ** 20);
    try {
      await expectPixelDataError(decodeFrame(bytes, 1), 'inflates to more than 1048576 bytes');
      const e = await checkInflatedSize(bytes, 2 ** 20).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(DatasetTooLargeError);
      expect((e as DatasetTooLargeError).partial?.ds.has(0x00080018), 'the elements before the limit are kept').toBe(true);
    } finally {
      delete process.env.YINGYUN_DICOM_MAX_BYTES;
    }
    await expect(checkInflatedSize(bytes, 16 * 2 ** 20)).resolves.toBeUndefined();
    // A header that declares little: the bomb is in trailing padding, found by counting as it inflates.
    const padded = craft({ ts: CRAFT_TS.deflatedLE, tail: craftElement(0xfffcfffc, { vr: 'OB', value: new Uint8Array(8 * 2 ** 20) }) }).bytes;
    await expect(checkInflatedSize(padded, 2 ** 20)).rejects.toBeInstanceOf(DatasetTooLargeError);
    await expect(checkInflatedSize(padded, 16 * 2 ** 20)).resolves.toBeUndefined();
    expect((await decodeFrame(bytes, 1)).pixels.length).toBe(2048 * 2048);
  });

  it('an unsupported transfer syntax throws PixelDataError naming it, but its frames are still served as stored', async () => {
    const mpeg = '1.2.840.10008.1.2.4.100';
    const f = part10(mpeg, imageTags(8, 8, 1, 'MONOCHROME2', 8), [new Uint8Array([1, 2, 3, 4])]);
    expect(encodedFrame(f, 1)).toEqual(new Uint8Array([1, 2, 3, 4]));
    await expectPixelDataError(decodeFrame(f, 1), mpeg);
  });

  it('splits an empty-BOT, several-fragments-per-frame JPEG at SOI and decodes each frame (libjpeg-turbo)', async () => {
    const frames = [0, 1].map((k) => {
      const rgba = new Uint8Array(32 * 24 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * (k ? 7 : 3)) % 251));
      const jpg = new Uint8Array(jpegjsEncode({ data: rgba, width: 32, height: 24 }, 95).data);
      return jpg.length % 2 ? concat([jpg, new Uint8Array(1)]) : jpg;
    });
    const even = (x: number) => x - (x % 2);
    const fragments = frames.flatMap((j) => [j.subarray(0, even(j.length / 3)), j.subarray(even(j.length / 3), even((2 * j.length) / 3)), j.subarray(even((2 * j.length) / 3))]);
    const file = part10('1.2.840.10008.1.2.4.50', imageTags(24, 32, 3, 'YBR_FULL_422', 8, 2), fragments);
    for (const k of [0, 1]) {
      expect(encodedFrame(file, k + 1)).toEqual(frames[k]);
      const d = await decodeFrame(file, k + 1);
      expect(d.info.photometricInterpretation).toBe('RGB');
      const ref = jpegjsDecode(frames[k], { useTArray: true, formatAsRGBA: false });
      expect(diff(d.pixels, ref.data).mad).toBeLessThan(1.5);
      expect(diff(decodeJpegDct(frames[k]).pixels, d.pixels).max).toBeLessThanOrEqual(2); // our DCT vs libjpeg-turbo
    }
  });

  it('PALETTE COLOR renders through its lookup tables; MONOCHROME1 renders inverted', async () => {
    const lut = (f: (i: number) => number) => new Uint8Array(new Uint16Array([0, 1, 2, 3].map(f)).buffer);
    const file = part10(
      '1.2.840.10008.1.2.1',
      [
        ...imageTags(2, 2, 1, 'PALETTE COLOR', 8),
        ...[0x00281101, 0x00281102, 0x00281103].map((t) => [t, 'US', [4, 0, 16]] as [number, string, Value]),
        [0x00281201, 'OW', lut((i) => i * 0x5500)],
        [0x00281202, 'OW', lut(() => 0x8000)],
        [0x00281203, 'OW', lut((i) => 0xff00 - i * 0x5500)],
      ],
      new Uint8Array([0, 1, 2, 3]),
    );
    const png = readPng((await renderFrame(file, 1, { format: 'png' })).bytes);
    expect(png.channels).toBe(3);
    expect([...png.data]).toEqual([0, 128, 255, 85, 128, 170, 170, 128, 85, 255, 128, 0]);

    const mono2 = ctNative[1];
    const mono1 = mono2.slice();
    const at = Buffer.from(mono1).indexOf('MONOCHROME2');
    expect(at).toBeGreaterThan(0);
    mono1[at + 10] = '1'.charCodeAt(0);
    expect(frameInfo(mono1).photometricInterpretation).toBe('MONOCHROME1');
    const [a, b] = [readPng((await renderFrame(mono2, 1, { format: 'png' })).bytes), readPng((await renderFrame(mono1, 1, { format: 'png' })).bytes)];
    expect(firstDifference(b.data, a.data.map((v) => 255 - v))).toBe(-1);
  });

  it('synthesised PALETTE COLOR files (8- and 16-bit LUT entries) render their colours, full size and as thumbnails', async () => {
    for (const lutBits of [8, 16] as const) {
      const [file] = synthesizePalette({ seed: 3, lutBits, size: 256 });
      for (const maxSize of [undefined, 128]) {
        const png = readPng((await renderFrame(file, 1, { format: 'png', maxSize })).bytes);
        expect([png.width, png.channels]).toEqual([maxSize ?? 256, 3]);
        PALETTE_SWATCHES.forEach((s, q) => {
          const x = Math.floor(((q % 2) + 0.5) * (png.width / 2)), y = Math.floor((Math.floor(q / 2) + 0.5) * (png.width / 2));
          const o = (y * png.width + x) * 3;
          expect([...png.data.subarray(o, o + 3)], `${lutBits}-bit LUT, swatch ${q}, ${maxSize ?? 'full'}`).toEqual(s.rgb);
        });
      }
    }
    // An odd number of 8-bit entries: the last word is padded.
    const odd = part10(
      '1.2.840.10008.1.2.1',
      [
        ...imageTags(1, 3, 1, 'PALETTE COLOR', 8),
        ...[0x00281101, 0x00281102, 0x00281103].map((t) => [t, 'US', [3, 0, 8]] as [number, string, Value]),
        ...[0x00281201, 0x00281202, 0x00281203].map((t) => [t, 'OW', new Uint8Array([10, 20, 30, 0])] as [number, string, Value]),
      ],
      new Uint8Array([0, 1, 2, 0]),
    );
    expect([...readPng((await renderFrame(odd, 1, { format: 'png' })).bytes).data]).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30]);
  });

  it('renderFrame gives a valid JPEG and PNG, honours maxSize and never upscales', async () => {
    const f = ctNative[0];
    const jpg = await renderFrame(f, 1, { format: 'jpeg', quality: 80 });
    expect(jpg.contentType).toBe('image/jpeg');
    expect([...jpg.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...jpg.bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
    const back = jpegjsDecode(jpg.bytes, { useTArray: true });
    expect([back.width, back.height]).toEqual([128, 128]);

    const png = await renderFrame(f, 1, { format: 'png' });
    expect(png.contentType).toBe('image/png');
    expect(readPng(png.bytes)).toMatchObject({ width: 128, height: 128, channels: 1 });

    const thumb = await renderFrame(f, 1, { format: 'png', maxSize: 50 });
    expect([thumb.width, thumb.height]).toEqual([50, 50]);
    expect(readPng(thumb.bytes)).toMatchObject({ width: 50, height: 50 });
    const big = await renderFrame(f, 1, { format: 'jpeg', maxSize: 4096 });
    expect([big.width, big.height]).toEqual([128, 128]);
  });

  it('a CT soft-tissue window (40/400) renders soft tissue mid-grey, air black and bone white', async () => {
    const f = ctNative[2];
    const hu = modality(await decodeFrame(f, 1));
    const img = readPng((await renderFrame(f, 1, { format: 'png', window: { center: 40, width: 400 } })).bytes).data;
    const mean = (pred: (h: number) => boolean) => {
      const v = [...hu.keys()].filter((i) => pred(hu[i])).map((i) => img[i]);
      expect(v.length).toBeGreaterThan(20);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(Math.abs(mean((h) => h >= 30 && h <= 50) - 128)).toBeLessThan(8);
    expect(mean((h) => h < -900)).toBe(0);
    expect(mean((h) => h > 400)).toBe(255);
  });

  it('encodePng round-trips gray and RGB through every filter type', () => {
    for (const channels of [1, 3] as const) {
      const w = 37, h = 23;
      const data = new Uint8Array(w * h * channels).map((_, i) => (i % 7 === 0 ? 255 - (i % 251) : (i * 13) % 256));
      const png = readPng(encodePng(data, w, h, channels));
      expect(png).toMatchObject({ width: w, height: h, channels });
      expect(png.data).toEqual(data);
    }
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(RangeError);
  });
});

// ================================================================ real sample files
const CT_SMALL_LOSSLESS = ['', '_dcmtk_implicit_le', '_dcmtk_explicit_be', '_dcmtk_deflated', '_dcmtk_rle', '_dcmtk_jpeg_lossless_p14', '_dcmtk_jpeg_lossless_sv1', '_dcmtk_jpegls_lossless'].map(
  (s) => `transfer-syntaxes/ct_small/CT_small${s}.dcm`,
);
const MR_SMALL_LOSSLESS = ['', '_implicit', '_bigendian', '_dcmtk_deflated', '_RLE', '_dcmtk_jpeg_lossless_sv1', '_jp2klossless', '_jpeg_ls_lossless'].map(
  (s) => `transfer-syntaxes/mr_small/MR_small${s}.dcm`,
);
const CT512 = (ts: string) => `transfer-syntaxes/ctimage-512/CTImage.dcm_${ts}.dcm`;
const CT512_LOSSLESS = [
  'transfer-syntaxes/ctimage-512/CTImage.dcm',
  CT512('LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1'),
  CT512('BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2'),
  CT512('DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99'),
  CT512('RLELosslessTransferSyntax_1.2.840.10008.1.2.5'),
  CT512('JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57'),
  CT512('JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70'),
  CT512('JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80'),
  CT512('JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90'),
];
/** Files that must throw PixelDataError (path → text the message must contain). */
const MUST_FAIL: Record<string, string> = {
  'bad-input/MR_truncated.dcm': 'truncated',
  'bad-input/no_meta.dcm': 'DICM',
  'non-image/no-pixel-data.dcm': 'no pixel data',
  [CT512('JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53')]: '1.2.840.10008.1.2.4.53',
  [CT512('JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55')]: '1.2.840.10008.1.2.4.55',
};

describe.skipIf(!HAVE_SAMPLES)(`pixels: real samples in ${SAMPLES} (skipped: folder absent on this machine)`, () => {
  const files = HAVE_SAMPLES ? walk(SAMPLES).map((f) => relative(SAMPLES, f)).sort() : [];

  it('decodes frame 1 and the last frame of every file with pixel data to rows×columns×samples', async () => {
    const decodable = files.filter((f) => !(f in MUST_FAIL));
    expect(decodable.length).toBeGreaterThan(50);
    for (const f of decodable) {
      const bytes = read(f), info = frameInfo(bytes);
      for (const n of new Set([1, info.numberOfFrames])) {
        const d = await decodeFrame(bytes, n);
        expect(d.pixels.length, f).toBe(info.rows * info.columns * info.samplesPerPixel);
        expect(d.pixels.BYTES_PER_ELEMENT, f).toBe(info.bitsAllocated > 8 ? 2 : 1);
        if (info.samplesPerPixel === 3) expect(d.info.photometricInterpretation).toBe('RGB');
        expect(nativeFrameBytes(d).length).toBe(d.pixels.length * d.pixels.BYTES_PER_ELEMENT);
      }
    }
  });

  it('truncated, non-Part-10, pixel-less and unsupported files throw PixelDataError', async () => {
    for (const [f, text] of Object.entries(MUST_FAIL)) await expectPixelDataError(decodeFrame(read(f), 1), text);
    // Unsupported-but-encapsulated syntaxes can still be served as stored.
    expect([...encodedFrame(read(CT512('JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55')), 1).subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it.each([
    ['ct_small', CT_SMALL_LOSSLESS],
    ['mr_small', MR_SMALL_LOSSLESS],
    ['ctimage-512', CT512_LOSSLESS],
    ['GE brain slice 1 (trimmed vs trailing zeros)', ['stack/mr-brain-ge-signa-20/brain_001.dcm', 'bad-input/brain_001_trailing_zeros.dcm']],
  ])('lossless variants of %s decode to identical pixels', async (_, family) => {
    const ref = await decodeFrame(read(family[0]), 1);
    const explicitLe = nativeFrameBytes(ref);
    for (const f of family.slice(1)) {
      const d = await decodeFrame(read(f), 1);
      expect(d.pixels.constructor, f).toBe(ref.pixels.constructor);
      expect(firstDifference(d.pixels, ref.pixels), f).toBe(-1);
      expect(firstDifference(nativeFrameBytes(d), explicitLe), f).toBe(-1);
    }
  });

  it('native frames are returned as stored (big endian stays big endian)', () => {
    const le = encodedFrame(read(CT_SMALL_LOSSLESS[0]), 1), be = encodedFrame(read(CT_SMALL_LOSSLESS[2]), 1);
    expect(le.length).toBe(128 * 128 * 2);
    expect(firstDifference(be, le.map((_, i) => le[i ^ 1]))).toBe(-1);
  });

  // Measured MAD / max (HU or display grey levels) are in the comments; bounds leave some headroom.
  it.each([
    // DCMTK rescaled CT_small to 8 bits (slope 16.06 HU per step): MAD 15.1 HU, max 96 HU
    ['CT_small JPEG baseline 8-bit (HU)', CT_SMALL_LOSSLESS[0], 'transfer-syntaxes/ct_small/CT_small_dcmtk_jpeg_baseline.dcm', 'hu', 18, 130],
    // 8-bit, slope 32.1 HU per step: MAD 19.8 HU, max 64 HU
    ['CTImage JPEG baseline 8-bit (HU)', CT512_LOSSLESS[0], CT512('JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50'), 'hu', 23, 100],
    // 12-bit via our DCT decoder, slope 2.0 HU per step: MAD 3.8 HU, max 36 HU
    ['CTImage JPEG extended 12-bit (HU)', CT512_LOSSLESS[0], CT512('JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51'), 'hu', 5, 50],
    // near-lossless: MAD 0.69, max 1 (= NEAR)
    ['CTImage JPEG-LS near-lossless (HU)', CT512_LOSSLESS[0], CT512('JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81'), 'hu', 1, 1],
    // MAD 0.57 HU, max 5 HU
    ['CTImage JPEG 2000 lossy (HU)', CT512_LOSSLESS[0], CT512('JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91'), 'hu', 1, 10],
    // DCMTK re-windowed MR_small into 8 bits (new WC/WW, no rescale): compare displayed grey: MAD 2.3, max 17
    ['MR_small JPEG baseline 8-bit (display)', MR_SMALL_LOSSLESS[0], 'transfer-syntaxes/mr_small/MR_small_dcmtk_jpeg_baseline.dcm', 'display', 3, 25],
  ] as const)('lossy: %s is within tolerance of the lossless original', async (_, refFile, lossyFile, space, madBound, maxBound) => {
    const [ref, lossy] = [await decodeFrame(read(refFile), 1), await decodeFrame(read(lossyFile), 1)];
    const display = (d: DecodedFrame) => {
      const c = d.info.windowCenter!, w = d.info.windowWidth!;
      return modality(d).map((v) => Math.min(255, Math.max(0, ((v - (c - 0.5)) / (w - 1) + 0.5) * 255)));
    };
    const { mad, max } = space === 'hu' ? diff(modality(ref), modality(lossy)) : diff(display(ref), display(lossy));
    expect(mad).toBeLessThan(madBound);
    expect(max).toBeLessThanOrEqual(maxBound);
  });

  it('our DCT decoder agrees with libjpeg-turbo (±1) on 8-bit baseline samples', async () => {
    for (const f of ['transfer-syntaxes/ct_small/CT_small_dcmtk_jpeg_baseline.dcm', CT512('JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50'), 'color/SC_rgb_jpeg_dcmtk.dcm']) {
      const bytes = read(f);
      const { mad, max } = diff(decodeJpegDct(encodedFrame(bytes, 1)).pixels, (await decodeFrame(bytes, 1)).pixels);
      expect(max, f).toBeLessThanOrEqual(1);
      expect(mad, f).toBeLessThan(0.05);
    }
  });

  it('multi-frame: BOT, and empty BOT with 11 fragments for 2 frames (split at SOI)', async () => {
    const xa = read('multiframe/jpeg_baseline_8bit.dcm');
    expect(frameInfo(xa).numberOfFrames).toBe(96);
    const [f1, f96] = [await decodeFrame(xa, 1), await decodeFrame(xa, 96)];
    expect(diff(f1.pixels, f96.pixels).mad).toBeGreaterThan(0);

    const ct = read('multiframe/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm');
    const frames = [encodedFrame(ct, 1), encodedFrame(ct, 2)];
    for (const fr of frames) {
      expect([...fr.subarray(0, 2)]).toEqual([0xff, 0xd8]);
      const end = fr.at(-1) === 0 ? fr.length - 1 : fr.length;
      expect([...fr.subarray(end - 2, end)]).toEqual([0xff, 0xd9]);
    }
    const [a, b] = [await decodeFrame(ct, 1), await decodeFrame(ct, 2)];
    expect(a.pixels.length).toBe(512 * 512);
    expect(diff(a.pixels, b.pixels).mad).toBeGreaterThan(0);
  });

  it('renders colour, YBR_FULL_422 and thumbnails with the right sizes', async () => {
    const us = read('color/US-YBR_FULL_422-EVRLE.dcm');
    const thumb = await renderFrame(us, 1, { format: 'jpeg', maxSize: 128 });
    expect([thumb.width, thumb.height]).toEqual([128, 89]);
    expect(jpegjsDecode(thumb.bytes, { useTArray: true })).toMatchObject({ width: 128, height: 89 });
    const png = readPng((await renderFrame(read('color/examples_rgb_color.dcm'), 1, { format: 'png' })).bytes);
    expect(png).toMatchObject({ width: 320, height: 240, channels: 3 });
  });

  it('CTImage with its own 40/400 window renders soft tissue mid-grey', async () => {
    const f = read(CT512_LOSSLESS[0]);
    expect(frameInfo(f)).toMatchObject({ windowCenter: 40, windowWidth: 400 });
    const hu = modality(await decodeFrame(f, 1));
    const img = readPng((await renderFrame(f, 1, { format: 'png' })).bytes).data;
    const tissue = [...hu.keys()].filter((i) => hu[i] >= 30 && hu[i] <= 50).map((i) => img[i]);
    expect(tissue.length).toBeGreaterThan(1000);
    expect(Math.abs(tissue.reduce((a, b) => a + b, 0) / tissue.length - 128)).toBeLessThan(8);
  });

  it.skipIf(!PREVIEW)('writes PNG previews for a visual check', async () => {
    mkdirSync(PREVIEW!, { recursive: true });
    const previews: [string, string, number][] = [
      ['ct_small', CT_SMALL_LOSSLESS[0], 1],
      ['mr_brain_010', 'stack/mr-brain-ge-signa-20/brain_010.dcm', 1],
      ['us_ybr_full_422', 'color/US-YBR_FULL_422-EVRLE.dcm', 1],
      ['us_rgb', 'color/examples_rgb_color.dcm', 1],
      ['ct512_j2k_lossy', CT512('JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91'), 1],
      ['ct512_jpeg12', CT512('JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51'), 1],
      ['xa_multiframe_f50', 'multiframe/jpeg_baseline_8bit.dcm', 50],
      ['ct0012_frame2', 'multiframe/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm', 2],
    ];
    for (const [name, f, n] of previews) {
      writeFileSync(join(PREVIEW!, `${name}.png`), (await renderFrame(read(f), n, { format: 'png' })).bytes);
    }
    writeFileSync(join(PREVIEW!, 'ct_small_thumb.jpg'), (await renderFrame(read(CT_SMALL_LOSSLESS[0]), 1, { format: 'jpeg', maxSize: 64 })).bytes);
  });
});
