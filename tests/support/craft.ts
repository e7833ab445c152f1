// Hand-made DICOM Part-10 files for tests: every byte is chosen here, so a test can put exactly the
// flaw it is about (a UID with a letter, a NUL in a name, pixel data one byte short …) into an
// otherwise valid instance. Defaults give a small, valid CT image (8×8, 16-bit, Explicit VR LE).
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { concatBytes as concat } from '@/lib/bytes';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegProgressive: '1.2.840.10008.1.2.4.55',
  jpegLossless: '1.2.840.10008.1.2.4.70',
  jpegLS: '1.2.840.10008.1.2.4.80',
  j2k: '1.2.840.10008.1.2.4.90',
  htj2k: '1.2.840.10008.1.2.4.201',
} as const;
export const SOP = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  sc: '1.2.840.10008.5.1.4.1.1.7',
  us: '1.2.840.10008.5.1.4.1.1.6.1',
  basicTextSr: '1.2.840.10008.5.1.4.1.1.88.11',
} as const;

export type Value = Uint8Array | string | number[];
/** An element: VR and value; `undefinedLength` writes 0xFFFFFFFF and no value (the caller appends what follows). */
export interface Attr {
  vr: string;
  value: Value;
  undefinedLength?: boolean;
}

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** A fresh 2.25 UID (a UUID as a decimal number). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

function valueBytes(vr: string, value: Value, little: boolean): Uint8Array {
  let v: Uint8Array;
  if (value instanceof Uint8Array) v = value;
  else if (typeof value === 'string') v = new Uint8Array(Buffer.from(value, 'latin1'));
  else {
    v = new Uint8Array(value.length * 2);
    value.forEach((x, i) => new DataView(v.buffer).setUint16(2 * i, x, little));
  }
  // Values have an even length: UI and binary VRs pad with NUL, text with a space.
  if (v.length % 2) v = concat([v, new Uint8Array([vr === 'UI' || vr === 'OB' || vr === 'UN' ? 0 : 0x20])]);
  return v;
}

export function element(tag: number, a: Attr, syntax: { explicit: boolean; little: boolean } = { explicit: true, little: true }): Uint8Array {
  const v = a.undefinedLength ? new Uint8Array(0) : valueBytes(a.vr, a.value, syntax.little);
  const len = a.undefinedLength ? 0xffffffff : v.length;
  const long = !syntax.explicit || LONG.has(a.vr);
  const h = new Uint8Array(syntax.explicit && long ? 12 : 8), dv = new DataView(h.buffer);
  dv.setUint16(0, tag >>> 16, syntax.little);
  dv.setUint16(2, tag & 0xffff, syntax.little);
  if (!syntax.explicit) dv.setUint32(4, len, syntax.little);
  else {
    h[4] = a.vr.charCodeAt(0);
    h[5] = a.vr.charCodeAt(1);
    if (long) dv.setUint32(8, len, syntax.little);
    else dv.setUint16(6, len, syntax.little);
  }
  return concat([h, v]);
}

/** An item, item delimiter (0xE00D) or sequence delimiter (0xE0DD); always little endian here. */
export function item(elem: number, body: Uint8Array = new Uint8Array(0), length = body.length): Uint8Array {
  const h = new Uint8Array(8), dv = new DataView(h.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, elem, true);
  dv.setUint32(4, length, true);
  return concat([h, body]);
}

/** Encapsulated pixel data: empty Basic Offset Table, one item per fragment, Sequence Delimitation Item. */
export function encapsulated(fragments: Uint8Array[], opts: { delimiter?: boolean } = {}): Uint8Array {
  return concat([
    element(0x7fe00010, { vr: 'OB', value: new Uint8Array(0), undefinedLength: true }),
    item(0xe000),
    ...fragments.map((f) => item(0xe000, f.length % 2 ? concat([f, new Uint8Array(1)]) : f)),
    ...(opts.delimiter === false ? [] : [item(0xe0dd)]),
  ]);
}

export interface CraftOptions {
  ts?: string;
  /** Dataset attributes added to or replacing the defaults (tag as a number); null removes one. */
  set?: Record<number, Attr | null>;
  /**
   * PixelData: native bytes (OW), an encoded PixelData element as built by `encapsulated`, or null
   * for none. Default: a native 8×8 16-bit gradient.
   */
  pixels?: Uint8Array | { element: Uint8Array } | null;
  /** Bytes appended after the dataset (trailing padding, a second element …). */
  tail?: Uint8Array;
  /** Write the deflated transfer syntax's dataset uncompressed (a broken file) — default false. */
  rawDeflate?: boolean;
}

export interface Crafted {
  bytes: Uint8Array;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
}

/** Default attributes of a small CT image; every call gets new UIDs. */
function defaults(): Record<number, Attr> {
  return {
    0x00080016: { vr: 'UI', value: SOP.ct },
    0x00080018: { vr: 'UI', value: newUid() },
    0x00080020: { vr: 'DA', value: '20240102' },
    0x00080060: { vr: 'CS', value: 'CT' },
    0x00100010: { vr: 'PN', value: 'CRAFT^TEST' },
    0x00100020: { vr: 'LO', value: 'CRAFT-1' },
    0x0020000d: { vr: 'UI', value: newUid() },
    0x0020000e: { vr: 'UI', value: newUid() },
    0x00200013: { vr: 'IS', value: '1' },
    0x00280002: { vr: 'US', value: [1] },
    0x00280004: { vr: 'CS', value: 'MONOCHROME2' },
    0x00280010: { vr: 'US', value: [8] },
    0x00280011: { vr: 'US', value: [8] },
    0x00280100: { vr: 'US', value: [16] },
    0x00280101: { vr: 'US', value: [12] },
    0x00280102: { vr: 'US', value: [11] },
    0x00280103: { vr: 'US', value: [0] },
  };
}

/** Native pixel data of `n` little-endian 16-bit samples (a gradient). */
export function gradient16(n: number): Uint8Array {
  const out = new Uint8Array(n * 2), dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) dv.setUint16(2 * i, (i * 37) % 4096, true);
  return out;
}

export function craft(o: CraftOptions = {}): Crafted {
  const ts = o.ts ?? TS.explicitLE;
  const attrs: Record<number, Attr | null> = { ...defaults(), ...o.set };
  const text = (t: number) => {
    const a = attrs[t];
    return a && typeof a.value === 'string' ? a.value : '';
  };
  const syntax = { explicit: ts !== TS.implicitLE, little: ts !== TS.explicitBE };
  const body = Object.entries(attrs)
    .filter((e): e is [string, Attr] => e[1] !== null)
    .map(([t, a]) => [Number(t), a] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([t, a]) => element(t, a, syntax));
  const px =
    o.pixels === null ? new Uint8Array(0)
    : o.pixels && 'element' in o.pixels ? o.pixels.element
    : element(0x7fe00010, { vr: 'OW', value: o.pixels ?? gradient16(64) }, syntax);
  let dataset = concat([...body, px, o.tail ?? new Uint8Array(0)]);
  if (ts === TS.deflatedLE && !o.rawDeflate) dataset = new Uint8Array(deflateRawSync(dataset));

  const metaBody = concat([
    element(0x00020001, { vr: 'OB', value: new Uint8Array([0, 1]) }),
    element(0x00020002, { vr: 'UI', value: text(0x00080016) || SOP.ct }),
    element(0x00020003, { vr: 'UI', value: text(0x00080018) || '1.2.3' }),
    element(0x00020010, { vr: 'UI', value: ts }),
    element(0x00020012, { vr: 'UI', value: '1.2.826.0.1.3680043.10.1418.1' }),
  ]);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.length, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return {
    bytes: concat([preamble, element(0x00020000, { vr: 'UL', value: groupLength }), metaBody, dataset]),
    studyInstanceUid: text(0x0020000d),
    seriesInstanceUid: text(0x0020000e),
    sopInstanceUid: text(0x00080018),
    sopClassUid: text(0x00080016),
  };
}
