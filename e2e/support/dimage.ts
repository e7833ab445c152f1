// /dimage links as a hospital's report printer builds them, and the demo exams the viewer tests open.
import { buildDimageChannelLink, type DimageChannelInput } from '@/lib/links/build';
import { neijiangKeysFor } from '@/scripts/demo/clients';
import { ORGANIZATIONS } from '@/scripts/demo/region';

export interface ExamRef {
  hospital: string;
  accession: string;
  /** yyyymmdd */
  date: string;
}

type Options = Pick<DimageChannelInput, 'privacyCheck' | 'imageOnly' | 'showAi'>;

export function dimageLink(base: string, e: ExamRef, o: Options = {}): string {
  const k = neijiangKeysFor(e.hospital);
  return buildDimageChannelLink(base, { aesKey: k.aesKey, aesIv: k.aesIv, hospitalCode: e.hospital, accessionNumber: e.accession, studyDate: e.date, ...o });
}

type Json = Record<string, { Value?: unknown[] }>;
const v = (j: Json, tag: string) => String(j[tag]?.Value?.[0] ?? '');

/** A demo exam of this modality with 12 images, found through QIDO-RS as a PACS would. */
export async function demoExam(base: string, token: string, modality: 'MR' | 'CT'): Promise<ExamRef> {
  const res = await fetch(`${base}/dicomweb/studies?ModalitiesInStudy=${modality}&includefield=00080080&limit=200`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/dicom+json' } });
  if (res.status !== 200) throw new Error(`QIDO-RS answered ${res.status}`);
  for (const s of (await res.json()) as Json[]) {
    const org = ORGANIZATIONS.find((o) => o.name === v(s, '00080080'));
    if (org && v(s, '00201208') === '12') return { hospital: org.code, accession: v(s, '00080050'), date: v(s, '00080020') };
  }
  throw new Error(`no demo ${modality} exam with 12 images`);
}
