import type { NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { field, JILIN, jilinClient, jilinReply } from '@/lib/dialects/jilin';
import { DEFAULT_MAX_INSTANCE_BYTES, DicomConflictError, ingestDicom, type CheckedInstance } from '@/lib/dicom/ingest';
import { DicomParseError } from '@/lib/dicom/parse';
import { BodyTooLargeError, readForm } from '@/lib/http/body';

export const dynamic = 'force-dynamic';

const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * Jilin 2.5 uploadDicom (multipart/form-data): hospitalCode, accessNumber, studyUid, seriesUid,
 * instanceUid and the file dicomFile. The form fields must agree with the file's own tags; images
 * that arrive before their exam index are kept and linked when the index arrives.
 */
export async function POST(request: NextRequest) {
  const db = await prisma();
  const client = await jilinClient(db, request.headers.get('x-token'));
  if (!client) return jilinReply(JILIN.unauthorized);
  let form: FormData;
  try {
    // One instance of at most YINGYUN_DICOM_MAX_BYTES, and room for the five fields and the boundaries.
    form = await readForm(request, DEFAULT_MAX_INSTANCE_BYTES + FORM_OVERHEAD_BYTES);
  } catch (e) {
    return jilinReply(e instanceof BodyTooLargeError ? JILIN.tooLarge : JILIN.badInput);
  }
  // Field names as sent, trimmed ("accessNumber " happens).
  const byName = new Map<string, FormDataEntryValue>();
  for (const [k, v] of form.entries()) byName.set(k.trim(), v);
  const get = (n: string) => byName.get(n);
  const hospitalCode = field(get, 'hospitalCode');
  const accessNumber = field(get, 'accessNumber');
  const studyUid = field(get, 'studyUid');
  const seriesUid = field(get, 'seriesUid');
  const instanceUid = field(get, 'instanceUid');
  const file = byName.get('dicomFile');
  if (!hospitalCode || !accessNumber || !studyUid || !seriesUid || !instanceUid || !(file instanceof Blob)) return jilinReply(JILIN.badInput);
  if (!client.orgCodes.includes(hospitalCode)) return jilinReply(JILIN.unauthorized);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const check = (tags: CheckedInstance) => {
    const agrees =
      tags.studyInstanceUid === studyUid &&
      tags.seriesInstanceUid === seriesUid &&
      tags.sopInstanceUid === instanceUid &&
      (!tags.accessionNumber || tags.accessionNumber === accessNumber);
    if (!agrees) throw new DicomParseError('the form fields disagree with the file');
  };
  try {
    await ingestDicom(db, bytes, { organizationCode: hospitalCode, accessionNumber: accessNumber, check });
    return jilinReply(JILIN.uploaded);
  } catch (e) {
    if (e instanceof DicomParseError || e instanceof DicomConflictError) return jilinReply(JILIN.badInput);
    console.error(`[uploadDicom] ${(e as Error).message}`);
    return jilinReply(JILIN.uploadFailed);
  }
}
