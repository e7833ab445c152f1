// Short links that open a viewing session made when they were issued (APIs whose answer must be
// short, e.g. IDCAS R1's ≤ 128-character page address).
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { openSecret, sealSecret } from './crypto/pii';
import { config } from './config';

const LIFETIME_MS = 30 * 60_000;

export async function issueShortLink(prisma: PrismaClient, session: { ref: string; secret: string }): Promise<string> {
  const code = randomBytes(9).toString('base64url');
  await prisma.shortLink.create({ data: { code, sessionId: session.ref, secretCipher: sealSecret(session.secret), expiresAt: new Date(Date.now() + LIFETIME_MS) } });
  return `${config.publicBaseUrl}/r/${code}`;
}

export async function redeemShortLink(prisma: PrismaClient, code: string): Promise<{ ref: string; secret: string; expiresAt: Date } | null> {
  if (!/^[A-Za-z0-9_-]{12}$/.test(code)) return null;
  const link = await prisma.shortLink.findUnique({ where: { code } });
  if (!link || link.expiresAt <= new Date()) return null;
  const session = await prisma.viewSession.findUnique({ where: { id: link.sessionId } });
  if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
  return { ref: session.id, secret: openSecret(link.secretCipher), expiresAt: session.expiresAt };
}
