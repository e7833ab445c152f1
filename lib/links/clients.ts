// Integration clients and their keys, read from the database (set with `npm run keys`).
// Secrets are stored sealed (lib/crypto/pii.ts) and opened here, in memory only.
import type { Dialect, IntegrationClient, Organization, PrismaClient } from '@prisma/client';
import { DEFAULT_CLIENT_SCOPES, isTokenScope, ScopeError, type TokenScope } from '../auth/scopes';
import { openSecret, sealSecret } from '../crypto/pii';

export interface ClientKeys {
  id: number;
  name: string;
  dialect: Dialect;
  clientKey: string;
  orgCodes: string[];
  secret?: string;
  desKey?: string;
  desIv?: string;
  md5Key?: string;
  aesKey?: string;
  aesIv?: string;
  rsaPrivateKey?: string;
  rsaPublicKey?: string;
  sm2PrivateKey?: string;
  sm2PublicKey?: string;
  clockWindowSeconds: number;
  acceptStaleExamples: boolean;
  oneTimeSignatures: boolean;
  strictLinks: boolean;
  allowPlainQr: boolean;
  /** Access-token scopes the client may be granted. */
  scopes: TokenScope[];
}

function open(v: string | null): string | undefined {
  return v ? openSecret(v) : undefined;
}

export function toClientKeys(c: IntegrationClient & { organizations: Pick<Organization, 'code'>[] }): ClientKeys {
  return {
    id: c.id,
    name: c.name,
    dialect: c.dialect,
    clientKey: c.clientKey,
    orgCodes: c.organizations.map((o) => o.code),
    secret: open(c.secretCipher),
    desKey: open(c.desKeyCipher),
    desIv: c.desIv ?? undefined,
    md5Key: open(c.md5KeyCipher),
    aesKey: open(c.aesKeyCipher),
    aesIv: c.aesIv ?? undefined,
    rsaPrivateKey: open(c.rsaPrivateKeyCipher),
    rsaPublicKey: c.rsaPublicKey ?? undefined,
    sm2PrivateKey: open(c.sm2PrivateKeyCipher),
    sm2PublicKey: c.sm2PublicKey ?? undefined,
    clockWindowSeconds: c.clockWindowSeconds,
    acceptStaleExamples: c.acceptStaleExamples,
    oneTimeSignatures: c.oneTimeSignatures,
    strictLinks: c.strictLinks,
    allowPlainQr: c.allowPlainQr,
    scopes: c.scopes.filter(isTokenScope),
  };
}

/**
 * Every enabled client of a dialect (IDCAS links name no client: the matching signature key does).
 * Cached for a few seconds: every link open needs them, and keys change rarely (a change made by
 * `npm run keys` in another process is seen within CLIENT_CACHE_MS).
 */
const CLIENT_CACHE_MS = 5_000;
const cache = new Map<Dialect, { at: number; prisma: PrismaClient; clients: Promise<ClientKeys[]> }>();

export function invalidateClients(): void {
  cache.clear();
}

export function clientsOf(prisma: PrismaClient, dialect: Dialect): Promise<ClientKeys[]> {
  const hit = cache.get(dialect);
  if (hit && hit.prisma === prisma && Date.now() - hit.at < CLIENT_CACHE_MS) return hit.clients;
  const clients = prisma.integrationClient
    .findMany({ where: { dialect, enabled: true }, include: { organizations: { select: { code: true } } }, orderBy: { id: 'asc' } })
    .then((rows) => rows.map(toClientKeys));
  const entry = { at: Date.now(), clients, prisma };
  cache.set(dialect, entry);
  clients.catch(() => cache.delete(dialect));
  return clients;
}

const DIALECTS: readonly Dialect[] = ['IDCAS', 'JILIN', 'NEIJIANG', 'MEDINS', 'XIAMEN', 'DICOMWEB'];

/** An enabled client by id, whatever its dialect (an access token names only its client). */
export async function clientById(prisma: PrismaClient, id: number): Promise<ClientKeys | null> {
  for (const dialect of DIALECTS) {
    const c = (await clientsOf(prisma, dialect)).find((x) => x.id === id);
    if (c) return c;
  }
  return null;
}

export async function clientByKey(prisma: PrismaClient, dialect: Dialect, clientKey: string): Promise<ClientKeys | null> {
  return (await clientsOf(prisma, dialect)).find((c) => c.clientKey === clientKey) ?? null;
}

/** The client of a dialect that acts for an organization (Neijiang keys are per hospital). */
export async function clientForOrg(prisma: PrismaClient, dialect: Dialect, orgCode: string): Promise<ClientKeys | null> {
  return (await clientsOf(prisma, dialect)).find((c) => c.orgCodes.includes(orgCode)) ?? null;
}

/** What `npm run keys` / saveClient writes: the keys of ClientKeys (all but dialect and clientKey optional). */
export type ClientInput = Pick<ClientKeys, 'dialect' | 'clientKey'> & Partial<Omit<ClientKeys, 'id' | 'dialect' | 'clientKey'>> & { enabled?: boolean };

/** Creates or updates a client; only the fields given change. Secrets are sealed before they are stored. */
export async function saveClient(prisma: PrismaClient, i: ClientInput): Promise<ClientKeys> {
  const seal = (v: string | undefined) => (v === undefined ? undefined : sealSecret(v));
  const data = {
    name: i.name,
    secretCipher: seal(i.secret),
    desKeyCipher: seal(i.desKey),
    desIv: i.desIv,
    md5KeyCipher: seal(i.md5Key),
    aesKeyCipher: seal(i.aesKey),
    aesIv: i.aesIv,
    rsaPrivateKeyCipher: seal(i.rsaPrivateKey),
    rsaPublicKey: i.rsaPublicKey,
    sm2PrivateKeyCipher: seal(i.sm2PrivateKey),
    sm2PublicKey: i.sm2PublicKey,
    clockWindowSeconds: i.clockWindowSeconds,
    acceptStaleExamples: i.acceptStaleExamples,
    oneTimeSignatures: i.oneTimeSignatures,
    strictLinks: i.strictLinks,
    allowPlainQr: i.allowPlainQr,
    scopes: i.scopes,
    enabled: i.enabled,
  };
  const unknown = i.scopes?.filter((x) => !isTokenScope(x));
  if (unknown?.length) throw new ScopeError(`unknown scope ${unknown.join(', ')}`);
  const orgs = i.orgCodes?.map((code) => ({ code }));
  if (orgs) {
    const known = await prisma.organization.count({ where: { code: { in: i.orgCodes } } });
    if (known !== orgs.length) throw new Error(`unknown organization code among ${i.orgCodes!.join(', ')}`);
  }
  const row = await prisma.integrationClient.upsert({
    where: { dialect_clientKey: { dialect: i.dialect, clientKey: i.clientKey } },
    create: { ...data, name: i.name ?? i.clientKey, dialect: i.dialect, clientKey: i.clientKey, scopes: i.scopes ?? DEFAULT_CLIENT_SCOPES[i.dialect], organizations: orgs ? { connect: orgs } : undefined },
    update: { ...data, organizations: orgs ? { set: orgs } : undefined },
    include: { organizations: { select: { code: true } } },
  });
  invalidateClients();
  return toClientKeys(row);
}
