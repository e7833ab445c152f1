// Reads what we index from a DICOM Part-10 file, without decoding pixel data.
// Client-sent tags are never trusted: the index always comes from the file itself.
import dcmjs from 'dcmjs';
import dicomParser from 'dicom-parser';
import { config } from '../config';
import { checkInflatedSize, checkServable, DatasetTooLargeError, PixelDataError, rawHeader, type Dataset, type RawHeader, type Source } from './pixels';

/** What was read of an instance before it was refused (STOW reports them with the failure). */
export interface KnownUids {
  sopClassUid?: string;
  sopInstanceUid?: string;
}

export class DicomParseError extends Error {
  constructor(
    message: string,
    readonly uids: KnownUids = {},
  ) {
    super(message);
    this.name = 'DicomParseError';
  }
}

/** Larger than YINGYUN_DICOM_MAX_BYTES, as sent or (deflated) once inflated: STOW's 0xA700. */
export class InstanceTooLargeError extends DicomParseError {
  constructor(message: string, uids: KnownUids = {}) {
    super(message, uids);
    this.name = 'InstanceTooLargeError';
  }
}

export interface ParsedInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  patientId: string | null;
  patientName: string | null;
  accessionNumber: string | null;
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  modality: string | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
  bodyPartExamined: string | null;
  instanceNumber: number | null;
  rows: number | null;
  columns: number | null;
  numberOfFrames: number;
  /** DICOM JSON (PS3.18 F.2) of every attribute before PixelData, binary values removed. */
  metadata: Record<string, DicomJsonAttribute>;
}

export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

/** PS3.5 9.1: numeric components separated by dots, no leading zero in a component other than "0" itself. */
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

type Dict = Record<string, { vr: string; Value?: unknown[] }>;

function first(dict: Dict, tag: string): unknown {
  return dict[tag]?.Value?.[0];
}

function str(dict: Dict, tag: string): string | null {
  const v = first(dict, tag);
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

function num(dict: Dict, tag: string): number | null {
  const v = first(dict, tag);
  const n = typeof v === 'number' ? v : Number.parseInt(String(v ?? ''), 10);
  return Number.isFinite(n) ? n : null;
}

function personName(dict: Dict): string | null {
  const v = first(dict, '00100010') as { Alphabetic?: string; Ideographic?: string } | string | undefined;
  if (!v) return null;
  if (typeof v === 'string') return v.trim() || null;
  const name = (v.Ideographic || v.Alphabetic || '').trim();
  return name === '' ? null : name;
}

/** A UI value as stored: the padding the standard allows (one trailing NUL; some writers use spaces) removed, nothing else. */
const unpadUid = (raw: string) => raw.replace(/[\0 ]+$/, '');
const printable = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

/** A UID read from the bytes: refused when it breaks the UID grammar, never rewritten. */
function uidOf(raw: string | undefined, tag: string, label: string, known: KnownUids): string {
  const v = raw === undefined ? '' : unpadUid(raw);
  if (!v) throw new DicomParseError(`missing ${label} (${tag})`, known);
  if (!UID.test(v) || v.length > 64) throw new DicomParseError(`invalid ${label} (${tag}) ${printable(v)}: a UID is dot-separated numbers without leading zeros, at most 64 characters`, known);
  return v;
}

/** The SOP Class and Instance UIDs a failure report can name, where they are valid. */
function knownUids(h: Pick<RawHeader, 'ds' | 'text'>): KnownUids {
  const known: KnownUids = {};
  for (const [key, tag] of [['sopClassUid', 0x00080016], ['sopInstanceUid', 0x00080018]] as const) {
    const el = h.ds.get(tag);
    const v = el && !el.items ? unpadUid(h.text(el)) : '';
    if (UID.test(v) && v.length <= 64) known[key] = v;
  }
  return known;
}

function rawValue(h: RawHeader, ds: Dataset | undefined, tag: string): string | undefined {
  const el = ds?.get(Number.parseInt(tag, 16));
  return el && !el.items ? h.text(el) : undefined;
}

/**
 * dcmjs removes every character but digits and dots from UI values: put the values back as stored
 * (padding removed), so that what we index and serve is what the file says.
 */
function restoreUids(dict: Dict, ds: Dataset | undefined, h: RawHeader) {
  for (const [tag, attr] of Object.entries(dict)) {
    if (!attr || typeof attr !== 'object') continue;
    const el = ds?.get(Number.parseInt(tag, 16));
    if (attr.vr === 'UI' && attr.Value && el && !el.items) {
      const raw = unpadUid(h.text(el));
      attr.Value = raw === '' ? [] : raw.split('\\');
    } else if (attr.vr === 'SQ' && Array.isArray(attr.Value)) {
      attr.Value.forEach((item, i) => restoreUids(item as Dict, el?.items?.[i], h));
    }
  }
}

/**
 * PostgreSQL cannot store NUL in text or JSON. The standard pads a value at its end only (with a space
 * for text): a run of NULs there is a common writer's padding and is dropped; a NUL anywhere else
 * (inside a value, or a text value of undefined length read as text) refuses the instance.
 */
function checkNul(dict: Dict, known: KnownUids, path = '') {
  const unpad = (v: unknown): unknown =>
    typeof v === 'string' ? v.replace(/\0+$/, '') : v && typeof v === 'object' && !(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpad(x)])) : v;
  const hasNul = (v: unknown): boolean =>
    typeof v === 'string' ? v.includes('\0') : Array.isArray(v) ? v.some(hasNul) : !!v && typeof v === 'object' && !(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v) && Object.values(v).some(hasNul);
  for (const [tag, attr] of Object.entries(dict)) {
    if (!attr || typeof attr !== 'object' || !Array.isArray(attr.Value)) continue;
    const where = `${path}(${tag.slice(0, 4)},${tag.slice(4)})`;
    if (attr.vr === 'SQ') {
      attr.Value.forEach((item, i) => checkNul(item as Dict, known, `${where}[${i + 1}]`));
      continue;
    }
    const last = attr.Value.length - 1;
    if (last >= 0) attr.Value[last] = unpad(attr.Value[last]);
    if (attr.Value.some(hasNul)) throw new DicomParseError(`element ${where} contains a NUL character`, known);
  }
}

/** Binary values are dropped from the stored metadata: they are bulk data, served from the file. */
function jsonSafe(dict: Dict): Record<string, DicomJsonAttribute> {
  const out: Record<string, DicomJsonAttribute> = {};
  for (const [tag, attr] of Object.entries(dict)) {
    if (!attr || typeof attr !== 'object') continue;
    const raw = attr.Value as unknown;
    const values = raw === undefined ? undefined : Array.isArray(raw) ? raw : [raw];
    if (values?.some((v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v))) {
      out[tag] = { vr: attr.vr };
      continue;
    }
    if (attr.vr === 'SQ' && values) {
      out[tag] = { vr: 'SQ', Value: values.map((item) => jsonSafe(item as Dict)) };
      continue;
    }
    out[tag] = values === undefined ? { vr: attr.vr } : { vr: attr.vr, Value: values };
  }
  return out;
}

function dcmjsRead(bytes: Uint8Array): { meta: Dict; dict: Dict } {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return dcmjs.data.DicomMessage.readFile(buffer, { untilTag: '7FE00010', includeUntilTagValue: false });
}

/** ISO 2022 escape sequences (ESC $ ) A …) left in text decoded as one character set. */
const ISO2022_ESCAPES = /\u001b[$()][()]?[@-Z]/g;

function stripEscapes(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(ISO2022_ESCAPES, '');
  if (Array.isArray(v)) return v.map(stripEscapes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripEscapes(x)]));
  return v;
}

/**
 * dcmjs reads one character set per file. Chinese files often declare ISO 2022 with escape
 * sequences ("\\ISO 2022 IR 58", GB2312 in its EUC form): read those as GB18030 (a superset of
 * that form) or UTF-8/Latin-1, with the declared value swapped in a copy, then drop the escapes.
 */
function readHeader(bytes: Uint8Array): { meta: Dict; dict: Dict } {
  try {
    return dcmjsRead(bytes);
  } catch (e) {
    const message = (e as Error).message;
    const charset = /character set/i.test(message) ? dicomParser.parseDicom(bytes, { untilTag: 'x00080006' }).elements.x00080005 : undefined;
    if (!charset) throw new DicomParseError(`unreadable DICOM: ${message}`);
    const declared = new TextDecoder('latin1').decode(bytes.subarray(charset.dataOffset, charset.dataOffset + charset.length));
    const single = /IR 58|GB2312|GB18030|GBK/.test(declared) ? 'GB18030' : /192/.test(declared) ? 'ISO_IR 192' : 'ISO_IR 100';
    if (single.length > charset.length) throw new DicomParseError(`unreadable DICOM: ${message}`);
    const copy = new Uint8Array(bytes);
    copy.set(new TextEncoder().encode(single.padEnd(charset.length, ' ')), charset.dataOffset);
    const read = dcmjsRead(copy);
    read.dict['00080005'] = { vr: 'CS', Value: declared.trim().split('\\') };
    return { meta: read.meta, dict: stripEscapes(read.dict) as Dict };
  }
}

/**
 * The attributes of an instance (everything before PixelData; the pixel data is checked by
 * inspectDicom). A deflated dataset is inflated up to `inflateLimit` bytes (YINGYUN_DICOM_MAX_BYTES),
 * beyond which it is refused with InstanceTooLargeError.
 */
export function parseDicom(input: Uint8Array | Source, inflateLimit?: number): ParsedInstance {
  const known: KnownUids = {};
  let raw: RawHeader;
  try {
    raw = rawHeader(input, inflateLimit);
  } catch (e) {
    if (e instanceof DatasetTooLargeError) throw new InstanceTooLargeError(e.message);
    if (!(e instanceof PixelDataError)) throw e;
    if (e.partial) Object.assign(known, knownUids(e.partial));
    throw new DicomParseError(`malformed DICOM: ${e.message}`, known);
  }
  Object.assign(known, knownUids(raw));
  const uids = {
    transferSyntaxUid: uidOf(raw.transferSyntaxUid, '00020010', 'TransferSyntaxUID', known),
    studyInstanceUid: uidOf(rawValue(raw, raw.ds, '0020000D'), '0020000D', 'StudyInstanceUID', known),
    seriesInstanceUid: uidOf(rawValue(raw, raw.ds, '0020000E'), '0020000E', 'SeriesInstanceUID', known),
    sopInstanceUid: uidOf(rawValue(raw, raw.ds, '00080018'), '00080018', 'SOPInstanceUID', known),
    sopClassUid: uidOf(rawValue(raw, raw.ds, '00080016'), '00080016', 'SOPClassUID', known),
  };
  let dict: Dict;
  try {
    dict = readHeader(raw.part10).dict;
  } catch (e) {
    throw new DicomParseError(e instanceof DicomParseError ? e.message : `unreadable DICOM: ${(e as Error).message}`, known);
  }
  restoreUids(dict, raw.ds, raw);
  checkNul(dict, known);
  return {
    ...uids,
    patientId: str(dict, '00100020'),
    patientName: personName(dict),
    accessionNumber: str(dict, '00080050'),
    studyDate: str(dict, '00080020'),
    studyTime: str(dict, '00080030'),
    studyDescription: str(dict, '00081030'),
    modality: str(dict, '00080060'),
    seriesNumber: num(dict, '00200011'),
    seriesDescription: str(dict, '0008103E'),
    bodyPartExamined: str(dict, '00180015'),
    instanceNumber: num(dict, '00200013'),
    rows: num(dict, '00280010'),
    columns: num(dict, '00280011'),
    numberOfFrames: num(dict, '00280008') ?? 1,
    metadata: { ...jsonSafe(dict), '00020010': { vr: 'UI', Value: [uids.transferSyntaxUid] } },
  };
}

/**
 * What ingest stores: the parsed instance, once we know we can serve its pixel data (see checkServable
 * for what is refused). Rows, Columns and NumberOfFrames in the index are the checked ones; an object
 * without pixel data has none.
 */
export async function inspectDicom(input: Uint8Array | Source, inflateLimit = config.dicomMaxBytes): Promise<ParsedInstance> {
  try {
    await checkInflatedSize(input, inflateLimit);
  } catch (e) {
    if (e instanceof DatasetTooLargeError) throw new InstanceTooLargeError(e.message, e.partial ? knownUids(e.partial) : {});
    if (e instanceof PixelDataError) throw new DicomParseError(e.message);
    throw e;
  }
  const parsed = parseDicom(input, inflateLimit);
  try {
    const pixels = await checkServable(input, parsed.sopClassUid, inflateLimit);
    return { ...parsed, rows: pixels?.rows ?? null, columns: pixels?.columns ?? null, numberOfFrames: pixels?.numberOfFrames ?? 1 };
  } catch (e) {
    if (e instanceof PixelDataError) throw new DicomParseError(`pixel data cannot be served: ${e.message}`, { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid });
    throw e;
  }
}

/** The SOP Class and Instance UIDs the beginning of a file holds, where they are valid (for a failure report). */
export function identify(input: Uint8Array | Source): KnownUids {
  try {
    return knownUids(rawHeader(input));
  } catch (e) {
    return e instanceof PixelDataError && e.partial ? knownUids(e.partial) : {};
  }
}
