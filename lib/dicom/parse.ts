// Reads what we index from a DICOM Part-10 file, without decoding pixel data.
// Client-sent tags are never trusted: the index always comes from the file itself.
import dcmjs from 'dcmjs';
import dicomParser from 'dicom-parser';

export class DicomParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DicomParseError';
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

const UID = /^[0-9]+(\.[0-9]+)*$/;

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

function uid(dict: Dict, tag: string, label: string): string {
  const v = str(dict, tag)?.replace(/\0/g, '');
  if (!v) throw new DicomParseError(`missing ${label} (${tag})`);
  if (!UID.test(v) || v.length > 64) throw new DicomParseError(`invalid ${label}: ${v.slice(0, 80)}`);
  return v;
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

/**
 * The Part-10 stream as dcmjs and dicom-parser expect it. Files whose writer left out the 128-byte
 * preamble (they start with "DICM") are read with one put in front; the stored bytes stay as sent.
 * A bare dataset without File Meta Information has no transfer syntax and is refused.
 */
function part10(bytes: Uint8Array): Uint8Array {
  const at = (o: number) => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.byteLength >= 132 && at(128) === 'DICM') return bytes;
  if (bytes.byteLength >= 4 && at(0) === 'DICM') {
    const withPreamble = new Uint8Array(bytes.byteLength + 128);
    withPreamble.set(bytes, 128);
    return withPreamble;
  }
  throw new DicomParseError('not a DICOM Part-10 file: no "DICM" marker and no File Meta Information (transfer syntax unknown)');
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

export function parseDicom(input: Uint8Array): ParsedInstance {
  if (input.byteLength < 8) throw new DicomParseError('file too short to be DICOM');
  const bytes = part10(input);
  // dicom-parser reads every element to the end: a truncated or corrupt file fails here.
  try {
    // A Buffer: dicom-parser inflates deflated datasets with Buffer methods.
    dicomParser.parseDicom(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    const reason = typeof e === 'string' ? e : ((e as { exception?: string }).exception ?? (e as Error).message);
    throw new DicomParseError(`truncated or malformed DICOM: ${String(reason).replace(/^dicomParser[.:]\w*:?\s*/, '')}`);
  }
  const { meta, dict } = readHeader(bytes);
  const transferSyntaxUid = uid(meta, '00020010', 'TransferSyntaxUID');
  return {
    studyInstanceUid: uid(dict, '0020000D', 'StudyInstanceUID'),
    seriesInstanceUid: uid(dict, '0020000E', 'SeriesInstanceUID'),
    sopInstanceUid: uid(dict, '00080018', 'SOPInstanceUID'),
    sopClassUid: uid(dict, '00080016', 'SOPClassUID'),
    transferSyntaxUid,
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
    metadata: { ...jsonSafe(dict), '00020010': { vr: 'UI', Value: [transferSyntaxUid] } },
  };
}
