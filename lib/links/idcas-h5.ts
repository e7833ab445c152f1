// IDCAS H5 pages (seed 002 H1–H4): an access `token` issued by /connect/token, and with
// encrypt_type=1 every other value 3DES-encrypted on its own. The values carry no integrity
// check at all, so authority comes only from the access token: it must carry the h5 scope, its
// client must act for the performing organization, and every use is audited.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { clientForToken, type AccessTokenVerifier } from '../auth/access-tokens';
import { tripleDesDecrypt } from '../crypto/dialect-crypto';
import { parseDate, parseQuery, repairBase64, requireAll, type LinkQuery } from './query';
import type { ClientKeys } from './clients';
import { LinkRejection, type LinkContext, type LinkPage } from './types';

export type H5Page = Extract<LinkPage, 'h5-report-list' | 'h5-exam-detail' | 'h5-lab-detail' | 'h5-exam-report'>;

export const H5_PAGES: Record<string, H5Page> = {
  'report-list': 'h5-report-list',
  'exam-detail': 'h5-exam-detail',
  'lab-detail': 'h5-lab-detail',
  'exam-report': 'h5-exam-report',
};

/** Values that stay plain even with encrypt_type=1. */
const PLAIN = new Set(['encrypt_type', 'nosearch', 'from', 'token', 'clinic_type']);

function reader(q: LinkQuery, client: ClientKeys, encrypted: boolean) {
  return (name: string): string | undefined => {
    const v = q.get(name)?.trim();
    if (!v) return undefined;
    if (!encrypted || PLAIN.has(name)) return v;
    try {
      return tripleDesDecrypt(repairBase64(v, name), client.desKey!, client.desIv!).trim() || undefined;
    } catch {
      // One answer for every undecryptable value: no padding oracle.
      throw new LinkRejection('MALFORMED_PARAMETER', `${name} does not decrypt under client ${client.id}`, [name]);
    }
  };
}

export async function verifyH5Link(page: H5Page, search: string, deps: { prisma: PrismaClient; now?: Date; accessTokens?: AccessTokenVerifier }): Promise<LinkContext> {
  const q = parseQuery(search);
  requireAll(q, ['token']);
  // Only a token with the h5 scope (a user's, never a system's API token) opens these pages.
  const found = await clientForToken(deps.prisma, q.require('token'), 'h5', { verifier: deps.accessTokens, now: deps.now });
  if (found === 'unknown') throw new LinkRejection('ACCESS_TOKEN_INVALID', 'access token unknown, expired or revoked');
  if (found === 'forbidden' || found.client.dialect !== 'IDCAS') throw new LinkRejection('ACCESS_TOKEN_INVALID', 'access token without the h5 scope, or not of an IDCAS client');
  const { client, holder } = found;
  const encrypted = page !== 'h5-exam-report' && q.get('encrypt_type')?.trim() === '1';
  const get = reader(q, client, encrypted);

  const orgCode = get('perform_org_code');
  if (!orgCode) throw new LinkRejection('MISSING_PARAMETER', 'missing perform_org_code', ['perform_org_code']);
  if (!client.orgCodes.includes(orgCode)) throw new LinkRejection('ORG_UNAUTHORIZED', `org ${orgCode} is not bound to client ${client.id}`);
  const base = {
    dialect: 'IDCAS' as const,
    page,
    clientId: client.id,
    caller: { kind: 'PATIENT' as const, clientId: client.id, orgCode, name: holder.subject },
    signatureHash: createHash('sha256').update(search).digest('hex'),
    fullyCovered: false,
    oneTime: false,
    issuedAt: null,
  };

  if (page === 'h5-report-list') {
    const identityType = get('identity_type');
    const identityNo = get('identity_no');
    if (!identityType || !identityNo) throw new LinkRejection('MISSING_PARAMETER', 'missing identity', ['identity_type', 'identity_no']);
    const ranges = {
      req: [get('req_time_start'), get('req_time_end')],
      perform: [get('perform_time_start'), get('perform_time_end')],
      report: [get('report_time_start'), get('report_time_end')],
    };
    const [start, end] = ranges.perform[0] || ranges.perform[1] ? ranges.perform : ranges.report[0] || ranges.report[1] ? ranges.report : ranges.req;
    if (!start && !end) throw new LinkRejection('MISSING_PARAMETER', 'no date range', ['perform_time_start', 'report_time_start', 'req_time_start']);
    return {
      ...base,
      // identity_type 1 is the resident ID card; other documents are matched as a card number.
      patient: identityType === '1' ? { idCardNo: identityNo } : { cardNo: identityNo },
      exams: { orgCode, examType: get('exam_type') },
      options: { nosearch: q.get('nosearch')?.trim() === 'true', startDate: parseDate(start, 'time_start'), endDate: parseDate(end, 'time_end') },
    };
  }
  const obsId = get('obs_id');
  if (obsId && !/^\d{1,10}$/.test(obsId)) throw new LinkRejection('MALFORMED_PARAMETER', 'obs_id is not an exam id', ['obs_id']);
  const accession = get('accession_number');
  const placer = get('placer_order_no');
  if (!obsId && !accession && !placer) throw new LinkRejection('MISSING_PARAMETER', 'no exam selector', ['obs_id', 'accession_number', 'placer_order_no']);
  return {
    ...base,
    patient: { orgCode, patientId: get('patient_id') },
    exams: { orgCode, examId: obsId ? Number(obsId) : undefined, accessionNumbers: accession ? [accession] : undefined, placerOrderNo: placer, examType: get('exam_type'), lab: page === 'h5-lab-detail' },
    options: {},
  };
}
