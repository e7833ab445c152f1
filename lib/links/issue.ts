// Issuing links with the keys stored in the database: what `npm run link` and the demo's link
// list do. (lib/links/build.ts does the dialect formats; this finds the keys and the account.)
import { randomBytes } from 'node:crypto';
import type { Dialect, PrismaClient } from '@prisma/client';
import { accessTokenHash } from '../auth/access-tokens';
import { checkScopes, type TokenScope } from '../auth/scopes';
import type { H5Page } from './idcas-h5';
import { buildDimageChannelLink, buildDimageQrLink, buildH5Link, buildIdcasLink, buildOpenLink, buildXiamenLink, type IdcasLinkInput } from './build';
import { clientByKey, clientForOrg, clientsOf, type ClientKeys } from './clients';
import { encryptSev, sevAccountId } from './sev';
import type { XiamenPage } from './xiamen';

async function idcasClientFor(prisma: PrismaClient, orgCode: string): Promise<ClientKeys> {
  const c = (await clientsOf(prisma, 'IDCAS')).find((x) => x.orgCodes.includes(orgCode) && x.desKey && x.md5Key);
  if (!c) throw new Error(`no IDCAS client with keys acts for organization ${orgCode} (npm run keys -- set IDCAS …)`);
  return c;
}

/** The sev of a clinician account: encrypted with the client's RSA key, or a registered value. */
export async function sevFor(prisma: PrismaClient, client: ClientKeys, orgCode: string, workNo: string): Promise<string> {
  const clinician = await prisma.clinician.findFirst({ where: { workNo, organization: { code: orgCode } }, include: { sevs: true } });
  if (!clinician) throw new Error(`no clinician ${workNo} at ${orgCode}`);
  if (client.rsaPublicKey) return encryptSev(sevAccountId(orgCode, workNo), client.rsaPublicKey);
  if (clinician.sevs[0]) return clinician.sevs[0].value;
  throw new Error(`clinician ${orgCode}/${workNo} has no sev and client ${client.id} no RSA key`);
}

export async function issueIdcasLink(
  prisma: PrismaClient,
  base: string,
  page: 'clinicview' | 'exam-report' | 'repeat-reminder' | 'recognition',
  o: { orgCode: string; workNo: string; token?: Record<string, string>; params?: [string, string][]; strict?: boolean; timestamp?: Date },
): Promise<string> {
  const client = await idcasClientFor(prisma, o.orgCode);
  const input: IdcasLinkInput = {
    desKey: client.desKey!,
    desIv: client.desIv!,
    md5Key: client.md5Key!,
    sev: await sevFor(prisma, client, o.orgCode, o.workNo),
    token: o.token,
    params: o.params,
    strict: o.strict,
    timestamp: o.timestamp,
  };
  return buildIdcasLink(base, page, input);
}

/**
 * An access token, stored by hash, with exactly the scopes asked for: ['h5'] for a user of the H5
 * pages, API scopes for a system (never both; lib/auth/scopes.ts). The client is the dialect's
 * client acting for the organization (IDCAS unless `dialect` says otherwise); scopes it may not be
 * granted are refused.
 */
export async function issueAccessToken(
  prisma: PrismaClient,
  orgCode: string,
  subject: string,
  scopes: TokenScope[],
  o: { hours?: number; dialect?: Dialect } = {},
): Promise<{ token: string; client: ClientKeys }> {
  const dialect = o.dialect ?? 'IDCAS';
  const client = dialect === 'IDCAS' ? await idcasClientFor(prisma, orgCode) : await clientForOrg(prisma, dialect, orgCode);
  if (!client) throw new Error(`no ${dialect} client acts for organization ${orgCode} (npm run keys -- set ${dialect} …)`);
  const granted = checkScopes(scopes, client.scopes);
  const token = randomBytes(32).toString('base64url');
  await prisma.accessToken.create({
    data: { hash: accessTokenHash(token), clientId: client.id, subject, scope: granted.join(' '), expiresAt: new Date(Date.now() + (o.hours ?? 12) * 3_600_000) },
  });
  return { token, client };
}

/** An H5 link carries a user's token with the h5 scope only: it opens H5 pages and calls no API. */
export async function issueH5Link(prisma: PrismaClient, base: string, page: H5Page, o: { orgCode: string; subject: string; params: [string, string][] }): Promise<string> {
  const { token, client } = await issueAccessToken(prisma, o.orgCode, o.subject, ['h5']);
  return buildH5Link(base, page, { desKey: client.desKey!, desIv: client.desIv!, accessToken: token, params: o.params });
}

async function neijiangClient(prisma: PrismaClient, hospital: string): Promise<ClientKeys> {
  const c = await clientForOrg(prisma, 'NEIJIANG', hospital);
  if (!c) throw new Error(`no Neijiang client for hospital ${hospital} (npm run keys -- set NEIJIANG …)`);
  return c;
}

export async function issueDimageChannelLink(
  prisma: PrismaClient,
  base: string,
  o: { hospital: string; accessionNumber: string; studyDate: string; imageOnly?: boolean; privacyCheck?: boolean; showAi?: boolean; timestamp?: Date },
): Promise<string> {
  const c = await neijiangClient(prisma, o.hospital);
  return buildDimageChannelLink(base, { aesKey: c.aesKey!, aesIv: c.aesIv!, hospitalCode: o.hospital, ...o });
}

export async function issueDimageQrLink(prisma: PrismaClient, base: string, o: { hospital: string; accessionNumbers: string[]; date: string }): Promise<string> {
  const c = await neijiangClient(prisma, o.hospital);
  return buildDimageQrLink(base, { aesKey: c.aesKey!, aesIv: c.aesIv!, hsCode: o.hospital, accessionNumbers: o.accessionNumbers, date: o.date });
}

export async function issueOpenLink(
  prisma: PrismaClient,
  base: string,
  o: { hospital: string; queryKey: 'patIcCard' | 'patNo' | 'clinicId'; queryValue: string; timestamp?: Date },
): Promise<string> {
  const c = await neijiangClient(prisma, o.hospital);
  return buildOpenLink(base, { accessKey: c.clientKey, accessSecret: c.secret!, hospitalCode: o.hospital, ...o });
}

export async function issueXiamenLink(prisma: PrismaClient, base: string, page: XiamenPage, o: { customerGuid?: string; params: [string, string][]; timestamp?: Date }): Promise<string> {
  const c = o.customerGuid ? await clientByKey(prisma, 'XIAMEN', o.customerGuid) : (await clientsOf(prisma, 'XIAMEN'))[0];
  if (!c?.secret) throw new Error('no Xiamen client with a secret (npm run keys -- set XIAMEN …)');
  return buildXiamenLink(base, page, { customerGuid: c.clientKey, secret: c.secret, params: o.params, timestamp: o.timestamp });
}
