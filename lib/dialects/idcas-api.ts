// IDCAS WebApi edge (seed 002 R1/R2 …): Bearer access tokens, `{code, msg, data}` with code 0
// success / -1 failure (the spec's A2 convention; no other values are given).
import { NextResponse } from 'next/server';
import type { PrismaClient } from '@prisma/client';
import { clientForToken } from '../auth/access-tokens';
import type { BodyRefusal } from '../http/body';
import type { ClientKeys } from '../links/clients';

export function idcasReply(data?: unknown, msg = '成功'): NextResponse {
  return NextResponse.json(data === undefined ? { code: 0, msg } : { code: 0, msg, data });
}

export function idcasFailure(msg: string, status = 400): NextResponse {
  return NextResponse.json({ code: -1, msg }, { status });
}

/** A body that is not one JSON object of at most JSON_MAX_BYTES. */
export function idcasBodyRefused(why: BodyRefusal): NextResponse {
  return why === 'too-large' ? idcasFailure('请求体过大', 413) : idcasFailure('参数错误：请求体须为一个 JSON 对象');
}

/** The IDCAS client of a Bearer token with the idcas-api scope (an H5 user's token calls no API). */
export async function idcasClientOf(prisma: PrismaClient, authorization: string | null): Promise<ClientKeys | null> {
  const found = await clientForToken(prisma, authorization?.match(/^Bearer\s+(\S+)$/i)?.[1], 'idcas-api');
  return typeof found === 'object' && found.client.dialect === 'IDCAS' ? found.client : null;
}
