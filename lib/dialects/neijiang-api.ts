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

export const SMR = {
  ok: (result: unknown = '') => NextResponse.json({ code: 'N0000', message: '成功', result }),
  failed: (message: string) => NextResponse.json({ code: 'E0000', message, result: '' }),
  badSign: () => NextResponse.json({ code: 'E9000', message: '签名错误', result: '' }),
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

/** The calling client, or the envelope to answer with. */
export async function smrClient(prisma: PrismaClient, headers: Headers, f: SignedFields): Promise<ClientKeys | NextResponse> {
  const accessKey = headers.get('accesskey')?.trim();
  const sign = headers.get('sign')?.trim();
  if (!accessKey || !sign) return SMR.badSign();
  const client = await clientByKey(prisma, 'NEIJIANG', accessKey);
  if (!client?.secret) return SMR.badSign();
  const ordered = (['hospitalCode', 'idCard', 'smrCode', 'timeStamp', 'opName', 'opUid', 'reportRequired'] as const)
    .filter((k) => f[k] !== undefined && f[k] !== '')
    .map((k) => [k, f[k]!] as [string, string]);
  const { full, short } = smrSign(accessKey, ordered, client.secret);
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
