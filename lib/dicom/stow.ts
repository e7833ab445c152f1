// STOW-RS: a multipart/related body of DICOM instances; each part is ingested on its own (a bad
// part does not stop the good ones) and the outcome of each is reported in the DICOM JSON response.
import type { PrismaClient } from '@prisma/client';
import { DicomConflictError, ingestDicom, StudyMismatchError } from './ingest';
import { contentTypeParam, MultipartError, parseMultipart } from './multipart';
import { DicomParseError, InstanceTooLargeError, type DicomJsonAttribute } from './parse';

/** Failure reasons (PS3.4 C.4.2.1.4 / PS3.18 Table 10.5.3-2). */
const PROCESSING_FAILURE = 0x0110;
const DUPLICATE_SOP = 0x0111;
const OUT_OF_RESOURCES = 0xa700;
const STUDY_MISMATCH = 0xa900;
const CANNOT_UNDERSTAND = 0xc000;

export interface StowResult {
  status: number;
  body: Record<string, DicomJsonAttribute>;
}

export class StowError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parts of one request indexed at the same time. */
const PARALLEL_PARTS = 4;

export async function stow(
  prisma: PrismaClient,
  body: Uint8Array,
  contentType: string,
  opts: { base: string; studyUid?: string; organizationCode?: string; clientId?: number; maxBytes?: number },
): Promise<StowResult> {
  if (!/^multipart\/related/i.test(contentType)) throw new StowError(415, 'STOW-RS takes multipart/related; type="application/dicom"');
  const type = contentTypeParam(contentType, 'type');
  if (type && type.toLowerCase() !== 'application/dicom') throw new StowError(415, `unsupported part type ${type}`);
  let parts;
  try {
    parts = parseMultipart(body, contentTypeParam(contentType, 'boundary') ?? '');
  } catch (e) {
    throw new StowError(400, (e as MultipartError).message);
  }
  if (!parts.length) throw new StowError(400, 'no parts');

  type Outcome = { stored: Record<string, DicomJsonAttribute> } | { failed: Record<string, DicomJsonAttribute> };
  const storePart = async (part: (typeof parts)[number]): Promise<Outcome> => {
    const partType = part.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (partType && partType !== 'application/dicom') return { failed: { '00081197': { vr: 'US', Value: [CANNOT_UNDERSTAND] } } };
    try {
      const r = await ingestDicom(prisma, part.body, { organizationCode: opts.organizationCode, clientId: opts.clientId, maxBytes: opts.maxBytes, studyInstanceUid: opts.studyUid });
      const i = r.instance;
      return {
        stored: {
          '00081150': { vr: 'UI', Value: [i.sopClassUid] },
          '00081155': { vr: 'UI', Value: [i.sopInstanceUid] },
          '00081190': { vr: 'UR', Value: [`${opts.base}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`] },
        },
      };
    } catch (e) {
      const reason =
        e instanceof StudyMismatchError ? STUDY_MISMATCH
        : e instanceof DicomConflictError ? DUPLICATE_SOP
        : e instanceof InstanceTooLargeError ? OUT_OF_RESOURCES
        : e instanceof DicomParseError ? CANNOT_UNDERSTAND
        : PROCESSING_FAILURE;
      if (reason === PROCESSING_FAILURE) console.error(`[stow] part failed: ${(e as Error).message}`);
      // The instance's UIDs when it was readable that far, so a client can match the entry without counting.
      const uids = e instanceof DicomParseError ? e.uids : e instanceof DicomConflictError || e instanceof StudyMismatchError ? e : {};
      return {
        failed: {
          ...(uids.sopClassUid ? { '00081150': { vr: 'UI', Value: [uids.sopClassUid] } } : {}),
          ...(uids.sopInstanceUid ? { '00081155': { vr: 'UI', Value: [uids.sopInstanceUid] } } : {}),
          '00081197': { vr: 'US', Value: [reason] },
        },
      };
    }
  };

  // The first part alone (it creates the study and series rows), then a few at a time: a part spends
  // most of its time waiting on the database and the disk. Answers keep the order of the parts.
  const outcomes: Outcome[] = new Array(parts.length);
  outcomes[0] = await storePart(parts[0]);
  let next = 1;
  const worker = async () => {
    while (next < parts.length) {
      const i = next++;
      outcomes[i] = await storePart(parts[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, parts.length - 1) }, worker));
  const stored = outcomes.flatMap((o) => ('stored' in o ? [o.stored] : []));
  const failed = outcomes.flatMap((o) => ('failed' in o ? [o.failed] : []));
  const studies = [...new Set(stored.map((s) => String((s['00081190'].Value as string[])[0]).split('/series/')[0]))];
  return {
    status: failed.length === 0 ? 200 : stored.length ? 202 : 409,
    body: {
      ...(studies.length === 1 ? { '00081190': { vr: 'UR', Value: studies } } : {}),
      ...(stored.length ? { '00081199': { vr: 'SQ', Value: stored } } : {}),
      ...(failed.length ? { '00081198': { vr: 'SQ', Value: failed } } : {}),
    },
  };
}
