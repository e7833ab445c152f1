// QIDO-RS: search studies, series and instances by the common matching keys, answered in the
// DICOM JSON model. Only what the caller may read is ever searched.
import type { Prisma, PrismaClient } from '@prisma/client';
import type { DicomJsonAttribute } from './parse';
import { readableStudies, readableStudiesSql, type DicomAccess } from './access';
import { personNameCondition, PersonNameQueryError } from './person-name';

export class QidoError extends Error {}

type Json = Record<string, DicomJsonAttribute>;

/** Keyword → tag for the matching keys we support (either form may be used in a query). */
const KEYWORDS: Record<string, string> = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  PatientID: '00100020',
  PatientName: '00100010',
  AccessionNumber: '00080050',
  StudyDate: '00080020',
  StudyTime: '00080030',
  StudyDescription: '00081030',
  ModalitiesInStudy: '00080061',
  Modality: '00080060',
  SeriesNumber: '00200011',
  SeriesDescription: '0008103E',
  InstanceNumber: '00200013',
  SOPClassUID: '00080016',
};
const TAG_TO_KEYWORD = Object.fromEntries(Object.entries(KEYWORDS).map(([k, t]) => [t, k]));

export interface QidoQuery {
  match: Record<string, string>;
  limit: number;
  offset: number;
  includeFields: string[];
  includeAll: boolean;
}

export function parseQido(params: URLSearchParams): QidoQuery {
  const match: Record<string, string> = {};
  const includeFields: string[] = [];
  let includeAll = false;
  let limit = 100;
  let offset = 0;
  for (const [rawKey, value] of params) {
    const key = rawKey.trim();
    if (key === 'limit') limit = Math.min(Math.max(Number.parseInt(value, 10) || 0, 0), 1000) || 100;
    else if (key === 'offset') offset = Math.max(Number.parseInt(value, 10) || 0, 0);
    else if (key === 'includefield') {
      for (const f of value.split(',')) {
        if (f.trim() === 'all') includeAll = true;
        else includeFields.push((KEYWORDS[f.trim()] ?? f.trim()).toUpperCase());
      }
    } else if (key === 'fuzzymatching' || key === 'vs') continue;
    else {
      const keyword = KEYWORDS[key] ? key : TAG_TO_KEYWORD[key.toUpperCase()];
      if (!keyword) throw new QidoError(`unsupported matching key ${key}`);
      match[keyword] = value;
    }
  }
  return { match, limit, offset, includeFields, includeAll };
}

/** DICOM wildcard (* ?) → SQL LIKE; without wildcards an exact match. */
function textMatch(value: string): Prisma.StringNullableFilter | string {
  if (!/[*?]/.test(value)) return value;
  const like = value.replace(/[%_\\]/g, (c) => `\\${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
  // Prisma has no LIKE: a leading/trailing-only wildcard maps to startsWith/endsWith/contains.
  const core = like.replace(/^%+|%+$/g, '');
  if (/[%_]/.test(core.replace(/\\[%_]/g, ''))) throw new QidoError('wildcards are supported only at the start or end of a value');
  const plain = core.replace(/\\([%_\\])/g, '$1');
  const starts = like.endsWith('%') && !like.startsWith('%');
  const ends = like.startsWith('%') && !like.endsWith('%');
  return starts ? { startsWith: plain, mode: 'insensitive' } : ends ? { endsWith: plain, mode: 'insensitive' } : { contains: plain, mode: 'insensitive' };
}

/** StudyDate: 20210629, 20210601-20210630, -20210630, 20210601-. */
function dateMatch(value: string): Prisma.StringNullableFilter | string {
  const v = value.trim();
  if (/^\d{8}$/.test(v)) return v;
  const m = v.match(/^(\d{8})?-(\d{8})?$/);
  if (!m || (!m[1] && !m[2])) throw new QidoError(`bad date ${value}`);
  return { ...(m[1] ? { gte: m[1] } : {}), ...(m[2] ? { lte: m[2] } : {}) };
}

const uids = (v: string) => v.split(/[\\,]/).map((s) => s.trim()).filter(Boolean);

/** More studies than this matching a PatientName (among those readable) is refused as too broad. */
export const MAX_NAME_MATCHES = 20_000;

/**
 * Ids of the readable studies whose PatientName matches (lib/dicom/person-name.ts has the rule), or
 * null when every study does. Prisma has no LIKE, so this is one SQL statement; its answer joins the
 * rest of the query as an id list, which Prisma binds id by id, hence the cap.
 */
async function patientNameMatches(prisma: PrismaClient, access: DicomAccess, value: string): Promise<number[] | null> {
  let condition: Prisma.Sql | null;
  try {
    condition = personNameCondition(value);
  } catch (e) {
    if (e instanceof PersonNameQueryError) throw new QidoError(e.message);
    throw e;
  }
  if (!condition) return null;
  const rows = await prisma.$queryRaw<{ id: number }[]>`SELECT s."id" FROM "DicomStudy" s WHERE ${condition} AND ${readableStudiesSql(access)} LIMIT ${MAX_NAME_MATCHES + 1}`;
  if (rows.length > MAX_NAME_MATCHES) throw new QidoError(`PatientName ${value} matches more than ${MAX_NAME_MATCHES} studies: give more of the name, or add StudyDate or AccessionNumber`);
  return rows.map((r) => r.id);
}

/** The study-level matching keys, within what `access` may read. */
export async function studyWhere(prisma: PrismaClient, access: DicomAccess, q: QidoQuery): Promise<Prisma.DicomStudyWhereInput> {
  const m = q.match;
  const and: Prisma.DicomStudyWhereInput[] = [readableStudies(access)];
  if (m.StudyInstanceUID) and.push({ studyInstanceUid: { in: uids(m.StudyInstanceUID) } });
  if (m.PatientID) and.push({ patientIdTag: textMatch(m.PatientID) });
  if (m.PatientName) {
    const ids = await patientNameMatches(prisma, access, m.PatientName);
    if (ids) and.push({ id: { in: ids } });
  }
  if (m.AccessionNumber) and.push({ accessionNumber: textMatch(m.AccessionNumber) });
  if (m.StudyDate) and.push({ studyDate: dateMatch(m.StudyDate) });
  if (m.StudyDescription) and.push({ studyDescription: textMatch(m.StudyDescription) });
  const modalities = m.ModalitiesInStudy ?? m.Modality;
  if (modalities) and.push({ modalities: { hasSome: uids(modalities) } });
  if (m.SeriesInstanceUID) and.push({ series: { some: { seriesInstanceUid: { in: uids(m.SeriesInstanceUID) } } } });
  if (m.SOPInstanceUID) and.push({ series: { some: { instances: { some: { sopInstanceUid: { in: uids(m.SOPInstanceUID) } } } } } });
  return { AND: and };
}

const attr = (vr: string, ...values: unknown[]): DicomJsonAttribute => (values.length && values[0] !== null && values[0] !== undefined ? { vr, Value: values } : { vr });

function pick(meta: Json | undefined, tags: string[], into: Json): Json {
  if (!meta) return into;
  for (const t of tags) if (meta[t] && !into[t]) into[t] = meta[t];
  return into;
}

const STUDY_FROM_INSTANCE = ['00100030', '00100040', '00080090', '00200010', '00080005'];

export async function searchStudies(prisma: PrismaClient, base: string, access: DicomAccess, q: QidoQuery): Promise<Json[]> {
  const studies = await prisma.dicomStudy.findMany({
    where: await studyWhere(prisma, access, q),
    orderBy: [{ studyDate: 'desc' }, { id: 'desc' }],
    skip: q.offset,
    take: q.limit,
    include: { series: { take: 1, orderBy: { id: 'asc' }, include: { instances: { take: 1, orderBy: { id: 'asc' }, select: { metadata: true } } } } },
  });
  return studies.map((s) => {
    const meta = s.series[0]?.instances[0]?.metadata as unknown as Json | undefined;
    const out: Json = {
      '00080020': attr('DA', s.studyDate),
      '00080030': attr('TM', s.studyTime),
      '00080050': attr('SH', s.accessionNumber),
      '00080061': attr('CS', ...s.modalities),
      '00081030': attr('LO', s.studyDescription),
      '00081190': attr('UR', `${base}/studies/${s.studyInstanceUid}`),
      '00100010': meta?.['00100010'] ?? attr('PN', s.patientNameTag ? { Alphabetic: s.patientNameTag } : null),
      '00100020': attr('LO', s.patientIdTag),
      '0020000D': attr('UI', s.studyInstanceUid),
      '00201206': attr('IS', s.numberOfSeries),
      '00201208': attr('IS', s.numberOfInstances),
    };
    return pick(meta, q.includeAll ? Object.keys(meta ?? {}).filter((t) => !t.startsWith('7FE0')) : [...STUDY_FROM_INSTANCE, ...q.includeFields], out);
  });
}

export async function searchSeries(prisma: PrismaClient, base: string, access: DicomAccess, q: QidoQuery, studyUid?: string): Promise<Json[]> {
  const m = q.match;
  const rows = await prisma.dicomSeries.findMany({
    where: {
      study: { AND: [await studyWhere(prisma, access, { ...q, match: { ...m, SeriesInstanceUID: '', Modality: '', SOPInstanceUID: '' } }), ...(studyUid ? [{ studyInstanceUid: studyUid }] : [])] },
      ...(m.SeriesInstanceUID ? { seriesInstanceUid: { in: uids(m.SeriesInstanceUID) } } : {}),
      ...(m.Modality ? { modality: { in: uids(m.Modality) } } : {}),
      ...(m.SeriesNumber ? { seriesNumber: Number(m.SeriesNumber) } : {}),
    },
    orderBy: [{ seriesNumber: 'asc' }, { id: 'asc' }],
    skip: q.offset,
    take: q.limit,
    include: { study: { select: { studyInstanceUid: true } }, instances: { take: 1, orderBy: { id: 'asc' }, select: { metadata: true } } },
  });
  return rows.map((r) => {
    const meta = r.instances[0]?.metadata as unknown as Json | undefined;
    const out: Json = {
      '00080060': attr('CS', r.modality),
      '0008103E': attr('LO', r.seriesDescription),
      '00081190': attr('UR', `${base}/studies/${r.study.studyInstanceUid}/series/${r.seriesInstanceUid}`),
      '0020000D': attr('UI', r.study.studyInstanceUid),
      '0020000E': attr('UI', r.seriesInstanceUid),
      '00200011': attr('IS', r.seriesNumber),
      '00201209': attr('IS', r.numberOfInstances),
    };
    return pick(meta, q.includeAll ? Object.keys(meta ?? {}).filter((t) => !t.startsWith('7FE0')) : ['00180015', ...q.includeFields], out);
  });
}

export async function searchInstances(prisma: PrismaClient, base: string, access: DicomAccess, q: QidoQuery, studyUid?: string, seriesUid?: string): Promise<Json[]> {
  const m = q.match;
  const rows = await prisma.dicomInstance.findMany({
    where: {
      series: {
        ...(seriesUid ? { seriesInstanceUid: seriesUid } : m.SeriesInstanceUID ? { seriesInstanceUid: { in: uids(m.SeriesInstanceUID) } } : {}),
        ...(m.Modality ? { modality: { in: uids(m.Modality) } } : {}),
        study: { AND: [await studyWhere(prisma, access, { ...q, match: { ...m, SeriesInstanceUID: '', SOPInstanceUID: '', Modality: '' } }), ...(studyUid ? [{ studyInstanceUid: studyUid }] : [])] },
      },
      ...(m.SOPInstanceUID ? { sopInstanceUid: { in: uids(m.SOPInstanceUID) } } : {}),
      ...(m.SOPClassUID ? { sopClassUid: { in: uids(m.SOPClassUID) } } : {}),
      ...(m.InstanceNumber ? { instanceNumber: Number(m.InstanceNumber) } : {}),
    },
    orderBy: [{ instanceNumber: 'asc' }, { id: 'asc' }],
    skip: q.offset,
    take: q.limit,
    include: { series: { select: { seriesInstanceUid: true, study: { select: { studyInstanceUid: true } } } } },
  });
  return rows.map((r) => {
    const study = r.series.study.studyInstanceUid;
    const meta = r.metadata as unknown as Json | undefined;
    const out: Json = {
      '00080016': attr('UI', r.sopClassUid),
      '00080018': attr('UI', r.sopInstanceUid),
      '00081190': attr('UR', `${base}/studies/${study}/series/${r.series.seriesInstanceUid}/instances/${r.sopInstanceUid}`),
      '0020000D': attr('UI', study),
      '0020000E': attr('UI', r.series.seriesInstanceUid),
      '00200013': attr('IS', r.instanceNumber),
      '00280008': attr('IS', r.numberOfFrames),
      '00280010': attr('US', r.rows),
      '00280011': attr('US', r.columns),
    };
    return pick(meta, q.includeAll ? Object.keys(meta ?? {}).filter((t) => !t.startsWith('7FE0')) : ['00020010', ...q.includeFields], out);
  });
}
