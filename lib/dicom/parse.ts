// Reads what we index from a DICOM Part-10 file, without decoding pixel data.
// Client-sent tags are never trusted: the index always comes from the file itself.
import dcmjs from 'dcmjs';

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

export function parseDicom(bytes: Uint8Array): ParsedInstance {
  if (bytes.byteLength < 132) throw new DicomParseError('file too short to be DICOM');
  const magic = String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]);
  if (magic !== 'DICM') throw new DicomParseError('not a DICOM Part-10 file (no "DICM" after the 128-byte preamble)');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let message: { meta: Dict; dict: Dict };
  try {
    message = dcmjs.data.DicomMessage.readFile(buffer, { untilTag: '7FE00010', includeUntilTagValue: false });
  } catch (e) {
    throw new DicomParseError(`unreadable DICOM: ${(e as Error).message}`);
  }
  const { meta, dict } = message;
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
    metadata: jsonSafe(dict),
  };
}
