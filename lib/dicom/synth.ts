/**
 * Synthetic, standard-conformant DICOM Part-10 series for the demo (CT, DR, US, MG, ES).
 * Pixels are procedural phantoms (no patient data); every file says so with SyntheticData (0008,001C) = YES.
 * The header is written by dcmjs; PixelData is appended by us so that RLE can use an empty Basic Offset Table
 * and exactly one fragment per frame (dcmjs would fill the BOT and split frames into 20 KB fragments).
 */
import dcmjs from 'dcmjs';
import { uidFromString } from './retag';
import { concatBytes as concat } from '../bytes';

export type SynthKind = 'CT' | 'DR' | 'US' | 'MG' | 'ES';
export type SynthBodyPart = 'head' | 'chest' | 'abdomen';
export interface SynthOptions {
  seed: number;
  rows?: number;
  columns?: number;
  /** CT: number of slices (default 16); US: number of frames (default 8). */
  slices?: number;
  /** RLE Lossless for the grayscale kinds (CT/DR/MG/US); ignored for ES (RGB). */
  rle?: boolean;
  /** CT phantom, default 'chest'. */
  bodyPart?: SynthBodyPart;
}

const { DicomDict, DicomMetaDictionary } = dcmjs.data;
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const SOP = {
  CT: '1.2.840.10008.5.1.4.1.1.2', // CT Image Storage
  DR: '1.2.840.10008.5.1.4.1.1.1.1', // Digital X-Ray Image Storage - For Presentation
  MG: '1.2.840.10008.5.1.4.1.1.1.2', // Digital Mammography X-Ray Image Storage - For Presentation
  US: '1.2.840.10008.5.1.4.1.1.3.1', // Ultrasound Multi-frame Image Storage
  ES: '1.2.840.10008.5.1.4.1.1.77.1.1', // VL Endoscopic Image Storage
} as const;
const IMPLEMENTATION_UID = uidFromString('yingyun/dicom-synth/implementation');

type Pixels = Int16Array | Uint16Array | Uint8Array;
type Ds = Record<string, unknown>;
interface Instance {
  ds: Ds;
  frames: Pixels[];
}

// ---------- deterministic randomness ----------
function hash32(s: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
/** Lattice hash in [0,1): used for textures that must move with the anatomy (US speckle) or be smooth (value noise). */
function lattice(x: number, y: number, s: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ s;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
const smooth = (t: number) => t * t * (3 - 2 * t);
function valueNoise(x: number, y: number, s: number): number {
  const ix = Math.floor(x), iy = Math.floor(y), fx = smooth(x - ix), fy = smooth(y - iy);
  const a = lattice(ix, iy, s), b = lattice(ix + 1, iy, s), c = lattice(ix, iy + 1, s), d = lattice(ix + 1, iy + 1, s);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}
function fbm(x: number, y: number, s: number, octaves = 4): number {
  let v = 0, amp = 0.5, norm = 0;
  for (let o = 0; o < octaves; o++, amp /= 2, x *= 2, y *= 2) {
    v += amp * valueNoise(x, y, s + o * 101);
    norm += amp;
  }
  return v / norm;
}
const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const step = (e0: number, e1: number, x: number) => smooth(clamp((x - e0) / (e1 - e0), 0, 1));

// ---------- DICOM value formatting ----------
/** DS is at most 16 characters: trim precision instead of letting dcmjs truncate the string. */
function ds(v: number): string {
  for (let p = 10; p > 0; p--) {
    const s = String(Number(v.toFixed(p)));
    if (s.length <= 16) return s;
  }
  return String(Math.round(v));
}
function studyClock(seed: number): { date: string; time: string } {
  const h = hash32(`clock:${seed}`);
  const d = new Date(Date.UTC(2024, 0, 1) + (h % 540) * 86400000);
  const minutes = 8 * 60 + ((h >>> 10) % 600);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0'), mm = String(minutes % 60).padStart(2, '0');
  return { date: d.toISOString().slice(0, 10).replace(/-/g, ''), time: `${hh}${mm}00` };
}
const code = (value: string, meaning: string) => ({ CodeValue: value, CodingSchemeDesignator: 'SCT', CodeMeaning: meaning });

// ---------- RLE Lossless (PS3.5 Annex G) ----------
/** PackBits one row into out at n; replicate runs only for ≥3 equal bytes so data never grows beyond 129/128. */
function packBits(src: Uint8Array, out: Uint8Array, n: number): number {
  const len = src.length;
  let i = 0;
  while (i < len) {
    let run = 1;
    while (i + run < len && run < 128 && src[i + run] === src[i]) run++;
    if (run >= 3) {
      out[n++] = 257 - run; // -(run-1) as a signed byte
      out[n++] = src[i];
      i += run;
      continue;
    }
    let j = i;
    while (j < len && j - i < 128 && !(j + 2 < len && src[j] === src[j + 1] && src[j] === src[j + 2])) j++;
    out[n++] = j - i - 1;
    out.set(src.subarray(i, j), n);
    n += j - i;
    i = j;
  }
  return n;
}
/** One frame → RLE: 64-byte header (segment count + 15 offsets), one segment per byte plane, MSB first, rows encoded separately. */
export function encodeRleFrame(px: Pixels, rows: number, cols: number, bytesPerSample: 1 | 2): Uint8Array {
  const row = new Uint8Array(cols);
  const segments: Uint8Array[] = [];
  for (let s = 0; s < bytesPerSample; s++) {
    const shift = 8 * (bytesPerSample - 1 - s);
    const out = new Uint8Array(rows * (cols + Math.ceil(cols / 128)) + 1);
    let n = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) row[c] = (px[r * cols + c] >> shift) & 0xff;
      n = packBits(row, out, n);
    }
    if (n & 1) out[n++] = 0; // segments have even length
    segments.push(out.subarray(0, n));
  }
  const header = new Uint8Array(64);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((seg, k) => (dv.setUint32(4 + 4 * k, offset, true), (offset += seg.length)));
  return concat([header, ...segments]);
}

// ---------- Part-10 assembly ----------
/** Little-endian bytes of a frame regardless of host endianness. */
function frameBytes(px: Pixels): Uint8Array {
  if (px instanceof Uint8Array) return px;
  const out = new Uint8Array(px.length * 2);
  for (let i = 0; i < px.length; i++) {
    out[2 * i] = px[i] & 0xff;
    out[2 * i + 1] = (px[i] >> 8) & 0xff;
  }
  return out;
}
function pixelDataElement(frames: Uint8Array[], vr: 'OB' | 'OW', encapsulated: boolean): Uint8Array {
  const header = (len: number) => {
    const b = new Uint8Array(12), dv = new DataView(b.buffer);
    dv.setUint16(0, 0x7fe0, true);
    dv.setUint16(2, 0x0010, true);
    b[4] = vr.charCodeAt(0);
    b[5] = vr.charCodeAt(1);
    dv.setUint32(8, len, true);
    return b;
  };
  const item = (elem: number, len: number) => {
    const b = new Uint8Array(8), dv = new DataView(b.buffer);
    dv.setUint16(0, 0xfffe, true);
    dv.setUint16(2, elem, true);
    dv.setUint32(4, len, true);
    return b;
  };
  if (!encapsulated) {
    const len = frames.reduce((n, f) => n + f.length, 0);
    return concat([header(len + (len & 1)), ...frames, new Uint8Array(len & 1)]);
  }
  // Empty Basic Offset Table, one fragment per frame (RLE requires it), Sequence Delimitation Item.
  return concat([header(0xffffffff), item(0xe000, 0), ...frames.flatMap((f) => [item(0xe000, f.length), f]), item(0xe0dd, 0)]);
}
function part10(inst: Instance, rle: boolean): Uint8Array {
  const d = inst.ds as { SOPClassUID: string; SOPInstanceUID: string; Rows: number; Columns: number; BitsAllocated: number };
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: d.SOPClassUID,
    MediaStorageSOPInstanceUID: d.SOPInstanceUID,
    TransferSyntaxUID: rle ? RLE_LOSSLESS : EXPLICIT_LE,
    ImplementationClassUID: IMPLEMENTATION_UID,
    ImplementationVersionName: 'YINGYUN_SYNTH_1',
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset(inst.ds);
  const head = new Uint8Array(dict.write());
  const bps = d.BitsAllocated === 16 ? 2 : 1;
  const frames = rle
    ? inst.frames.map((f) => encodeRleFrame(f, d.Rows, d.Columns, bps))
    : inst.frames.map(frameBytes);
  return concat([head, pixelDataElement(frames, rle || bps === 1 ? 'OB' : 'OW', rle)]);
}

// ---------- CT phantoms (HU painted in patient mm: +x = patient left, +y = posterior) ----------
class Slice {
  readonly hu: Float32Array;
  constructor(readonly cols: number, readonly rows: number, readonly ps: number, readonly x0: number, readonly y0: number) {
    this.hu = new Float32Array(cols * rows).fill(-1000);
  }
  private fill(bx0: number, bx1: number, by0: number, by1: number, inside: (x: number, y: number) => boolean, hu: number, only?: (v: number) => boolean) {
    const c0 = Math.max(0, Math.floor((bx0 - this.x0) / this.ps)), c1 = Math.min(this.cols - 1, Math.ceil((bx1 - this.x0) / this.ps));
    const r0 = Math.max(0, Math.floor((by0 - this.y0) / this.ps)), r1 = Math.min(this.rows - 1, Math.ceil((by1 - this.y0) / this.ps));
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const i = r * this.cols + c;
        if (inside(this.x0 + c * this.ps, this.y0 + r * this.ps) && (!only || only(this.hu[i]))) this.hu[i] = hu;
      }
  }
  ellipse(cx: number, cy: number, rx: number, ry: number, hu: number, rot = 0, only?: (v: number) => boolean) {
    if (rx <= 0 || ry <= 0) return;
    const co = Math.cos(rot), si = Math.sin(rot), m = Math.max(rx, ry);
    this.fill(cx - m, cx + m, cy - m, cy + m, (x, y) => {
      const u = ((x - cx) * co + (y - cy) * si) / rx, v = (-(x - cx) * si + (y - cy) * co) / ry;
      return u * u + v * v <= 1;
    }, hu, only);
  }
  capsule(x1: number, y1: number, x2: number, y2: number, r: number, hu: number, only?: (v: number) => boolean) {
    const dx = x2 - x1, dy = y2 - y1, l2 = dx * dx + dy * dy || 1;
    this.fill(Math.min(x1, x2) - r, Math.max(x1, x2) + r, Math.min(y1, y2) - r, Math.max(y1, y2) + r, (x, y) => {
      const t = clamp(((x - x1) * dx + (y - y1) * dy) / l2, 0, 1), ex = x - x1 - t * dx, ey = y - y1 - t * dy;
      return ex * ex + ey * ey <= r * r;
    }, hu, only);
  }
}

interface Vessel { a: number; b: number; da: number; db: number; r: number }
interface CtFeatures { vessels: Vessel[][]; bowel: { x: number; y: number; r: number; t0: number; air: boolean }[] }
const LUNG = -850, CAVITY = -90;

function spine(s: Slice, z: number) {
  s.ellipse(-32, 100, 24, 17, 45); // paraspinal muscles
  s.ellipse(32, 100, 24, 17, 45);
  const disc = ((z % 28) + 28) % 28 < 5; // intervertebral disc every 28 mm
  s.ellipse(0, 68, 18, 16, disc ? 80 : 950); // cortex (or disc)
  if (!disc) s.ellipse(0, 68, 15, 13, 650); // cancellous vertebral body
  s.ellipse(0, 93, 13, 12, 750); // posterior arch
  s.ellipse(0, 93, 8, 8, 20); // spinal canal (CSF/cord)
  s.capsule(0, 104, 0, 126, 4.5, 750); // spinous process
  for (const sx of [-1, 1]) s.capsule(10 * sx, 88, 32 * sx, 84, 4.5, 750); // transverse processes
}

function ribs(s: Slice, t: number, rx: number, ry: number, cy: number) {
  // Ribs slope down anteriorly, so each one cuts the axial plane along an arc; cartilage near the sternum.
  for (let k = -2; k < 13; k++) {
    const tk = k * 0.1;
    for (let th = -Math.PI; th < Math.PI; th += 0.012) {
      const sinT = Math.sin(th);
      if (Math.abs(th - Math.PI / 2) < 0.22) continue; // spine
      if (Math.abs(t - (tk + (0.22 * (1 - sinT)) / 2)) > 0.014) continue;
      const hu = Math.abs(th + Math.PI / 2) < 0.35 ? 120 : 700;
      s.ellipse(rx * Math.cos(th), cy + ry * sinT, 4, 4, hu);
    }
  }
}

function chest(s: Slice, t: number, z: number, f: CtFeatures) {
  s.capsule(-175, 124, 175, 124, 3, 200); // table
  s.ellipse(0, 0, 165, 115, -100); // subcutaneous fat
  s.ellipse(0, 0, 150, 102, 45); // chest-wall muscle
  s.ellipse(0, 5, 132, 86, CAVITY); // thoracic cavity
  const k = 0.5 + 0.5 * Math.sqrt(clamp(t / 0.55, 0, 1)); // lungs widen from the apex down
  const lungs = [[-68, 8], [68, 8]] as const;
  lungs.forEach(([cx, cy]) => s.ellipse(cx, cy, 60 * k, 76 * k, LUNG, 0, (v) => v === CAVITY));
  if (t > 0.72) s.ellipse(-58, 25, 120 * (t - 0.72), 105 * (t - 0.72), 60, 0, (v) => v === LUNG); // liver dome
  if (t > 0.85) s.ellipse(70, 35, 90 * (t - 0.85), 80 * (t - 0.85), 45, 0, (v) => v === LUNG); // spleen / left dome
  // pulmonary vessels: branch points drift with z so they look continuous when scrolling
  f.vessels.forEach((list, side) => {
    const [cx, cy] = lungs[side];
    for (const v of list)
      s.ellipse(cx + (v.a + v.da * t) * 55 * k, cy + (v.b + v.db * t) * 70 * k, v.r, v.r, 30, 0, (h) => h === LUNG);
  });
  s.ellipse(5, -5, 30, 75, CAVITY, 0, (v) => v < 0); // mediastinal fat
  if (t > 0.38) {
    const h = Math.min(1, (t - 0.38) / 0.25);
    s.ellipse(22, -22, 66 * h, 52 * h, CAVITY, -0.5); // pericardial fat
    s.ellipse(22, -22, 62 * h, 48 * h, 40, -0.5); // heart
  }
  if (t < 0.2) s.capsule(-10, -30, 26, 48, 13, 40); // aortic arch
  else {
    s.ellipse(26, 48, 12, 12, 40); // descending aorta
    if (t < 0.6) s.ellipse(-8, -30, 15, 15, 40); // ascending aorta
  }
  if (t < 0.12) for (const [x, y] of [[-15, -35], [0, -40], [13, -33]]) s.ellipse(x, y, 6, 6, 40); // arch branches
  if (t > 0.3 && t < 0.46) s.ellipse(20, -30, 14, 14, 40); // pulmonary trunk
  if (t > 0.38 && t < 0.46) s.capsule(18, -24, -32, -6, 8, 40); // right pulmonary artery
  if (t < 0.45) s.ellipse(-30, -22, 9, 9, 40); // SVC
  if (t < 0.4) {
    // trachea
    s.ellipse(0, 15, 11, 11, 40);
    s.ellipse(0, 15, 8.5, 8.5, -1000);
  } else if (t < 0.52) {
    // main bronchi
    for (const x of [-18, 16]) {
      s.ellipse(x, 20, 8, 8, 40);
      s.ellipse(x, 20, 6, 6, -1000);
    }
  }
  s.ellipse(6, 42, 7, 7, 40); // oesophagus
  s.ellipse(6, 42, 1.5, 1.5, -1000);
  spine(s, z);
  ribs(s, t, 141, 94, 4);
  s.ellipse(0, -98, 16, 7, 450); // sternum
  if (t > 0.05 && t < 0.55) for (const sx of [-1, 1]) s.capsule(60 * sx, 104, 112 * sx, 84, 2.5, 600); // scapulae
}

function abdomen(s: Slice, t: number, z: number, f: CtFeatures) {
  const inCavity = (x: number, y: number) => (x / 126) ** 2 + ((y - 4) / 88) ** 2 <= 1;
  s.capsule(-175, 132, 175, 132, 3, 200); // table
  s.ellipse(0, 0, 160, 122, -100);
  s.ellipse(0, 2, 140, 100, 45);
  s.ellipse(0, 4, 126, 88, CAVITY);
  const organ = (cx: number, cy: number, rx: number, ry: number, hu: number, rot = 0) =>
    s.ellipse(cx, cy, rx, ry, hu, rot, (v) => v !== 45 && v !== -100);
  const kl = clamp(1.15 - 1.3 * t, 0, 1);
  organ(-50, 0, 88 * kl, 78 * kl, 60, 0.3); // liver
  if (t > 0.25 && t < 0.5) organ(-45, -45, 14, 20, 8); // gallbladder
  if (t < 0.5) organ(85, 40, 28 * (1 - t), 45 * (1 - t), 50, -0.4); // spleen
  if (t < 0.45) {
    // stomach with gas cap
    organ(55, -35, 40, 30, 25);
    organ(55, -52, 30, 10, -1000);
  }
  if (t > 0.3 && t < 0.5) s.capsule(-20, 20, 60, 30, 9, 45); // pancreas
  if (t > 0.3 && t < 0.85) {
    const kk = Math.sin((Math.PI * (t - 0.3)) / 0.55);
    for (const sx of [-1, 1]) {
      organ(70 * sx, 55, 20 * kk + 4, 32 * kk + 4, 35, 0.5 * sx);
      organ(62 * sx, 50, 6 * kk, 10 * kk, 5, 0.5 * sx);
    }
  }
  if (t > 0.4)
    for (const b of f.bowel) {
      const r = b.r * step(b.t0, b.t0 + 0.1, t);
      if (r > 1 && inCavity(b.x, b.y)) {
        organ(b.x, b.y, r, r, 40);
        organ(b.x, b.y, r - 2, r - 2, b.air ? -1000 : 15);
      }
    }
  s.ellipse(8, 45, 11, 11, 40); // aorta
  s.ellipse(-22, 42, 10, 12, 40); // IVC
  if (t > 0.55) for (const sx of [-1, 1]) s.ellipse(30 * sx, 62, 8 + 16 * (t - 0.55), 10 + 10 * (t - 0.55), 45); // psoas
  spine(s, z);
  if (t < 0.35) ribs(s, t + 0.85, 136, 96, 4);
}

function head(s: Slice, t: number) {
  const k = Math.sqrt(Math.max(0, 1 - ((t - 0.3) / 0.78) ** 2)); // cranial cross-section shrinks to the vertex
  const rx = 72 * k, ry = 90 * k, cy = 5;
  if (k < 0.08) return;
  s.ellipse(0, cy, rx + 6, ry + 6, 30); // scalp
  s.ellipse(0, cy, rx, ry, 1000); // outer table
  s.ellipse(0, cy, rx - 2.5, ry - 2.5, 600); // diploe
  s.ellipse(0, cy, rx - 4.5, ry - 4.5, 1000); // inner table
  s.ellipse(0, cy, rx - 6.5, ry - 6.5, 8); // CSF
  s.ellipse(0, cy, rx - 8, ry - 8, 38); // grey matter
  const wx = (rx - 8) * 0.78, wy = (ry - 8) * 0.8, ph = t * 7;
  for (let i = 0; i < s.hu.length; i++) { // white matter with a gyral (wavy) border
    const x = s.x0 + (i % s.cols) * s.ps, y = s.y0 + Math.floor(i / s.cols) * s.ps - cy, th = Math.atan2(y, x);
    if ((x / wx) ** 2 + (y / wy) ** 2 < 1 + 0.12 * Math.sin(9 * th + ph) + 0.06 * Math.sin(23 * th - ph)) s.hu[i] = 28;
  }
  s.capsule(0, cy - ry + 9, 0, cy + ry - 9, 1.6, 10); // interhemispheric fissure
  s.capsule(0, cy - ry + 9, 0, cy + ry - 9, 0.6, 70); // falx
  if (t > 0.35 && t < 0.68) {
    const kv = Math.sin((Math.PI * (t - 0.35)) / 0.33);
    for (const sx of [-1, 1]) s.ellipse(9 * sx, -2, 2 + 5 * kv, 4 + 24 * kv, 6, 0.12 * sx); // lateral ventricles
  }
  if (t > 0.25 && t < 0.4) s.ellipse(0, 10, 2.5, 12, 6); // third ventricle
  if (t < 0.22) {
    for (const sx of [-1, 1]) {
      s.capsule(18 * sx, 2, 52 * sx, 26, 3.5, 1200); // petrous ridges
      s.ellipse(30 * sx, -62, 17, 20, -80); // orbital fat
      s.ellipse(30 * sx, -64, 12, 12, 12); // globe
      s.ellipse(30 * sx, -74, 4, 2, 120); // lens
    }
    s.ellipse(0, -58, 8, 14, -950); // ethmoid air cells
    s.ellipse(0, -28, 13, 10, -950); // sphenoid sinus
    s.ellipse(0, 40, 4, 4, 6); // fourth ventricle
  }
}

function ct(o: Required<SynthOptions>, r: Rng): Instance[] {
  const bodyPart = o.bodyPart;
  const isHead = bodyPart === 'head';
  const L = { head: 180, chest: 240, abdomen: 220 }[bodyPart]; // anatomical extent along z (mm)
  const spacing = clamp(Math.round((L / o.slices) * 4) / 4, 1, 10);
  const ps = (isHead ? 240 : 360) / Math.max(o.rows, o.columns);
  const x0 = (-(o.columns - 1) / 2) * ps, y0 = (-(o.rows - 1) / 2) * ps;
  const zc = { head: 40, chest: -180, abdomen: -400 }[bodyPart];
  const f: CtFeatures = {
    vessels: [1, -1].map((medial) =>
      Array.from({ length: 45 }, () => {
        const a = (r() - 0.5) * 1.6, b = (r() - 0.5) * 1.6; // larger calibre towards the hilum (medial side)
        return { a, b, da: (r() - 0.5) * 0.6, db: (r() - 0.5) * 0.6, r: 0.8 + 2.8 * Math.max(0, 1 - Math.hypot(a - 0.8 * medial, b) / 1.3) ** 2 };
      }),
    ),
    bowel: Array.from({ length: 26 }, () => ({ x: (r() - 0.5) * 200, y: -70 + r() * 90, r: 8 + r() * 12, t0: 0.4 + r() * 0.4, air: r() < 0.35 })),
  };
  const window = { head: [[40, 80]], chest: [[40, 400], [-600, 1500]], abdomen: [[40, 400]] }[bodyPart];
  const noise = isHead ? 4 : 10;
  const out: Instance[] = [];
  for (let i = 0; i < o.slices; i++) {
    const t = 0.5 + ((i - (o.slices - 1) / 2) * spacing) / L; // 0 = top of the region, 1 = bottom
    const z = zc + (0.5 - t) * L; // head-first: instance 1 is the most superior slice
    const s = new Slice(o.columns, o.rows, ps, x0, y0);
    if (bodyPart === 'chest') chest(s, t, z, f);
    else if (bodyPart === 'abdomen') abdomen(s, t, z, f);
    else head(s, t);
    const hu = blur3(s.hu, o.columns, o.rows); // partial-volume softening
    const px = new Int16Array(hu.length);
    for (let j = 0; j < hu.length; j++) px[j] = Math.round(clamp(hu[j] + noise * gauss(r), -1024, 3071)) + 1024;
    out.push({
      frames: [px],
      ds: {
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        PatientPosition: 'HFS',
        PositionReferenceIndicator: '',
        ImagePositionPatient: [ds(x0), ds(y0), ds(z)],
        ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
        PixelSpacing: [ds(ps), ds(ps)],
        SliceThickness: ds(spacing),
        SpacingBetweenSlices: ds(spacing),
        SliceLocation: ds(z),
        KVP: '120',
        XRayTubeCurrent: 200,
        ConvolutionKernel: isHead ? 'H30s' : 'B30f',
        ReconstructionDiameter: ds(ps * Math.max(o.rows, o.columns)),
        GantryDetectorTilt: '0',
        AcquisitionNumber: 1,
        RescaleIntercept: '-1024',
        RescaleSlope: '1',
        RescaleType: 'HU',
        WindowCenter: window.map((w) => String(w[0])),
        WindowWidth: window.map((w) => String(w[1])),
        WindowCenterWidthExplanation: bodyPart === 'chest' ? ['MEDIASTINUM', 'LUNG'] : [isHead ? 'BRAIN' : 'ABDOMEN'],
        ...gray(o.rows, o.columns, 16, 16, 1),
      },
    });
  }
  return out;
}

function blur3(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(src.length), out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      tmp[i] = (src[x > 0 ? i - 1 : i] + src[i] + src[x < w - 1 ? i + 1 : i]) / 3;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] = (tmp[y > 0 ? i - w : i] + tmp[i] + tmp[y < h - 1 ? i + w : i]) / 3;
    }
  return out;
}

const gray = (rows: number, cols: number, bits: 8 | 16, stored: number, signed: 0 | 1) => ({
  SamplesPerPixel: 1,
  PhotometricInterpretation: 'MONOCHROME2',
  Rows: rows,
  Columns: cols,
  BitsAllocated: bits,
  BitsStored: stored,
  HighBit: stored - 1,
  PixelRepresentation: signed,
});

// ---------- projection radiography helpers ----------
/** Distance field to a polyline, normalised by its half-width (min over stamps) — used for ribs, clavicles, bones. */
function stamp(D: Float32Array, w: number, h: number, pts: [number, number][], hw: number) {
  const R = Math.ceil(hw);
  for (let k = 0; k < pts.length - 1; k++) {
    const [x1, y1] = pts[k], [x2, y2] = pts[k + 1], n = Math.max(1, Math.ceil(Math.hypot(x2 - x1, y2 - y1) * 2));
    for (let j = 0; j <= n; j++) {
      const cx = x1 + ((x2 - x1) * j) / n, cy = y1 + ((y2 - y1) * j) / n;
      for (let y = Math.max(0, Math.floor(cy - R)); y <= Math.min(h - 1, Math.ceil(cy + R)); y++)
        for (let x = Math.max(0, Math.floor(cx - R)); x <= Math.min(w - 1, Math.ceil(cx + R)); x++) {
          const d = Math.hypot(x - cx, y - cy) / hw, i = y * w + x;
          if (d < D[i]) D[i] = d;
        }
    }
  }
}
const boneProfile = (d: number) => (d < 1 ? 0.6 + 0.4 * d * d : 0); // brighter cortex at the edges
function windowFromPercentiles(px: Uint16Array, max: number): [string, string] {
  const hist = new Uint32Array(max + 1);
  for (const v of px) hist[v]++;
  const pct = (p: number) => {
    let acc = 0;
    for (let v = 0; v <= max; v++) if ((acc += hist[v]) >= p * px.length) return v;
    return max;
  };
  const lo = pct(0.01), hi = pct(0.995);
  return [String(Math.round((lo + hi) / 2)), String(Math.max(1, Math.round((hi - lo) * 1.05)))];
}

function dr(o: Required<SynthOptions>, r: Rng): Instance[] {
  const H = o.rows, W = o.columns, n = W * H;
  // coordinates in units of image height: X ∈ ~[-0.5,0.5] (image right = patient left, PA view), Y ∈ [0,1]
  const P = (X: number, Y: number): [number, number] => [W / 2 + X * H, Y * H];
  const post = new Float32Array(n).fill(9), ant = new Float32Array(n).fill(9), other = new Float32Array(n).fill(9);
  const marks = new Float32Array(n);
  const width = (Y: number) => 0.09 + 0.36 * step(0.06, 0.2, Y) - 0.03 * step(0.4, 1, Y); // torso half-width
  for (const sx of [-1, 1]) {
    for (let k = 0; k < 10; k++) {
      const Yk = 0.15 + k * 0.062 + (r() - 0.5) * 0.008, bend = 0.06 + r() * 0.02, w = width(Yk + 0.03) - 0.02, pp: [number, number][] = [], pa: [number, number][] = [];
      for (let s = 0; s <= 1.0001; s += 0.02) {
        pp.push(P(sx * (0.03 + s * (w - 0.03)), Yk - 0.02 * s + bend * s ** 3));
        if (s >= 0.3) pa.push(P(sx * (0.03 + s * (w - 0.03)), Yk + bend - 0.02 + 0.143 * (1 - s)));
      }
      stamp(post, W, H, pp, 0.009 * H);
      if (k < 7) stamp(ant, W, H, pa, 0.007 * H);
    }
    stamp(other, W, H, [P(0.04 * sx, 0.165), P(0.15 * sx, 0.15), P(0.27 * sx, 0.11)], 0.011 * H); // clavicle
    stamp(other, W, H, [P(0.47 * sx, 0.16), P(0.49 * sx, 0.5)], 0.026 * H); // humerus
    stamp(other, W, H, [P(0.47 * sx, 0.16), P(0.47 * sx, 0.161)], 0.045 * H); // humeral head
    for (let v = 0; v < 26; v++) { // vascular markings fanning out of the hila
      let X = sx * 0.065, Y = 0.45 + (r() - 0.5) * 0.08, ang = (sx > 0 ? 0 : Math.PI) + (r() - 0.5) * 2.4, wd = 0.006;
      for (let j = 0; j < 40 && wd > 0.001; j++) {
        const [px, py] = P(X, Y), R = wd * H;
        for (let y = Math.max(0, Math.floor(py - 2 * R)); y < Math.min(H, py + 2 * R); y++)
          for (let x = Math.max(0, Math.floor(px - 2 * R)); x < Math.min(W, px + 2 * R); x++)
            marks[y * W + x] = Math.max(marks[y * W + x], Math.exp(-(((x - px) ** 2 + (y - py) ** 2) / (R * R))));
        X += Math.cos(ang) * 0.006;
        Y += Math.sin(ang) * 0.006;
        ang += (r() - 0.5) * 0.35;
        wd *= 0.955;
      }
    }
  }
  const px = new Uint16Array(n), A = new Float32Array(n);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x, X = (x - W / 2) / H, Y = y / H, w = width(Y);
      let a = Math.sqrt(Math.max(0, 1 - (X / w) ** 2)) * (1 + 0.15 * step(0.65, 0.8, Y)); // soft tissue (abdomen thicker)
      const ax = Math.abs(X);
      if (ax > 0.45 && Y > 0.12) a = Math.max(a, 0.55 * Math.sqrt(Math.max(0, 1 - ((ax - 0.5) / 0.05) ** 2))); // arms
      let lung = 0;
      for (const sx of [-1, 1]) {
        const cu = 0.21 * sx, du = Math.abs(X - cu) / 0.165, dv = Math.abs(Y - (sx < 0 ? 0.47 : 0.49)) / 0.36;
        const e = du ** 2.4 + dv ** 2.4, dome = (sx < 0 ? 0.7 : 0.73) - 0.07 * (1 - Math.min(1, du * du));
        if (e < 1) lung += Math.sqrt(1 - e) * step(0, 0.025, dome - Y);
      }
      const heart = 1 - ((X - 0.035) / 0.135) ** 2 - ((Y - 0.58) / 0.16) ** 2, knob = 1 - ((X - 0.05) / 0.03) ** 2 - ((Y - 0.33) / 0.03) ** 2;
      lung = Math.max(0, lung - 1.5 * Math.sqrt(Math.max(0, heart)) - 1.5 * Math.sqrt(Math.max(0, knob)));
      a -= 0.8 * lung - 0.18 * marks[i] * Math.min(1, lung * 3);
      if (ax < 0.014 && Y < 0.4) a -= 0.2; // trachea
      if (ax < 0.028) a += 0.22 * Math.sqrt(1 - (X / 0.028) ** 2) * (0.85 + 0.15 * Math.cos(Y * 96)); // spine with endplates
      if (Math.hypot(X - 0.12, (Y - 0.78) / 0.7) < 0.04) a -= 0.3; // gastric bubble
      a += 0.17 * boneProfile(post[i]) + 0.09 * boneProfile(ant[i]) + 0.4 * boneProfile(other[i]);
      A[i] = Math.max(0, a);
    }
  const S = blur3(A, W, H);
  for (let i = 0; i < n; i++) px[i] = Math.round(clamp(180 + 2400 * S[i] ** 0.85 + 14 * gauss(r), 0, 4095));
  const [wc, ww] = windowFromPercentiles(px, 4095);
  return [{
    frames: [px],
    ds: {
      ...projection(o, 12, wc, ww, 0.7),
      ImageType: ['ORIGINAL', 'PRIMARY'],
      ImageLaterality: 'U',
      ViewPosition: 'PA',
      PatientOrientation: ['L', 'F'],
      ViewCodeSequence: [{ ...code('399348003', 'postero-anterior'), ViewModifierCodeSequence: [] }],
      AnatomicRegionSequence: [code('43799004', 'Chest')],
      KVP: '125',
      DistanceSourceToDetector: '1800',
    },
  }];
}

/** Attributes shared by DX/MG "For Presentation" images. */
const projection = (o: Required<SynthOptions>, stored: number, wc: string, ww: string, pixelMm: number) => ({
  PresentationIntentType: 'FOR PRESENTATION',
  ImagerPixelSpacing: [ds(pixelMm), ds(pixelMm)],
  DetectorType: 'DIRECT',
  PixelIntensityRelationship: 'LOG',
  PixelIntensityRelationshipSign: 1,
  RescaleIntercept: '0',
  RescaleSlope: '1',
  RescaleType: 'US',
  PresentationLUTShape: 'IDENTITY',
  BurnedInAnnotation: 'NO',
  WindowCenter: wc,
  WindowWidth: ww,
  ...gray(o.rows, o.columns, 16, stored, 0),
});

function mg(o: Required<SynthOptions>, r: Rng, seed: number): Instance[] {
  const H = o.rows, W = o.columns, lat = seed % 2 === 0 ? 'L' : 'R';
  const calc = Array.from({ length: 6 }, () => [0.35 + r() * 0.03, 0.45 + r() * 0.04]);
  return (['CC', 'MLO'] as const).map((view) => {
    const px = new Uint16Array(W * H), s = hash32(`mg:${seed}:${view}`);
    const cy = view === 'CC' ? 0.5 : 0.56, depth = view === 'CC' ? 0.62 : 0.66, half = view === 'CC' ? 0.4 : 0.36;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        // u: distance from chest wall (mirrored for R so the chest wall is on the image right), in units of width
        const u = (lat === 'L' ? x : W - 1 - x) / W, v = y / H, e = (u / depth) ** 2 + ((v - cy) / half) ** 2;
        const pect = view === 'MLO' ? 0.3 * (1 - v / 0.55) - u : -1; // pectoral muscle triangle (u < edge)
        const axilla = view === 'MLO' ? pect + 0.25 * (1 - v / 0.85) : -1; // axillary tail along the muscle
        let a = 0;
        if (e < 1 || axilla > 0) {
          const edge = Math.sqrt(Math.min(1, Math.max((1 - e) * 8, axilla * 10))); // thickness falls off at the skin line
          const rr = Math.hypot(u - depth, (v - cy) * 0.9), th = Math.atan2(v - cy, depth - u);
          const g = fbm(rr * 7, th * 9, s) * 0.7 + fbm(u * 18, v * 18, s + 7) * 0.3; // streaks converge on the nipple
          const env = step(0.05, 0.3, u) * (1 - step(0.4, 1, rr / depth)) * Math.exp(-(((v - cy + 0.05) / 0.3) ** 2));
          const gland = step(0.42, 0.7, g) * env;
          a = edge * (0.42 + 0.5 * gland) + (e < 1 && e > 0.93 && axilla <= 0 ? 0.08 : 0);
          for (const [cu, cv] of calc) if (view === 'CC' && Math.hypot(u - cu, v - cv) < 0.004) a += 0.35;
        }
        if (pect > 0) a = Math.max(a, 0.56 + 0.1 * step(0, 0.08, pect));
        px[y * W + x] = Math.round(clamp(60 + 3200 * a + 12 * gauss(r), 0, 4095));
      }
    const [wc, ww] = windowFromPercentiles(px, 4095);
    const orient = lat === 'L' ? ['A', view === 'CC' ? 'R' : 'FR'] : ['P', view === 'CC' ? 'L' : 'FL'];
    return {
      frames: [px],
      ds: {
        ...projection(o, 12, wc, ww, 240 / H),
        ImageType: ['ORIGINAL', 'PRIMARY'],
        ImageLaterality: lat,
        ViewPosition: view,
        PatientOrientation: orient,
        ViewCodeSequence: [{ ...(view === 'CC' ? code('399162004', 'cranio-caudal') : code('399368009', 'medio-lateral oblique')), ViewModifierCodeSequence: [] }],
        AnatomicRegionSequence: [code('76752008', 'Breast')],
        PositionerType: 'MAMMOGRAPHIC',
        BreastImplantPresent: 'NO',
        KVP: '28',
        BodyPartThickness: '45',
      },
    };
  });
}

function us(o: Required<SynthOptions>, seed: number): Instance[] {
  const H = o.rows, W = o.columns, F = o.slices, s = hash32(`us:${seed}`);
  const ax = W / 2, ay = -0.02 * H, r0 = 0.08 * H, r1 = 0.97 * H, half = (36 * Math.PI) / 180;
  const cmPerPx = 16 / (r1 - r0); // 16 cm depth
  const rg = mulberry32(s);
  // anechoic structures as capsules [x1, y1, x2, y2, radius, wall echo]: a cyst and three vessels
  const cx = W / 2 + (rg() - 0.5) * 0.25 * W, cyy = 0.52 * H + rg() * 0.08 * H;
  const holes: [number, number, number, number, number, number][] = [
    [cx, cyy, cx, cyy, 0.065 * H, 0.2],
    [0.25 * W, 0.42 * H, 0.45 * W, 0.33 * H, 0.025 * H, 0.9],
    [0.6 * W, 0.25 * H, 0.72 * W, 0.4 * H, 0.018 * H, 0.2],
    [0.38 * W, 0.62 * H, 0.3 * W, 0.7 * H, 0.014 * H, 0.7],
  ];
  const frames: Uint8Array[] = [];
  for (let f = 0; f < F; f++) {
    const ph = (2 * Math.PI * f) / F, mx = 2 * Math.sin(ph), my = 5 * Math.sin(ph); // breathing motion (px)
    const px = new Uint8Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const dx = x - ax, dy = y - ay, rr = Math.hypot(dx, dy), th = Math.atan2(dx, dy);
        if (rr < r0 || rr > r1 || Math.abs(th) > half) continue;
        const X = x - mx, Y = y - my; // tissue coordinates: anatomy and speckle move together
        let e = 0.55;
        const fascia = 0.13 * H + 0.01 * H * Math.sin(X / 60);
        if (Y < fascia) e = 0.35 + 0.25 * fbm(X / 30, Y / 8, s);
        e += 1.4 * Math.exp(-(((Y - fascia) / 3) ** 2)); // bright fascia line
        const dia = 0.8 * H - 0.0004 * (X - W / 2) ** 2; // curved bright diaphragm
        if (Y > dia) e = 0.3;
        e += 1.2 * Math.exp(-(((Y - dia) / 4) ** 2));
        e *= 0.75 + 0.5 * fbm(X / 45, Y / 45, s + 5); // parenchymal heterogeneity
        for (const [x1, y1, x2, y2, hr, wall] of holes) {
          const dx2 = x2 - x1, dy2 = y2 - y1, q = clamp(((X - x1) * dx2 + (Y - y1) * dy2) / (dx2 * dx2 + dy2 * dy2 || 1), 0, 1);
          const d = Math.hypot(X - x1 - q * dx2, Y - y1 - q * dy2) / hr;
          if (d < 1) e = 0.02;
          else if (d < 1.18) e += wall; // echogenic wall
          else if (Math.abs(X - x1 - q * dx2) < hr && Y > y1) e *= 1 + 0.5 * Math.exp(-(Y - y1) / (0.15 * H)); // posterior enhancement
        }
        // speckle: complex Gaussian field on an anisotropic lattice (coarser laterally), 20% decorrelates per frame
        const sp = (sx: number, sy: number, k: number) => {
          const gx = X / sx, gy = Y / sy, ix = Math.floor(gx), iy = Math.floor(gy), fx = gx - ix, fy = gy - iy;
          let re = 0, im = 0;
          for (const [ox, oy, wgt] of [[0, 0, (1 - fx) * (1 - fy)], [1, 0, fx * (1 - fy)], [0, 1, (1 - fx) * fy], [1, 1, fx * fy]]) {
            re += wgt * (lattice(ix + ox, iy + oy, k) - 0.5);
            im += wgt * (lattice(ix + ox, iy + oy, k + 1) - 0.5);
          }
          return Math.hypot(re, im);
        };
        const speck = 0.8 * sp(3.6, 1.6, s) + 0.2 * sp(3.6, 1.6, s + 17 * (f + 1));
        const depthGain = 1 - (0.3 * (rr - r0)) / (r1 - r0);
        const v = 60 * Math.log1p(8 * e * speck * 3.2 * depthGain);
        px[y * W + x] = clamp(Math.round(v), 0, 255);
      }
    for (let cm = 1; cm < 16; cm++) { // depth ticks along the right sector edge
      const rr = r0 + cm / cmPerPx, tx = Math.round(ax + Math.sin(half) * rr) + 6, ty = Math.round(ay + Math.cos(half) * rr);
      for (let k = -1; k <= 1; k++) for (let j = 0; j < (cm % 5 ? 3 : 6); j++) if (ty + k >= 0 && ty + k < H && tx + j < W) px[(ty + k) * W + tx + j] = 220;
    }
    frames.push(px);
  }
  const cx0 = Math.round(ax - Math.sin(half) * r1), cx1 = Math.round(ax + Math.sin(half) * r1);
  return [{
    frames,
    ds: {
      ImageType: ['ORIGINAL', 'PRIMARY', 'ABDOMINAL', '0001'],
      NumberOfFrames: String(F),
      FrameTime: '40',
      FrameIncrementPointer: 0x00181063, // → FrameTime
      CineRate: 25,
      RecommendedDisplayFrameRate: 25,
      PatientOrientation: '',
      LossyImageCompression: '00',
      TransducerData: 'C5-1',
      SequenceOfUltrasoundRegions: [{
        RegionSpatialFormat: 1, // 2D sector
        RegionDataType: 1, // tissue
        RegionFlags: 0,
        RegionLocationMinX0: Math.max(0, cx0),
        RegionLocationMinY0: 0,
        RegionLocationMaxX1: Math.min(W - 1, cx1),
        RegionLocationMaxY1: H - 1,
        ReferencePixelX0: Math.round(ax),
        ReferencePixelY0: 0,
        PhysicalUnitsXDirection: 3, // cm
        PhysicalUnitsYDirection: 3,
        PhysicalDeltaX: cmPerPx,
        PhysicalDeltaY: cmPerPx,
      }],
      ...gray(H, W, 8, 8, 0),
    },
  }];
}

function es(o: Required<SynthOptions>, r: Rng, seed: number): Instance[] {
  const H = o.rows, W = o.columns, R = 0.48 * H;
  return [0, 1].map((k) => {
    const s = hash32(`es:${seed}:${k}`), px = new Uint8Array(W * H * 3);
    const lx = W / 2 + (r() - 0.5) * 0.3 * R, ly = H / 2 + (r() - 0.5) * 0.3 * R, lr = (0.16 + 0.06 * r()) * R;
    const glints = Array.from({ length: 9 }, () => [W / 2 + (r() - 0.5) * 1.4 * R, H / 2 + (r() - 0.5) * 1.4 * R, 2 + r() * 5]);
    const vessels = new Float32Array(W * H);
    for (let v = 0; v < 40; v++) { // submucosal vessels: thin random walks
      let x = W / 2 + (r() - 0.5) * 2 * R, y = H / 2 + (r() - 0.5) * 2 * R, a = r() * 2 * Math.PI;
      for (let j = 0; j < 120; j++, x += Math.cos(a), y += Math.sin(a), a += (r() - 0.5) * 0.5)
        if (x >= 0 && y >= 0 && x < W && y < H) vessels[Math.floor(y) * W + Math.floor(x)] = 1;
    }
    const vv = blur3(blur3(vessels, W, H), W, H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const rc = Math.hypot(x - W / 2, y - H / 2);
        if (rc > R) continue; // circular endoscope field of view
        const dl = Math.hypot(x - lx, y - ly), th = Math.atan2(y - ly, x - lx);
        const near = step(0.3 * lr, 2.2 * lr, dl); // far wall (lumen) is dark, near wall bright
        const folds = k === 0
          ? 0.18 * Math.sin(Math.log(dl + 1) * 9 + fbm(2 + Math.cos(th) * 2, 2 + Math.sin(th) * 2, s) * 4) // haustra-like rings
          : 0.16 * Math.sin(th * 7 + dl / 25 + fbm(dl / 40 + Math.cos(th), 3 + Math.sin(th), s) * 5); // longitudinal rugae
        const tex = fbm(x / 25, y / 25, s + 3) - 0.5;
        let L = (0.12 + 0.88 * near) * (1 + folds + 0.25 * tex) * (1 - 0.55 * (rc / R) ** 2.5);
        const rC = 0.9;
        let gC = 0.47 - 0.08 * vv[y * W + x] * 6, bC = 0.42 - 0.05 * vv[y * W + x] * 6;
        for (const [gx, gy, gr] of glints) {
          const g = Math.exp(-((x - gx) ** 2 + (y - gy) ** 2) / (gr * gr));
          L += 1.2 * g;
          gC += 0.6 * g;
          bC += 0.6 * g;
        }
        const i = 3 * (y * W + x), n = 2 * gauss(r);
        px[i] = clamp(Math.round(255 * L * rC + n), 0, 255);
        px[i + 1] = clamp(Math.round(255 * L * gC + n), 0, 255);
        px[i + 2] = clamp(Math.round(255 * L * bC + n), 0, 255);
      }
    return {
      frames: [px],
      ds: {
        ImageType: ['ORIGINAL', 'PRIMARY'],
        PatientOrientation: '',
        AcquisitionContextSequence: [],
        LossyImageCompression: '00',
        SamplesPerPixel: 3,
        PhotometricInterpretation: 'RGB',
        PlanarConfiguration: 0,
        Rows: H,
        Columns: W,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
        PixelRepresentation: 0,
      },
    };
  });
}

const DEFAULTS: Record<SynthKind, { rows: number; columns: number; slices: number }> = {
  CT: { rows: 256, columns: 256, slices: 16 },
  DR: { rows: 512, columns: 512, slices: 1 },
  MG: { rows: 512, columns: 384, slices: 2 },
  US: { rows: 480, columns: 640, slices: 8 },
  ES: { rows: 480, columns: 560, slices: 2 },
};
const MODALITY: Record<SynthKind, string> = { CT: 'CT', DR: 'DX', MG: 'MG', US: 'US', ES: 'ES' };

/** Part-10 files, one per instance (CT: one per slice; US: one multi-frame file; MG: CC + MLO; ES: two images). */
export function synthesizeSeries(kind: SynthKind, opts: SynthOptions): Uint8Array[] {
  if (!(kind in DEFAULTS)) throw new RangeError(`synthesizeSeries: unknown kind ${kind}`);
  const o: Required<SynthOptions> = { ...DEFAULTS[kind], rle: false, bodyPart: 'chest', ...opts } as Required<SynthOptions>;
  for (const [k, max] of [['rows', 4096], ['columns', 4096], ['slices', 1000]] as const)
    if (!Number.isInteger(o[k]) || o[k] < 1 || o[k] > max) throw new RangeError(`synthesizeSeries: bad ${k} ${o[k]}`);
  if (!Number.isFinite(o.seed)) throw new RangeError('synthesizeSeries: seed must be a finite number');
  const rle = o.rle && kind !== 'ES';
  // Pixels depend on the options but not on rle (so RLE and native decode to the same data); UIDs depend on all.
  const pixelKey = `yingyun-synth/${kind}/${o.seed}/${o.rows}x${o.columns}x${o.slices}/${kind === 'CT' ? o.bodyPart : ''}`;
  const key = `${pixelKey}/${rle ? 'rle' : 'native'}`;
  const r = mulberry32(hash32(pixelKey));
  const instances =
    kind === 'CT' ? ct(o, r) : kind === 'DR' ? dr(o, r) : kind === 'MG' ? mg(o, r, o.seed) : kind === 'US' ? us(o, o.seed) : es(o, r, o.seed);
  const { date, time } = studyClock(o.seed);
  const part = kind === 'CT' ? o.bodyPart.toUpperCase() : { DR: 'CHEST', MG: 'BREAST', US: 'ABDOMEN', ES: 'STOMACH' }[kind];
  const describe: Record<SynthKind, [string, string]> = {
    CT: [`CT ${part}`, `Axial ${ds(Number(instances[0].ds.SliceThickness ?? 0))}mm phantom`],
    DR: ['DX CHEST', 'Chest PA phantom'],
    MG: ['MG SCREENING', 'Mammography CC/MLO phantom'],
    US: ['US ABDOMEN', 'Liver cine phantom'],
    ES: ['GASTROSCOPY', 'Endoscopy phantom'],
  };
  return instances.map((inst, i) => {
    const sopInstanceUid = uidFromString(`${key}/instance/${i + 1}`);
    inst.ds = {
      SpecificCharacterSet: 'ISO_IR 192',
      SOPClassUID: SOP[kind],
      SOPInstanceUID: sopInstanceUid,
      StudyDate: date,
      SeriesDate: date,
      ContentDate: date,
      StudyTime: time,
      SeriesTime: time,
      ContentTime: time,
      AccessionNumber: '',
      Modality: MODALITY[kind],
      Manufacturer: 'Yingyun Demo',
      ManufacturerModelName: 'Yingyun Synth',
      SoftwareVersions: '1',
      ReferringPhysicianName: '',
      StudyDescription: describe[kind][0],
      SeriesDescription: describe[kind][1],
      PatientName: 'DEMO^PATIENT',
      PatientID: 'DEMO',
      PatientBirthDate: '',
      PatientSex: kind === 'MG' ? 'F' : '',
      BodyPartExamined: part,
      SyntheticData: 'YES',
      StudyInstanceUID: uidFromString(`${key}/study`),
      SeriesInstanceUID: uidFromString(`${key}/series`),
      StudyID: '1',
      SeriesNumber: 1,
      InstanceNumber: i + 1,
      ImageComments: 'Synthetic phantom generated by Yingyun - not patient data',
      ...inst.ds,
      ...(kind === 'CT' ? { FrameOfReferenceUID: uidFromString(`${key}/frame-of-reference`) } : {}),
    };
    return part10(inst, rle);
  });
}

// ---------- PALETTE COLOR (test files: known colours at known pixel values) ----------
export interface PaletteOptions {
  seed: number;
  /** Bits per LUT entry, as the descriptor's third value says: 8 (one byte per entry) or 16 (one word). */
  lutBits: 8 | 16;
  /** Instances in the series (default 1). */
  images?: number;
  /** Rows and columns (default 128). */
  size?: number;
}

/**
 * Four quadrants (top-left, top-right, bottom-left, bottom-right), each one pixel value, which the
 * palette maps to these colours; every other value is grey. The 16-bit palette starts at pixel value
 * 16 (the descriptor's first mapped value), so values below it take its first entry.
 */
export const PALETTE_SWATCHES: { value: number; rgb: [number, number, number] }[] = [
  { value: 40, rgb: [255, 0, 0] },
  { value: 100, rgb: [0, 255, 0] },
  { value: 170, rgb: [0, 0, 255] },
  { value: 230, rgb: [255, 200, 0] },
];

/** Ultrasound images in PALETTE COLOR with their lookup tables in the file (Red/Green/Blue Palette Color LUT). */
export function synthesizePalette(opts: PaletteOptions): Uint8Array[] {
  const n = opts.size ?? 128, images = opts.images ?? 1;
  const first = opts.lutBits === 16 ? 16 : 0;
  const entries = 256 - first;
  const channel = (c: number) => {
    const lut = Array.from({ length: entries }, (_, k) => k + first); // grey ramp
    for (const s of PALETTE_SWATCHES) lut[s.value - first] = s.rgb[c];
    if (opts.lutBits === 8) return Uint8Array.from(lut).buffer;
    return Uint16Array.from(lut, (v) => v * 257).buffer; // little-endian words, as the file is written
  };
  const px = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) px[y * n + x] = PALETTE_SWATCHES[(y < n / 2 ? 0 : 2) + (x < n / 2 ? 0 : 1)].value;
  const key = `yingyun-synth/palette/${opts.seed}/${opts.lutBits}/${n}x${images}`;
  const { date, time } = studyClock(opts.seed);
  return Array.from({ length: images }, (_, i) =>
    part10(
      {
        ds: {
          SpecificCharacterSet: 'ISO_IR 192',
          SOPClassUID: '1.2.840.10008.5.1.4.1.1.6.1', // Ultrasound Image Storage
          SOPInstanceUID: uidFromString(`${key}/instance/${i + 1}`),
          StudyDate: date,
          StudyTime: time,
          AccessionNumber: '',
          Modality: 'US',
          Manufacturer: 'Yingyun Demo',
          StudyDescription: 'US PALETTE',
          SeriesDescription: `Palette ${opts.lutBits}-bit LUT phantom`,
          PatientName: 'DEMO^PATIENT',
          PatientID: 'DEMO',
          SyntheticData: 'YES',
          StudyInstanceUID: uidFromString(`${key}/study`),
          SeriesInstanceUID: uidFromString(`${key}/series`),
          SeriesNumber: 1,
          InstanceNumber: i + 1,
          SamplesPerPixel: 1,
          PhotometricInterpretation: 'PALETTE COLOR',
          Rows: n,
          Columns: n,
          BitsAllocated: 8,
          BitsStored: 8,
          HighBit: 7,
          PixelRepresentation: 0,
          RedPaletteColorLookupTableDescriptor: [entries, first, opts.lutBits],
          GreenPaletteColorLookupTableDescriptor: [entries, first, opts.lutBits],
          BluePaletteColorLookupTableDescriptor: [entries, first, opts.lutBits],
          RedPaletteColorLookupTableData: channel(0),
          GreenPaletteColorLookupTableData: channel(1),
          BluePaletteColorLookupTableData: channel(2),
          // The dictionary says "US or SS" / "US or OW": name the VR rather than let dcmjs guess (and complain).
          _vrMap: Object.fromEntries(['Red', 'Green', 'Blue'].flatMap((c) => [[`${c}PaletteColorLookupTableDescriptor`, 'US'], [`${c}PaletteColorLookupTableData`, 'OW']])),
        },
        frames: [px],
      },
      false,
    ),
  );
}
