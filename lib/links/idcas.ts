// IDCAS PC pages (seed 002 P1–P3, R3): `token` (3DES JSON) + `sev` + `timestamp` + `sign`
// (MD5 of token+sev+timestamp+md5Key). The link names no client, so the sign is checked against
// each IDCAS client's MD5 key; the one that matches is the client, and only then is anything
// decrypted. Where the spec leaves parameters outside the sign (P2's exam selectors, all of P3),
// our strict variant adds `psign` over every parameter; without it such links are one-time,
// short-lived and bound to the patient the signed part names.
import { z } from 'zod';
import type { PrismaClient } from '@prisma/client';
import { idcasSign, md5Hex, safeEqualHex, tripleDesDecrypt } from '../crypto/dialect-crypto';
import { clientsOf, type ClientKeys } from './clients';
import { checkFreshness, parseLinkTime, signatureHash } from './freshness';
import { optionalDate, parseQuery, repairBase64, requireAll, type LinkQuery } from './query';
import { resolveSev } from './sev';
import { LinkRejection, type LinkContext, type LinkPage } from './types';

export type IdcasPage = Extract<LinkPage, 'clinicview' | 'exam-report' | 'repeat-reminder' | 'recognition'>;

/** Pages whose selectors the spec's sign does not cover: one-time and short-lived unless `psign` covers them. */
const WEAK_PAGES: ReadonlySet<IdcasPage> = new Set(['exam-report', 'repeat-reminder']);
/** Window for links with unsigned selectors, seconds (capped below the client's own). */
export const WEAK_LINK_WINDOW_SECONDS = 300;

const str = z.union([z.string(), z.number()]).transform((v) => String(v).trim()).optional().default('');

/** P1/P2 token JSON (P2 documents no fields; in practice it carries P1's). */
const PatientToken = z.object({
  work_no: str,
  org_code: str,
  med_rec_no: str,
  visit_id: str,
  accession_number: str,
  id_card_no: str,
  patient_name: str,
  placer_order_no: str,
});

/** R3 token JSON: every field the recognition page needs. */
const RecognitionToken = z.object({
  visit_id: str,
  org_code: str,
  depart_code: str,
  depart_name: str,
  doctor_no: str,
  doctor_name: str,
  doctor_id_card: str,
  card_type: str,
  card_no: str,
  id_card_no: str,
  patient_name: str,
  patient_sex: str,
  patient_age: str,
  age_unit: str,
  ip_address: str,
  ip_mac: str,
  req_type: str,
  observation_item: str,
});
const RECOGNITION_REQUIRED = ['visit_id', 'org_code', 'depart_code', 'depart_name', 'doctor_no', 'doctor_name', 'card_type', 'id_card_no', 'patient_name', 'req_type'] as const;

/** Canonical string our strict variant signs: every parameter but sign/psign, sorted by name. */
export function canonicalParams(entries: readonly [string, string][]): string {
  return entries
    .filter(([n]) => n !== 'sign' && n !== 'psign')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

export function strictSign(entries: readonly [string, string][], md5Key: string): string {
  return md5Hex(canonicalParams(entries) + md5Key);
}

function decodeToken(raw: string, client: ClientKeys): Record<string, unknown> {
  try {
    const json = JSON.parse(tripleDesDecrypt(raw, client.desKey!, client.desIv!));
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object');
    // Vendors' JSON sometimes pads keys with spaces.
    return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k.trim(), v]));
  } catch {
    // The sign matched, so the signer's own key or format is wrong; answer exactly as for a bad sign.
    throw new LinkRejection('BAD_SIGNATURE', `token of client ${client.id} does not decrypt to JSON`);
  }
}

function parseToken<T extends z.ZodTypeAny>(schema: T, json: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(json);
  if (!r.success) throw new LinkRejection('MALFORMED_PARAMETER', `token fields: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`, ['token']);
  return r.data;
}

function findClient(clients: ClientKeys[], token: string, sev: string, timestamp: string, sign: string): ClientKeys {
  const client = clients.find((c) => c.md5Key && safeEqualHex(idcasSign(token, sev, timestamp, c.md5Key), sign));
  if (!client) throw new LinkRejection('BAD_SIGNATURE', `sign matches no IDCAS client (${clients.length} tried)`);
  return client;
}

function requireOrg(client: ClientKeys, orgCode: string, field: string): void {
  if (!orgCode) throw new LinkRejection('MISSING_PARAMETER', `token lacks ${field}`, [field]);
  if (!client.orgCodes.includes(orgCode)) throw new LinkRejection('ORG_UNAUTHORIZED', `org ${orgCode} is not bound to client ${client.id}`);
}

export interface VerifyDeps {
  prisma: PrismaClient;
  now?: Date;
}

export async function verifyIdcasLink(page: IdcasPage, search: string, deps: VerifyDeps): Promise<LinkContext> {
  const q = parseQuery(search);
  const hasToken = page !== 'repeat-reminder';
  requireAll(q, [...(hasToken ? ['token'] : []), 'sev', 'timestamp', 'sign']);
  const token = hasToken ? repairBase64(q.require('token'), 'token') : '';
  const sev = repairBase64(q.require('sev'), 'sev');
  const timestamp = q.require('timestamp').trim();
  const sign = q.require('sign').trim();
  if (!/^[0-9A-Fa-f]{32}$/.test(sign)) throw new LinkRejection('MALFORMED_PARAMETER', 'sign is not 32 hex characters', ['sign']);

  const client = findClient(await clientsOf(deps.prisma, 'IDCAS'), token, sev, timestamp, sign);
  const now = deps.now ?? new Date();
  const issuedAt = parseLinkTime(timestamp, 'china', 'timestamp');

  const psign = q.get('psign')?.trim();
  if (psign !== undefined && !safeEqualHex(strictSign(q.entries, client.md5Key!), psign)) {
    throw new LinkRejection('BAD_SIGNATURE', `psign does not match (client ${client.id})`);
  }
  if (client.strictLinks && psign === undefined && WEAK_PAGES.has(page)) throw new LinkRejection('STRICT_REQUIRED', `client ${client.id} requires psign on ${page}`, ['psign']);
  const fullyCovered = psign !== undefined || !WEAK_PAGES.has(page);
  const weak = !fullyCovered;
  checkFreshness(issuedAt, weak ? { ...client, clockWindowSeconds: Math.min(client.clockWindowSeconds, WEAK_LINK_WINDOW_SECONDS) } : client, sign, now);

  const account = await resolveSev(deps.prisma, client, sev);
  const base = {
    dialect: 'IDCAS' as const,
    page,
    clientId: client.id,
    signatureHash: signatureHash(sign),
    fullyCovered,
    oneTime: client.oneTimeSignatures || weak,
    issuedAt,
  };

  if (page === 'recognition') {
    const t = parseToken(RecognitionToken, decodeToken(token, client));
    const missing = RECOGNITION_REQUIRED.filter((f) => !t[f]);
    if ((t.req_type === '3103' || t.req_type === '3104') && !t.observation_item) missing.push('observation_item' as never);
    if (missing.length) throw new LinkRejection('INCOMPLETE_TOKEN', `recognition token lacks ${missing.join(', ')}`, [...missing]);
    requireOrg(client, t.org_code, 'org_code');
    if (!['3101', '3103', '3104'].includes(t.req_type)) throw new LinkRejection('MALFORMED_PARAMETER', 'req_type is not 3101/3103/3104', ['req_type']);
    return {
      ...base,
      caller: { kind: 'CLINICIAN', clientId: client.id, orgCode: t.org_code, workNo: t.doctor_no, name: t.doctor_name, deptCode: t.depart_code, deptName: t.depart_name, accountClinicianId: account.clinicianId, ipAddress: t.ip_address || undefined, mac: t.ip_mac || undefined },
      patient: { idCardNo: t.id_card_no, name: t.patient_name, cardNo: t.card_no || undefined },
      exams: {},
      options: {
        recognition: {
          visitId: t.visit_id,
          reqType: t.req_type,
          observationItems: t.observation_item.split(/[,，]/).map((s) => s.trim()).filter(Boolean),
          patientSex: t.patient_sex,
          patientAge: t.patient_age,
          ageUnit: t.age_unit,
          cardType: t.card_type,
        },
      },
    };
  }

  if (page === 'repeat-reminder') return repeatReminder(q, base, client, account.clinicianId, account.orgCode, account.workNo);

  const t = parseToken(PatientToken, decodeToken(token, client));
  requireOrg(client, t.org_code, 'org_code');
  if (!t.work_no) throw new LinkRejection('MISSING_PARAMETER', 'token lacks work_no', ['work_no']);
  // The token's selectors are signed: they name the patient, exam numbers included.
  const patient = {
    orgCode: t.org_code,
    medRecNo: t.med_rec_no || undefined,
    visitNo: t.visit_id || undefined,
    idCardNo: t.id_card_no || undefined,
    name: t.patient_name || undefined,
    accessionNumber: t.accession_number || undefined,
    placerOrderNo: t.placer_order_no || undefined,
  };
  const caller = { kind: 'CLINICIAN' as const, clientId: client.id, orgCode: t.org_code, workNo: t.work_no, accountClinicianId: account.clinicianId };

  if (page === 'clinicview') {
    const named = t.med_rec_no || t.visit_id || t.accession_number || t.id_card_no || t.patient_name || t.placer_order_no;
    if (!named) throw new LinkRejection('MISSING_PARAMETER', 'token names no patient', ['med_rec_no', 'visit_id', 'accession_number', 'id_card_no', 'patient_name', 'placer_order_no']);
    return {
      ...base,
      caller,
      patient,
      exams: {},
      options: { nosearch: q.get('nosearch')?.trim().toLowerCase() === 'true', startDate: optionalDate(q, 'start_time'), endDate: optionalDate(q, 'end_time') },
    };
  }

  // exam-report: the exam selectors are plain parameters; the token's own selectors are signed.
  const obsId = q.get('obs_id')?.trim();
  if (obsId && !/^\d{1,10}$/.test(obsId)) throw new LinkRejection('MALFORMED_PARAMETER', 'obs_id is not an exam id', ['obs_id']);
  const selectors = {
    orgCode: q.get('perform_org_code')?.trim() || undefined,
    examId: obsId ? Number(obsId) : undefined,
    accessionNumbers: q.get('accession_number')?.trim() ? [q.get('accession_number')!.trim()] : undefined,
    placerOrderNo: q.get('placer_order_no')?.trim() || undefined,
    examType: q.get('exam_type')?.trim() || undefined,
  };
  const tokenNamesPatient = Boolean(t.med_rec_no || t.visit_id || t.id_card_no || t.accession_number || t.placer_order_no);
  if (!fullyCovered && !tokenNamesPatient) {
    throw new LinkRejection('STRICT_REQUIRED', 'exam-report with unsigned exam selectors and no patient in the token', ['psign']);
  }
  const plainSelector = selectors.examId !== undefined || selectors.accessionNumbers || selectors.placerOrderNo;
  if (!plainSelector && !tokenNamesPatient) {
    throw new LinkRejection('MISSING_PARAMETER', 'no exam selector', ['obs_id', 'accession_number', 'placer_order_no']);
  }
  // Without plain selectors the exam is the one the token names (or the token's patient's exams).
  const exams = plainSelector
    ? selectors
    : { orgCode: t.org_code, accessionNumbers: t.accession_number ? [t.accession_number] : undefined, placerOrderNo: t.placer_order_no || undefined };
  return { ...base, caller, patient, exams, options: {} };
}

function repeatReminder(
  q: LinkQuery,
  base: Omit<LinkContext, 'caller' | 'patient' | 'exams' | 'options'>,
  client: ClientKeys,
  clinicianId: number,
  accountOrg: string,
  accountWorkNo: string,
): LinkContext {
  requireAll(q, ['clinic_type', 'id_card_no']);
  const clinicType = q.require('clinic_type').trim();
  if (clinicType !== '0' && clinicType !== '1') throw new LinkRejection('MALFORMED_PARAMETER', 'clinic_type is not 0 or 1', ['clinic_type']);
  const idCardNo = q.require('id_card_no').trim();
  let bodyPart = q.get('exam_body_part')?.trim() ?? '';
  // The seed's own example glues the ID-card number onto the body part (头部230101…); take it off.
  if (bodyPart.endsWith(idCardNo)) bodyPart = bodyPart.slice(0, -idCardNo.length).trim();
  const items = (q.get('exam_item') ?? '').split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  if (clinicType === '0' && !bodyPart) throw new LinkRejection('MISSING_PARAMETER', 'exam_body_part required for clinic_type=0', ['exam_body_part']);
  if (clinicType === '1' && !items.length) throw new LinkRejection('MISSING_PARAMETER', 'exam_item required for clinic_type=1', ['exam_item']);
  const userOrg = q.get('user_org_code')?.trim();
  if (userOrg && !client.orgCodes.includes(userOrg)) throw new LinkRejection('ORG_UNAUTHORIZED', `org ${userOrg} is not bound to client ${client.id}`);
  return {
    ...base,
    caller: {
      kind: 'CLINICIAN',
      clientId: client.id,
      orgCode: userOrg || accountOrg,
      workNo: q.get('user_id')?.trim() || accountWorkNo,
      name: q.get('user_name')?.trim() || undefined,
      accountClinicianId: clinicianId,
    },
    patient: { idCardNo, name: q.get('patient_name')?.trim() || undefined },
    exams: {},
    options: {
      clinicType: clinicType === '0' ? 0 : 1,
      bodyPart: bodyPart || undefined,
      items: items.length ? items : undefined,
      examType: q.get('exam_type')?.trim() || undefined,
      startDate: optionalDate(q, 'start_perform_date'),
      endDate: optionalDate(q, 'end_perform_date'),
    },
  };
}
