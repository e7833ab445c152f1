// Opening a link: verify (dialect edge) → resume (same browser, same link) → find the subject →
// spend the one-time key, create the viewing session and audit it (one transaction) → redirect to
// the page without the credentials in its URL. A refusal writes only its count, logs its reason
// without personal data, and answers with a Chinese page and a 4xx.
import { randomBytes } from 'node:crypto';
import type { Dialect, Prisma, PrismaClient } from '@prisma/client';
import { resolveScope, type Scope } from '../domain/subjects';
import { formatChinaDate } from '../time';
import { COOKIE_PREFIX, cookieAttributes, createSession, resumableSession, type CookieJar } from '../sessions';
import { renderRefusalPage } from './error-page';
import { verifyIdcasLink } from './idcas';
import type { AccessTokenVerifier } from '../auth/access-tokens';
import { verifyH5Link } from './idcas-h5';
import { verifyDimageLink, verifyOpenLink } from './neijiang';
import { linkHash, parseQuery } from './query';
import { LinkRejection, type LinkContext, type LinkPage } from './types';
import { verifyXiamenLink } from './xiamen';

/** Where each kind of link lands. */
export const LANDING: Record<LinkPage, string> = {
  clinicview: '/clinician/patient',
  'exam-report': '/clinician/exam',
  'repeat-reminder': '/clinician/reminder',
  recognition: '/clinician/recognition',
  'h5-report-list': '/mobile/reports',
  'h5-exam-detail': '/mobile/exam',
  'h5-lab-detail': '/mobile/lab',
  'h5-exam-report': '/mobile/exam',
  dimage: '/viewer',
  'dimage-qr': '/viewer',
  open: '/clinician/patient',
  'xiamen-exam-view': '/clinician/patient',
  'xiamen-exam-list': '/clinician/patient',
  'xiamen-related': '/clinician/patient',
  'xiamen-exam': '/clinician/exam',
};

/** Pages about the whole patient: the session may read all of the patient's exams and lab tests. */
const PATIENT_WIDE: ReadonlySet<LinkPage> = new Set(['clinicview', 'repeat-reminder', 'recognition', 'open', 'h5-report-list', 'xiamen-exam-view', 'xiamen-exam-list', 'xiamen-related']);

const DIALECT_OF: Record<LinkPage, Dialect> = {
  clinicview: 'IDCAS', 'exam-report': 'IDCAS', 'repeat-reminder': 'IDCAS', recognition: 'IDCAS',
  'h5-report-list': 'IDCAS', 'h5-exam-detail': 'IDCAS', 'h5-lab-detail': 'IDCAS', 'h5-exam-report': 'IDCAS',
  dimage: 'NEIJIANG', 'dimage-qr': 'NEIJIANG', open: 'NEIJIANG',
  'xiamen-exam-view': 'XIAMEN', 'xiamen-exam-list': 'XIAMEN', 'xiamen-related': 'XIAMEN', 'xiamen-exam': 'XIAMEN',
};

export interface OpenDeps {
  prisma: PrismaClient;
  now?: Date;
  accessTokens?: AccessTokenVerifier;
}

export function verifyLink(page: LinkPage, search: string, deps: OpenDeps): Promise<LinkContext> {
  switch (page) {
    case 'clinicview':
    case 'exam-report':
    case 'repeat-reminder':
    case 'recognition':
      return verifyIdcasLink(page, search, deps);
    case 'h5-report-list':
    case 'h5-exam-detail':
    case 'h5-lab-detail':
    case 'h5-exam-report':
      return verifyH5Link(page, search, deps);
    case 'dimage':
    case 'dimage-qr':
      return verifyDimageLink(search, deps);
    case 'open':
      return verifyOpenLink(search, deps);
    default:
      return verifyXiamenLink(page, search, deps);
  }
}

/**
 * What a one-time link spends. Where the signature covers every parameter that selects data, the
 * signature: a copy with a parameter added is the same link. Where it does not (IDCAS exam-report
 * and repeat-reminder without `psign`), the whole link: two genuine links that share a sev and a
 * second but name different patients or items are two links.
 */
export function oneTimeKey(ctx: LinkContext, link: string): string {
  return ctx.fullyCovered ? ctx.signatureHash : link;
}

/** Marks a one-time key used (INSERT … ON CONFLICT DO NOTHING: of two concurrent opens one wins). */
async function consumeOnce(tx: Prisma.TransactionClient, ctx: LinkContext, key: string): Promise<void> {
  const { count } = await tx.usedSignature.createMany({
    data: [{ hash: key, clientId: ctx.clientId, expiresAt: new Date(Date.now() + 2 * 86_400_000) }],
    skipDuplicates: true,
  });
  if (count === 0) throw new LinkRejection('REPLAYED', `one-time ${ctx.fullyCovered ? 'signature' : 'link'} reused (client ${ctx.clientId})`);
}

async function auditOpen(tx: Prisma.TransactionClient, ctx: LinkContext, scope: Scope, ref: string, ip: string | undefined): Promise<void> {
  await tx.auditLog.create({
    data: {
      actor: ctx.caller.accountClinicianId ? `clinician:${ctx.caller.accountClinicianId}` : `client:${ctx.clientId}`,
      action: 'link.open',
      target: `session:${ref}`,
      ip: ip ?? null,
      detail: {
        dialect: ctx.dialect,
        page: ctx.page,
        clientId: ctx.clientId,
        orgCode: ctx.caller.orgCode ?? null,
        workNo: ctx.caller.workNo ?? null,
        patientId: scope.patientId,
        examIds: scope.examIds,
        labTestIds: scope.labTestIds,
        fullyCovered: ctx.fullyCovered,
        oneTime: ctx.oneTime,
      } satisfies Prisma.InputJsonValue,
    },
  });
}

async function countRefusal(prisma: PrismaClient, dialect: Dialect, reason: string): Promise<void> {
  const day = new Date(`${formatChinaDate(new Date())}T00:00:00Z`);
  await prisma.linkRefusalCount.upsert({
    where: { day_dialect_reason: { day, dialect, reason } },
    create: { day, dialect, reason, count: 1 },
    update: { count: { increment: 1 } },
  });
}

export interface OpenRequest {
  page: LinkPage;
  /** The raw query string, "?a=b&…". */
  search: string;
  cookies: CookieJar;
  https: boolean;
  ip?: string;
  userAgent?: string;
}

export interface OpenResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | null;
  /** For tests and the audit: what was opened, or why not. */
  context?: LinkContext;
  scope?: Scope;
  sessionRef?: string;
  refusal?: LinkRejection;
}

export async function openLink(req: OpenRequest, deps: OpenDeps): Promise<OpenResult> {
  const { prisma } = deps;
  try {
    const ctx = await verifyLink(req.page, req.search, deps);
    const link = linkHash(req.page, parseQuery(req.search));
    if (ctx.oneTime) {
      const resumed = await resumableSession(prisma, req.cookies, link);
      if (resumed) return { status: 303, headers: { location: `${LANDING[req.page]}?vs=${resumed.id}` }, body: null, context: ctx, sessionRef: resumed.id };
    }
    const found = await resolveScope(prisma, ctx);
    const scope = PATIENT_WIDE.has(req.page) ? { patientId: found.patientId, examIds: [], labTestIds: [] } : found;
    // Spent only now that the whole link verified and its subject was found: a refused copy (an
    // edited parameter, an exam of another patient) leaves the genuine link usable.
    const session = await prisma.$transaction(async (tx) => {
      if (ctx.oneTime) await consumeOnce(tx, ctx, oneTimeKey(ctx, link));
      const s = await createSession(tx, ctx, scope, { ip: req.ip, userAgent: req.userAgent, linkHash: link });
      await auditOpen(tx, ctx, scope, s.ref, req.ip);
      return s;
    }, { maxWait: 10_000 }); // under load, wait for a connection as a plain query would, not fail after 2 s
    const maxAge = Math.round((session.expiresAt.getTime() - Date.now()) / 1000);
    return {
      status: 303,
      headers: {
        location: `${LANDING[req.page]}?vs=${session.ref}`,
        'set-cookie': [`${COOKIE_PREFIX}${session.ref}=${session.secret}; ${cookieAttributes(req.https, maxAge)}`],
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      },
      body: null,
      context: ctx,
      scope,
      sessionRef: session.ref,
    };
  } catch (e) {
    if (!(e instanceof LinkRejection)) {
      // Not a refusal: a bug or an outage. Still no data and no stack to the browser.
      console.error(`[link] ${req.page}: unexpected ${(e as Error).name}: ${(e as Error).message}`);
      return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '服务暂时不可用，请稍后再试。' };
    }
    const reference = randomBytes(4).toString('hex');
    console.warn(`[link] refused ${req.page} ${e.reason} ref=${reference}: ${e.detail}`);
    await countRefusal(prisma, DIALECT_OF[req.page], e.reason).catch((err) => console.error(`[link] refusal count not written: ${(err as Error).message}`));
    return {
      status: e.status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      body: renderRefusalPage(e.reason, e.fields, reference),
      refusal: e,
    };
  }
}
