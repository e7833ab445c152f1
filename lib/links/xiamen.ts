// Xiamen IDCAS pages (seed 004 §5.1.6): `token` = UPPER(MD5(UTF-16LE(values of every other
// parameter, URL-decoded, in URL order) + secret)); the client is named by CustomerGuid/UserUID;
// `Timestamp` is Unix seconds. The spec's ClinicExamList/RelatedExamList examples carry no token
// and no Timestamp: we require both on every page (an unsigned link would open any patient).
import type { PrismaClient } from '@prisma/client';
import { safeEqualHex, xiamenToken } from '../crypto/dialect-crypto';
import { clientByKey } from './clients';
import { checkFreshness, parseLinkTime, signatureHash } from './freshness';
import { parseQuery, requireAll, type LinkQuery } from './query';
import { LinkRejection, type LinkContext, type LinkPage } from './types';

export type XiamenPage = Extract<LinkPage, 'xiamen-exam-view' | 'xiamen-exam-list' | 'xiamen-related' | 'xiamen-exam'>;

export const XIAMEN_PAGES: Record<string, XiamenPage> = {
  ClinicExamView: 'xiamen-exam-view',
  ClinicExamList: 'xiamen-exam-list',
  RelatedExamList: 'xiamen-related',
  ClinicExam: 'xiamen-exam',
};

const opt = (q: LinkQuery, name: string) => q.get(name)?.trim() || undefined;

/**
 * The parameter names of the four pages. The token hashes values, not names, so a name the page
 * does not know could only be a renamed parameter: refused rather than ignored.
 */
const KNOWN = new Set([
  'CustomerGuid', 'UserUID', 'UserID', 'UserName', 'UserPwd', 'UserOrganizationID', 'UserOrganizationName', 'MedRecNO', 'IDCardNO',
  'HealthCardNO', 'InsuranceID', 'CardNO', 'Name', 'Sex', 'BirthDateStart', 'BirthDateEnd', 'VisitID', 'OutPatientNO', 'InPatientNO',
  'PlacerOrderNO', 'PlacerAssigningAuthority', 'FillerOrderNO', 'FillerAssigningAuthority', 'AccessionNumber', 'ServiceSectID',
  'PatientID', 'PIDAssigningAuthority', 'RequestDeptName', 'OrganizationID', 'PatientMasterID', 'RegTimeStart', 'RegTimeEnd',
  'ObservationDateStart', 'ObservationDateEnd', 'ObservationUID', 'ShowType', 'ShowClose', 'Timestamp', 'token',
]);

export async function verifyXiamenLink(page: XiamenPage, search: string, deps: { prisma: PrismaClient; now?: Date }): Promise<LinkContext> {
  const q = parseQuery(search);
  const unknown = q.entries.map(([n]) => n).filter((n) => !KNOWN.has(n));
  if (unknown.length) throw new LinkRejection('MALFORMED_PARAMETER', `unknown parameters ${unknown.join(', ')}`, unknown);
  const guid = opt(q, 'CustomerGuid') ?? opt(q, 'UserUID');
  if (!guid) throw new LinkRejection('MISSING_PARAMETER', 'missing CustomerGuid/UserUID', ['CustomerGuid']);
  requireAll(q, ['Timestamp', 'token']);
  const token = q.require('token').trim();
  if (!/^[0-9A-Fa-f]{32}$/.test(token)) throw new LinkRejection('MALFORMED_PARAMETER', 'token is not 32 hex characters', ['token']);
  const client = await clientByKey(deps.prisma, 'XIAMEN', guid);
  if (!client?.secret) throw new LinkRejection('BAD_SIGNATURE', 'unknown CustomerGuid');
  const values = q.entries.filter(([n]) => n !== 'token').map(([, v]) => v);
  if (!safeEqualHex(xiamenToken(values, client.secret), token)) throw new LinkRejection('BAD_SIGNATURE', `token does not match (client ${client.id})`);
  const issuedAt = parseLinkTime(q.require('Timestamp'), 'epoch-seconds', 'Timestamp');
  checkFreshness(issuedAt, client, token, deps.now ?? new Date());

  const userOrg = opt(q, 'UserOrganizationID');
  if (userOrg && !client.orgCodes.includes(userOrg)) throw new LinkRejection('ORG_UNAUTHORIZED', `org ${userOrg} is not bound to client ${client.id}`);
  const examOrg = opt(q, 'OrganizationID');
  const orgCode = userOrg ?? client.orgCodes[0];
  const patient = {
    orgCode: examOrg ?? orgCode,
    idCardNo: opt(q, 'IDCardNO'),
    healthCardNo: opt(q, 'HealthCardNO'),
    insuranceNo: opt(q, 'InsuranceID'),
    cardNo: opt(q, 'CardNO'),
    medRecNo: opt(q, 'MedRecNO'),
    visitNo: opt(q, 'VisitID') ?? opt(q, 'OutPatientNO') ?? opt(q, 'InPatientNO'),
    patientId: opt(q, 'PatientID'),
    name: opt(q, 'Name'),
  };
  const accession = opt(q, 'AccessionNumber');
  const exams = {
    orgCode: examOrg,
    accessionNumbers: accession ? [accession] : undefined,
    placerOrderNo: opt(q, 'PlacerOrderNO'),
    examType: opt(q, 'ServiceSectID'),
  };
  const namesPatient = [patient.idCardNo, patient.healthCardNo, patient.insuranceNo, patient.cardNo, patient.medRecNo, patient.visitNo, patient.patientId, patient.name].some(Boolean);
  const named = namesPatient || accession || exams.placerOrderNo || opt(q, 'ObservationUID') || opt(q, 'FillerOrderNO');
  if (!named) throw new LinkRejection('MISSING_PARAMETER', 'link names no patient or exam', ['MedRecNO', 'IDCardNO', 'AccessionNumber']);
  const showType = opt(q, 'ShowType');
  return {
    dialect: 'XIAMEN',
    page,
    clientId: client.id,
    caller: { kind: 'CLINICIAN', clientId: client.id, orgCode, workNo: opt(q, 'UserID'), name: opt(q, 'UserName') },
    patient,
    exams,
    options: {
      showType: showType && /^[0-4]$/.test(showType) ? Number(showType) : 0,
      showClose: opt(q, 'ShowClose') === '1',
      startDate: opt(q, 'ObservationDateStart')?.slice(0, 10),
      endDate: opt(q, 'ObservationDateEnd')?.slice(0, 10),
    },
    signatureHash: signatureHash(token),
    fullyCovered: true,
    oneTime: client.oneTimeSignatures,
    issuedAt,
  };
}
