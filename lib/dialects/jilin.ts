// Jilin (seed 000) interface edge: the {code, msg[, datas]} envelope with the spec's exact
// messages, and the X-Token check (tokens come from getToken; until that lands, any token we
// issued for a JILIN client with the jilin-api scope).
import type { PrismaClient } from '@prisma/client';
import { NextResponse } from 'next/server';
import { clientForToken } from '../auth/access-tokens';
import { readJsonObject } from '../http/body';
import type { ClientKeys } from '../links/clients';
import { parseChinaDateTime } from '../time';
import { parseLenientJson } from './lenient-json';

export const JILIN = {
  ok: { code: 200, msg: '操作成功' },
  uploaded: { code: 200, msg: '上传成功！' },
  badInput: { code: 400, msg: '入参不规范' },
  unauthorized: { code: 403, msg: '授权校验失败' },
  noData: { code: 404, msg: '未查询到数据！' },
  uploadFailed: { code: 503, msg: '上传失败' },
  queryFailed: { code: 503, msg: '查询失败' },
  /** Not in the spec's table: a body over our cap (HTTP 413 too). */
  tooLarge: { code: 413, msg: '请求体过大' },
} as const;

/** The body carries the code; the HTTP status repeats it where it is an HTTP status (clients check either). */
export function jilinReply(e: { code: number; msg: string }, datas?: unknown): NextResponse {
  const status = [200, 400, 403, 404, 409, 413, 503].includes(e.code) ? e.code : 200;
  return NextResponse.json(datas === undefined ? { code: e.code, msg: e.msg } : { code: e.code, msg: e.msg, datas }, { status });
}

/** The Jilin client an X-Token with the jilin-api scope belongs to, or null. */
export async function jilinClient(prisma: PrismaClient, xToken: string | null): Promise<ClientKeys | null> {
  const found = await clientForToken(prisma, xToken, 'jilin-api');
  return typeof found === 'object' && found.client.dialect === 'JILIN' ? found.client : null;
}

/** Form and JSON fields as the spec's examples send them: keys padded with spaces, values too. */
export function field(get: (name: string) => unknown, name: string): string | undefined {
  const v = get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A Jilin JSON request: X-Token client first, then the lenient body (capped); either failure is the spec's envelope. */
export async function jilinRequest(prisma: PrismaClient, request: Request): Promise<{ client: ClientKeys; body: Record<string, unknown> } | NextResponse> {
  const client = await jilinClient(prisma, request.headers.get('x-token'));
  if (!client) return jilinReply(JILIN.unauthorized);
  const body = await readJsonObject(request, { parse: parseLenientJson });
  if (typeof body === 'string') return jilinReply(body === 'too-large' ? JILIN.tooLarge : JILIN.badInput);
  return { client, body };
}

/** DT15 as the examples write it: yyyy-MM-dd HH:mm:ss (also compact yyyyMMddHHmmss), China time. */
export function jilinTime(v: string | undefined): Date | null {
  return v ? parseChinaDateTime(v) : null;
}

/** The organization a request acts for: hospitalCode when given (it must be the client's), else the client's only one. */
export function actingOrg(client: ClientKeys, hospitalCode: string | undefined): string | null | 'forbidden' {
  if (hospitalCode) return client.orgCodes.includes(hospitalCode) ? hospitalCode : 'forbidden';
  return client.orgCodes.length === 1 ? client.orgCodes[0] : null;
}
