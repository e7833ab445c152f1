// Viewing sessions: the server-side record a verified link leaves behind (who, which patient and
// exams, until when), and the checks every page and data route makes against it.
// A session has a public reference (in the page URL, `?vs=`) and a secret that only an HttpOnly
// cookie named after the reference holds, so one browser can keep several patients open in
// several tabs (a HIS does) without one session replacing another.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Prisma, PrismaClient, ViewSession } from '@prisma/client';
import { openPii } from './crypto/pii';
import type { Scope } from './domain/subjects';
import type { LinkContext } from './links/types';

export const COOKIE_PREFIX = 'yy_vs_';
const REF = /^[A-Za-z0-9_-]{16}$/;

export function sessionMinutes(kind: LinkContext['caller']['kind']): number {
  const configured = Number(process.env.YINGYUN_SESSION_MINUTES);
  if (Number.isFinite(configured) && configured > 0) return configured;
  return kind === 'PATIENT' ? 30 : 120;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What the pages may know about the link, without personal data in clear (the table is not encrypted). */
function storedContext(ctx: LinkContext) {
  const { patient, ...rest } = ctx;
  return { ...rest, patientSelectors: Object.keys(patient).filter((k) => patient[k as keyof typeof patient]) };
}
export type StoredContext = ReturnType<typeof storedContext>;

export async function createSession(
  prisma: Prisma.TransactionClient,
  ctx: LinkContext,
  scope: Scope,
  opened: { ip?: string; userAgent?: string; linkHash?: string },
): Promise<{ ref: string; secret: string; expiresAt: Date }> {
  const ref = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + sessionMinutes(ctx.caller.kind) * 60_000);
  const org = ctx.caller.orgCode ? await prisma.organization.findUnique({ where: { code: ctx.caller.orgCode }, select: { id: true } }) : null;
  await prisma.viewSession.create({
    data: {
      id: ref,
      secretHash: sha256(secret),
      linkHash: opened.linkHash ?? null,
      viewerKind: ctx.caller.kind,
      dialect: ctx.dialect,
      page: ctx.page,
      organizationId: org?.id ?? null,
      clinicianId: ctx.caller.accountClinicianId ?? null,
      patientId: scope.patientId,
      examIds: scope.examIds,
      labTestIds: scope.labTestIds,
      context: storedContext(ctx) as unknown as Prisma.InputJsonValue,
      ip: opened.ip ?? null,
      userAgent: opened.userAgent?.slice(0, 300) ?? null,
      expiresAt,
    },
  });
  return { ref, secret, expiresAt };
}

export interface CookieJar {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/**
 * The session a request carries: the reference from `?vs=` (or the x-view-session header), its
 * secret from the cookie of that name. With no reference, a single session cookie is used.
 */
/** A session whose link asked for the privacy check (Neijiang Isskip x1) and that has not passed it yet. */
export function awaitingPrivacyCheck(s: ViewSession): boolean {
  const ctx = s.context as unknown as StoredContext;
  return Boolean(ctx?.options?.privacyCheck) && !s.verifiedAt;
}

/**
 * The session a request carries: the reference from `?vs=` (or the x-view-session header), its
 * secret from the cookie of that name. With no reference, a single session cookie is used.
 * A session still waiting for its privacy check opens nothing unless `unverified` is allowed
 * (the page that asks for the check, and the check itself).
 */
export async function sessionFrom(prisma: PrismaClient, cookies: CookieJar, ref: string | null | undefined, opts: { unverified?: boolean } = {}): Promise<ViewSession | null> {
  const s = await findSession(prisma, cookies, ref);
  return s && (opts.unverified || !awaitingPrivacyCheck(s)) ? s : null;
}

async function findSession(prisma: PrismaClient, cookies: CookieJar, ref: string | null | undefined): Promise<ViewSession | null> {
  let r = ref ?? undefined;
  if (!r) {
    const mine = cookies.getAll().filter((c) => c.name.startsWith(COOKIE_PREFIX));
    if (mine.length !== 1) return null;
    r = mine[0].name.slice(COOKIE_PREFIX.length);
  }
  if (!REF.test(r)) return null;
  const secret = cookies.get(COOKIE_PREFIX + r)?.value;
  if (!secret) return null;
  const row = await prisma.viewSession.findUnique({ where: { id: r } });
  if (!row || row.revokedAt || row.expiresAt <= new Date()) return null;
  const a = Buffer.from(row.secretHash, 'hex');
  const b = Buffer.from(sha256(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? row : null;
}

/**
 * A session that resumes a one-time link on reload: same browser, and opened by exactly this link
 * (never by another link that merely shares its signature).
 */
export async function resumableSession(prisma: PrismaClient, cookies: CookieJar, linkHash: string): Promise<ViewSession | null> {
  for (const c of cookies.getAll().filter((x) => x.name.startsWith(COOKIE_PREFIX))) {
    const s = await sessionFrom(prisma, cookies, c.name.slice(COOKIE_PREFIX.length), { unverified: true });
    if (s?.linkHash === linkHash) return s;
  }
  return null;
}

export function examInScope(s: ViewSession, exam: { id: number; patientId: number }): boolean {
  return s.patientId === exam.patientId && (s.examIds.length === 0 ? s.labTestIds.length === 0 : s.examIds.includes(exam.id));
}

export function labTestInScope(s: ViewSession, lab: { id: number; patientId: number }): boolean {
  return s.patientId === lab.patientId && (s.labTestIds.length === 0 ? s.examIds.length === 0 : s.labTestIds.includes(lab.id));
}

export const MAX_PRIVACY_ATTEMPTS = 5;

/**
 * The privacy check: the last four digits of the phone number on file. Five wrong answers end
 * the session. Patients without a phone number on file cannot pass (the hospital must add one).
 */
export async function checkPrivacy(prisma: PrismaClient, s: ViewSession, last4: string): Promise<'ok' | 'wrong' | 'locked'> {
  if (!awaitingPrivacyCheck(s)) return 'ok';
  const patient = s.patientId ? await prisma.patient.findUnique({ where: { id: s.patientId }, select: { phoneCipher: true } }) : null;
  const phone = patient?.phoneCipher ? openPii(patient.phoneCipher) : '';
  if (/^\d{4}$/.test(last4) && phone.length >= 4 && phone.endsWith(last4)) {
    await prisma.viewSession.update({ where: { id: s.id }, data: { verifiedAt: new Date() } });
    return 'ok';
  }
  const failed = s.failedChecks + 1;
  await prisma.viewSession.update({ where: { id: s.id }, data: { failedChecks: failed, ...(failed >= MAX_PRIVACY_ATTEMPTS ? { revokedAt: new Date() } : {}) } });
  return failed >= MAX_PRIVACY_ATTEMPTS ? 'locked' : 'wrong';
}

export async function revokeSession(prisma: PrismaClient, ref: string): Promise<boolean> {
  const r = await prisma.viewSession.updateMany({ where: { id: ref, revokedAt: null }, data: { revokedAt: new Date() } });
  return r.count > 0;
}

/** Cookie attributes: inside a HIS iframe (another site) only SameSite=None; Secure; Partitioned works, and only over https. */
export function cookieAttributes(https: boolean, maxAgeSeconds: number): string {
  const secureSetting = process.env.YINGYUN_COOKIE_SECURE ?? 'auto';
  const secure = secureSetting === 'auto' ? https : secureSetting === 'true';
  const sameSite = (process.env.YINGYUN_COOKIE_SAMESITE ?? (secure ? 'None' : 'Lax')).replace(/^./, (c) => c.toUpperCase());
  const parts = ['Path=/', 'HttpOnly', `Max-Age=${maxAgeSeconds}`, `SameSite=${sameSite}`];
  if (secure) parts.push('Secure');
  if (secure && sameSite === 'None') parts.push('Partitioned');
  return parts.join('; ');
}
