// Access tokens we issued: stored as a SHA-256 hash with their client, scopes and expiry. H5
// links, DICOMweb clients, the IDCAS WebApi (Bearer) and the Jilin X-Token present them; each
// asks for the one scope it needs (lib/auth/scopes.ts).
import { createHash } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { clientById, type ClientKeys } from '../links/clients';
import { storedScopes, type TokenScope } from './scopes';

export interface TokenHolder {
  clientId: number;
  subject: string;
  scopes: TokenScope[];
}

/** Who an access token belongs to and what it may do; null when unknown, expired or revoked. */
export interface AccessTokenVerifier {
  verify(token: string, now: Date): Promise<TokenHolder | null>;
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Rows seen in the last seconds: a viewer or PACS sends hundreds of requests per study. Expiry is
 * checked on every use; a revocation made by another process is seen within TOKEN_CACHE_MS.
 */
const TOKEN_CACHE_MS = 5_000;
type Row = { clientId: number; subject: string; scope: string | null; expiresAt: Date; revokedAt: Date | null } | null;
const rows = new Map<string, { at: number; prisma: PrismaClient; row: Row }>();

async function tokenRow(prisma: PrismaClient, hash: string): Promise<Row> {
  const hit = rows.get(hash);
  if (hit && hit.prisma === prisma && Date.now() - hit.at < TOKEN_CACHE_MS) return hit.row;
  const row = await prisma.accessToken.findUnique({ where: { hash }, select: { clientId: true, subject: true, scope: true, expiresAt: true, revokedAt: true } });
  if (rows.size > 10_000) rows.clear();
  rows.set(hash, { at: Date.now(), prisma, row });
  return row;
}

/** Tokens we issued, looked up by hash: live (not expired, not revoked) ones only. */
export function storedAccessTokens(prisma: PrismaClient): AccessTokenVerifier {
  return {
    async verify(token, now) {
      const row = await tokenRow(prisma, accessTokenHash(token));
      if (!row || row.revokedAt || row.expiresAt <= now) return null;
      return { clientId: row.clientId, subject: row.subject, scopes: storedScopes(row.scope) };
    },
  };
}

/**
 * The enabled client a live token belongs to, if the token carries `need`: 'unknown' for no,
 * an expired or a revoked token (401), 'forbidden' for a live token without the scope (403).
 * The client must still be allowed the scope: narrowing a client ends its tokens' wider use.
 */
export async function clientForToken(
  prisma: PrismaClient,
  token: string | null | undefined,
  need: TokenScope,
  o: { verifier?: AccessTokenVerifier; now?: Date } = {},
): Promise<{ client: ClientKeys; holder: TokenHolder } | 'unknown' | 'forbidden'> {
  const t = token?.trim();
  const holder = t ? await (o.verifier ?? storedAccessTokens(prisma)).verify(t, o.now ?? new Date()) : null;
  if (!holder) return 'unknown';
  const client = await clientById(prisma, holder.clientId);
  if (!client) return 'unknown';
  return holder.scopes.includes(need) && client.scopes.includes(need) ? { client, holder } : 'forbidden';
}

/** Ends tokens now: one token, or every live token of a client (a leaked credential). */
export async function revokeAccessTokens(prisma: PrismaClient, which: { token: string } | { clientId: number }): Promise<number> {
  const where = 'token' in which ? { hash: accessTokenHash(which.token) } : { clientId: which.clientId };
  const { count } = await prisma.accessToken.updateMany({ where: { ...where, revokedAt: null, expiresAt: { gt: new Date() } }, data: { revokedAt: new Date() } });
  rows.clear();
  return count;
}
