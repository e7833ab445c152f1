// Access tokens we issued (IDCAS /connect/token, Jilin getToken): stored as a SHA-256 hash with
// their client and expiry. H5 links, DICOMweb clients and the Jilin X-Token present them.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';

/** Who an access token belongs to; issue #7's /connect/token writes them, this reads them. */
export interface AccessTokenVerifier {
  verify(token: string, now: Date): Promise<{ clientId: number; subject: string } | null>;
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Tokens we issued, looked up by hash and expiry. */
export function storedAccessTokens(prisma: PrismaClient): AccessTokenVerifier {
  return {
    async verify(token, now) {
      const row = await prisma.accessToken.findUnique({ where: { hash: accessTokenHash(token) } });
      return row && row.expiresAt > now ? { clientId: row.clientId, subject: row.subject } : null;
    },
  };
}

