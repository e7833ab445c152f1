// Neijiang 501/502 mutual-recognition API edge (seed 001 §8.2): headers accessKey + sign (rule D:
// MD5 over accessKey + hospitalCode=…&idCard=…[&smrCode=…]&timeStamp=…&opName=…&opUid=…[&reportRequired=…]
// + accessSecret, in that order, upper-case; the full 32 characters or the middle 16), timeStamp in
// ms inside the client's window; envelope {code: N0000|E0000|E9000, message, result}.
import { NextResponse } from 'next/server';
import type { PrismaClient } from '@prisma/client';
import { safeEqualHex, smrSign } from '../crypto/dialect-crypto';
import { clientByKey, type ClientKeys } from '../links/clients';
import { checkFreshness, parseLinkTime } from '../links/freshness';
import { LinkRejection } from '../links/types';
import type { BodyRefusal } from '../http/body';
import { text } from './lenient-json';

export const SMR = {
  ok: (result: unknown = '') => NextResponse.json({ code: 'N0000', message: '成功', result }),
  failed: (message: string) => NextResponse.json({ code: 'E0000', message, result: '' }),
  badSign: () => NextResponse.json({ code: 'E9000', message: '签名错误', result: '' }),
  /** A body that is not one JSON object of at most JSON_MAX_BYTES. */
  refused: (why: BodyRefusal) =>
    why === 'too-large' ? NextResponse.json({ code: 'E0000', message: '请求体过大', result: '' }, { status: 413 }) : SMR.failed('参数缺失或不正确'),
};

export interface SignedFields {
  hospitalCode?: string;
  idCard?: string;
  smrCode?: string;
  timeStamp?: string;
  opName?: string;
  opUid?: string;
  reportRequired?: string;
}

/** The signed fields as 501/502 requests name them (ICCard or idCard, opUid or opUId). */
export function smrFields(b: Record<string, unknown>): SignedFields {
  return { hospitalCode: text(b, 'hospitalCode'), idCard: text(b, 'ICCard') ?? text(b, 'idCard'), smrCode: text(b, 'smrCode'), timeStamp: text(b, 'timeStamp'), opName: text(b, 'opName'), opUid: text(b, 'opUid') ?? text(b, 'opUId') };
}

/** A caller named by its headers: a known accessKey and a sign still to be checked against the fields. */
export interface SmrCaller {
  client: ClientKeys;
  accessKey: string;
  secret: string;
  sign: string;
}

/**
 * What the headers alone can settle, before a body is read: the accessKey names a client of ours
 * and a sign is present. The sign covers body fields, so smrVerify checks it once they are read.
 */
export async function smrCaller(prisma: PrismaClient, headers: Headers): Promise<SmrCaller | NextResponse> {
  const accessKey = headers.get('accesskey')?.trim();
  const sign = headers.get('sign')?.trim();
  if (!accessKey || !sign) return SMR.badSign();
  const client = await clientByKey(prisma, 'NEIJIANG', accessKey);
  if (!client?.secret) return SMR.badSign();
  return { client, accessKey, secret: client.secret, sign };
}

/** The calling client once the sign matches the fields and the timestamp is fresh, or the envelope to answer with. */
export function smrVerify({ client, accessKey, secret, sign }: SmrCaller, f: SignedFields): ClientKeys | NextResponse {
  const ordered = (['hospitalCode', 'idCard', 'smrCode', 'timeStamp', 'opName', 'opUid', 'reportRequired'] as const)
    .filter((k) => f[k] !== undefined && f[k] !== '')
    .map((k) => [k, f[k]!] as [string, string]);
  const { full, short } = smrSign(accessKey, ordered, secret);
  if (!safeEqualHex(sign, full) && !safeEqualHex(sign, short)) return SMR.badSign();
  try {
    checkFreshness(parseLinkTime(f.timeStamp ?? '', 'epoch-millis', 'timeStamp'), client, sign, new Date());
  } catch (e) {
    if (e instanceof LinkRejection) return SMR.failed(e.reason === 'EXPIRED' ? '时间戳已过期' : '时间戳格式错误');
    throw e;
  }
  if (f.hospitalCode && !client.orgCodes.includes(f.hospitalCode)) return SMR.failed('医院未授权');
  return client;
}
