// Neijiang (seed 001) links:
// - /dimage/index.html?stm&channel: `channel` is AES-128-CBC (per-hospital key) of
//   HIS#ACCESSIONNUMBER#hospital#accession#yyyyMMdd#epochMillis#Isai#Isskip. There is no MAC,
//   so the plaintext is checked strictly (CBC tampering garbles a whole block) and the hospital
//   inside must equal `stm`.
// - report QR /dimage/index.html?accessionNumber=<AES hex>[,…]&hsCode&date: printed on paper, so
//   no timestamp; a plain PatientId/studyUid QR is refused unless the hospital's client allows it.
// - /open/index.html: accessKey + sign by the "#" rule (B) over accesskey, hospitalId, the query
//   key/value and timeStamp (ms); both readings of the printed rule are accepted.
import type { PrismaClient } from '@prisma/client';
import { aesHexDecrypt, neijiangHashRuleSign, safeEqualHex } from '../crypto/dialect-crypto';
import { clientByKey, clientForOrg, type ClientKeys } from './clients';
import { checkFreshness, parseLinkTime, signatureHash } from './freshness';
import { parseQuery, repairHex, requireAll } from './query';
import { LinkRejection, type LinkContext } from './types';

const CHANNEL = /^HIS#ACCESSIONNUMBER#([A-Za-z0-9_.-]{1,40})#([A-Za-z0-9_.-]{1,64})#(\d{8})#(\d{13})#([01])#([01]{2})$/;
const ACCESSION = /^[A-Za-z0-9_.-]{1,64}$/;

function ymd(v: string): string {
  return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
}

function decrypt(hex: string, client: ClientKeys): string {
  if (!client.aesKey || !client.aesIv) throw new LinkRejection('BAD_SIGNATURE', `client ${client.id} has no AES key`);
  try {
    return aesHexDecrypt(hex, client.aesKey, client.aesIv);
  } catch {
    throw new LinkRejection('BAD_SIGNATURE', `AES value does not decrypt under client ${client.id}`);
  }
}

async function hospitalClient(prisma: PrismaClient, code: string): Promise<ClientKeys> {
  const client = await clientForOrg(prisma, 'NEIJIANG', code);
  if (!client) throw new LinkRejection('ORG_UNAUTHORIZED', `no Neijiang client for hospital ${code}`);
  return client;
}

export async function verifyDimageLink(search: string, deps: { prisma: PrismaClient; now?: Date }): Promise<LinkContext> {
  const q = parseQuery(search);
  const imageOnly = q.get('mode')?.trim() === 'imageOnly';
  if (q.has('channel') || q.has('stm')) {
    requireAll(q, ['stm', 'channel']);
    const stm = q.require('stm').trim();
    const channel = repairHex(q.require('channel'), 'channel');
    const client = await hospitalClient(deps.prisma, stm);
    const m = decrypt(channel, client).match(CHANNEL);
    // A wrong key, a tampered block or another hospital's channel all read as "signature invalid".
    if (!m || m[1] !== stm) throw new LinkRejection('BAD_SIGNATURE', `channel plaintext malformed or for another hospital (client ${client.id})`);
    const [, hospital, accession, studyDate, millis, isai, isskip] = m;
    const issuedAt = parseLinkTime(millis, 'epoch-millis', 'channel timeStamp');
    checkFreshness(issuedAt, client, channel, deps.now ?? new Date());
    return {
      dialect: 'NEIJIANG',
      page: 'dimage',
      clientId: client.id,
      caller: { kind: 'CLIENT', clientId: client.id, orgCode: hospital },
      patient: {},
      exams: { orgCode: hospital, accessionNumbers: [accession], date: ymd(studyDate) },
      options: { imageOnly, showAi: isai === '1', feeCheck: isskip[0] === '1', privacyCheck: isskip[1] === '1' },
      signatureHash: signatureHash(channel),
      fullyCovered: true,
      oneTime: client.oneTimeSignatures,
      issuedAt,
    };
  }

  requireAll(q, ['hsCode', 'date']);
  const hsCode = q.require('hsCode').trim();
  const date = q.require('date').trim();
  if (!/^\d{8}$/.test(date)) throw new LinkRejection('MALFORMED_PARAMETER', 'date is not yyyyMMdd', ['date']);
  const client = await hospitalClient(deps.prisma, hsCode);
  const encrypted = (q.get('accessionNumber') ?? '').split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  const patientId = q.get('PatientId')?.trim() || undefined;
  const studyUid = q.get('studyUid')?.trim() || undefined;
  if (!encrypted.length && !patientId && !studyUid) throw new LinkRejection('MISSING_PARAMETER', 'QR names no exam', ['accessionNumber', 'PatientId', 'studyUid']);
  if (!encrypted.length && !client.allowPlainQr) throw new LinkRejection('PLAIN_QR_REFUSED', `plain QR refused by client ${client.id}`);
  if (studyUid && !/^[0-9.]{1,64}$/.test(studyUid)) throw new LinkRejection('MALFORMED_PARAMETER', 'studyUid is not a UID', ['studyUid']);
  const accessions = encrypted.map((hex) => {
    const a = decrypt(repairHex(hex, 'accessionNumber'), client);
    if (!ACCESSION.test(a)) throw new LinkRejection('BAD_SIGNATURE', `accessionNumber plaintext malformed (client ${client.id})`);
    return a;
  });
  return {
    dialect: 'NEIJIANG',
    page: 'dimage-qr',
    clientId: client.id,
    caller: { kind: 'PATIENT', clientId: client.id, orgCode: hsCode },
    patient: { orgCode: hsCode, patientId },
    exams: { orgCode: hsCode, accessionNumbers: accessions.length ? accessions : undefined, studyInstanceUid: studyUid, date: ymd(date) },
    options: { imageOnly, reportSource: q.get('rs')?.trim() || 'FTImage' },
    signatureHash: signatureHash(encrypted.join(',') || `${hsCode}|${patientId ?? ''}|${studyUid ?? ''}|${date}`),
    fullyCovered: accessions.length > 0,
    oneTime: false,
    issuedAt: null,
  };
}

const QUERY_KEYS = ['patIcCard', 'patNo', 'clinicId'] as const;

export async function verifyOpenLink(search: string, deps: { prisma: PrismaClient; now?: Date }): Promise<LinkContext> {
  const q = parseQuery(search);
  requireAll(q, ['accessKey', 'sign', 'queryKey', 'queryValue', 'timeStamp']);
  const accessKey = q.require('accessKey').trim();
  const sign = q.require('sign').trim();
  const queryKey = q.require('queryKey').trim() as (typeof QUERY_KEYS)[number];
  if (!QUERY_KEYS.includes(queryKey)) throw new LinkRejection('MALFORMED_PARAMETER', 'queryKey is not patIcCard/patNo/clinicId', ['queryKey']);
  const queryValue = q.require('queryValue').trim();
  const timeStamp = q.require('timeStamp').trim();
  const hospital = (q.get('hospitalCode') ?? q.get('hsCode') ?? '').trim();
  const client = await clientByKey(deps.prisma, 'NEIJIANG', accessKey);
  if (!client?.secret) throw new LinkRejection('BAD_SIGNATURE', 'unknown accessKey');
  const ok = (['hash-separated', 'plain'] as const).some((variant) =>
    safeEqualHex(neijiangHashRuleSign(accessKey, hospital, { key: queryKey, value: queryValue }, timeStamp, client.secret!, variant), sign),
  );
  if (!ok) throw new LinkRejection('BAD_SIGNATURE', `sign does not match (client ${client.id})`);
  const issuedAt = parseLinkTime(timeStamp, 'epoch-millis', 'timeStamp');
  checkFreshness(issuedAt, client, sign, deps.now ?? new Date());
  if (hospital && !client.orgCodes.includes(hospital)) throw new LinkRejection('ORG_UNAUTHORIZED', `org ${hospital} is not bound to client ${client.id}`);
  const orgCode = hospital || client.orgCodes[0];
  return {
    dialect: 'NEIJIANG',
    page: 'open',
    clientId: client.id,
    caller: { kind: 'CLIENT', clientId: client.id, orgCode },
    patient:
      queryKey === 'patIcCard' ? { idCardNo: queryValue } : queryKey === 'patNo' ? { orgCode, patientId: queryValue } : { orgCode, visitNo: queryValue },
    exams: {},
    options: {},
    signatureHash: signatureHash(sign),
    fullyCovered: true,
    oneTime: client.oneTimeSignatures,
    issuedAt,
  };
}
