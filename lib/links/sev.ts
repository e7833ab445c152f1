// `sev` (seed 002): the Base64 RSA (PKCS#1 v1.5) ciphertext of a clinician account id, issued by
// the platform. We decrypt it with the client's RSA private key when one is configured (with
// node-forge: Node 20 refuses PKCS#1 v1.5 private decryption, CVE-2023-46809), else look it up
// among registered values — the seeds' example sevs can only be registered, their key is unpublished.
import forge from 'node-forge';
import type { PrismaClient } from '@prisma/client';
import type { ClientKeys } from './clients';
import { LinkRejection } from './types';

/** The account id a sev carries: "<org code>/<work no>". */
export function sevAccountId(orgCode: string, workNo: string): string {
  return `${orgCode}/${workNo}`;
}

export function encryptSev(accountId: string, publicKeyPem: string): string {
  const key = forge.pki.publicKeyFromPem(publicKeyPem);
  return forge.util.encode64(key.encrypt(forge.util.encodeUtf8(accountId), 'RSAES-PKCS1-V1_5'));
}

function decryptSev(sev: string, privateKeyPem: string): string | null {
  try {
    const key = forge.pki.privateKeyFromPem(privateKeyPem);
    return forge.util.decodeUtf8(key.decrypt(forge.util.decode64(sev), 'RSAES-PKCS1-V1_5'));
  } catch {
    return null;
  }
}

/** sev values are fixed per account, so a decryption is done once (node-forge's RSA takes ~30 ms). */
const decrypted = new Map<string, string | null>();
function decryptCached(sev: string, privateKeyPem: string): string | null {
  const key = `${privateKeyPem.length}:${privateKeyPem.slice(-40)}:${sev}`;
  if (!decrypted.has(key)) {
    if (decrypted.size > 10_000) decrypted.clear();
    decrypted.set(key, decryptSev(sev, privateKeyPem));
  }
  return decrypted.get(key)!;
}

type Account = { clinicianId: number; orgCode: string; workNo: string };

/** Resolved accounts, for a few seconds (like the clients): a HIS opens many links per account. */
const accounts = new Map<string, { at: number; prisma: PrismaClient; account: Account }>();
const ACCOUNT_CACHE_MS = 5_000;

export async function resolveSev(prisma: PrismaClient, client: ClientKeys, sev: string): Promise<Account> {
  const key = `${client.id}:${sev}`;
  const hit = accounts.get(key);
  if (hit && hit.prisma === prisma && Date.now() - hit.at < ACCOUNT_CACHE_MS) return hit.account;
  const account = await lookupSev(prisma, client, sev);
  if (accounts.size > 10_000) accounts.clear();
  accounts.set(key, { at: Date.now(), prisma, account });
  return account;
}

async function lookupSev(prisma: PrismaClient, client: ClientKeys, sev: string): Promise<Account> {
  const registered = await prisma.clinicianSev.findUnique({ where: { value: sev }, include: { clinician: { include: { organization: true } } } });
  if (registered && client.orgCodes.includes(registered.clinician.organization.code)) {
    return { clinicianId: registered.clinicianId, orgCode: registered.clinician.organization.code, workNo: registered.clinician.workNo };
  }
  if (client.rsaPrivateKey) {
    const m = decryptCached(sev, client.rsaPrivateKey)?.match(/^([^/]+)\/(.+)$/);
    if (m) {
      const c = await prisma.clinician.findFirst({ where: { workNo: m[2], organization: { code: m[1] } }, include: { organization: true } });
      if (c && client.orgCodes.includes(c.organization.code)) return { clinicianId: c.id, orgCode: c.organization.code, workNo: c.workNo };
    }
  }
  throw new LinkRejection('ACCOUNT_UNAUTHORIZED', `sev is not a known account of client ${client.id}`);
}
