// Who may read or write which DICOM studies. A viewing session (a verified link) reads the
// studies of the exams in its scope; an integration client (Bearer access token) reads the
// studies of its organizations and may store images for them.
import { Prisma, type PrismaClient, type ViewSession } from '@prisma/client';
import { storedAccessTokens } from '../auth/access-tokens';
import { clientsOf, type ClientKeys } from '../links/clients';
import { sessionFrom, type CookieJar } from '../sessions';

export type DicomAccess =
  | { kind: 'session'; session: ViewSession }
  | { kind: 'client'; client: ClientKeys };

export interface AccessRequest {
  cookies: CookieJar;
  /** ?vs= or the x-view-session header. */
  sessionRef: string | null;
  authorization: string | null;
}

/** Bearer tokens seen in the last seconds: a viewer or PACS sends hundreds of requests per study. */
const TOKEN_CACHE_MS = 5_000;
const tokens = new Map<string, { at: number; prisma: PrismaClient; client: ClientKeys | null }>();

async function clientOfToken(prisma: PrismaClient, token: string): Promise<ClientKeys | null> {
  const hit = tokens.get(token);
  if (hit && hit.prisma === prisma && Date.now() - hit.at < TOKEN_CACHE_MS) return hit.client;
  let client: ClientKeys | null = null;
  const holder = await storedAccessTokens(prisma).verify(token, new Date());
  if (holder) {
    for (const dialect of ['IDCAS', 'JILIN', 'NEIJIANG', 'MEDINS', 'XIAMEN', 'DICOMWEB'] as const) {
      client = (await clientsOf(prisma, dialect)).find((c) => c.id === holder.clientId) ?? null;
      if (client) break;
    }
  }
  if (tokens.size > 10_000) tokens.clear();
  tokens.set(token, { at: Date.now(), prisma, client });
  return client;
}

export async function dicomAccess(prisma: PrismaClient, req: AccessRequest): Promise<DicomAccess | null> {
  const bearer = req.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const client = await clientOfToken(prisma, bearer);
    return client ? { kind: 'client', client } : null;
  }
  const session = await sessionFrom(prisma, req.cookies, req.sessionRef);
  return session ? { kind: 'session', session } : null;
}

/** The exams a session may see, as a Prisma filter. */
function sessionExams(s: ViewSession): Prisma.ExamWhereInput {
  if (s.patientId === null) return { id: -1 };
  if (s.examIds.length) return { patientId: s.patientId, id: { in: s.examIds } };
  if (s.labTestIds.length) return { id: -1 };
  return { patientId: s.patientId };
}

/** Studies this access may read, as a filter on DicomStudy (QIDO). */
export function readableStudies(a: DicomAccess): Prisma.DicomStudyWhereInput {
  if (a.kind === 'session') return { exam: sessionExams(a.session) };
  return {
    OR: [
      { exam: { organization: { code: { in: a.client.orgCodes } } } },
      { examId: null, OR: [{ organizationCode: { in: a.client.orgCodes } }, { uploadedByClientId: a.client.id }] },
    ],
  };
}

/**
 * The same rule as readableStudies, as SQL over "DicomStudy" aliased `s`, for the searches Prisma cannot
 * express (PatientName's LIKE patterns). Keep the two in step.
 */
export function readableStudiesSql(a: DicomAccess): Prisma.Sql {
  if (a.kind === 'session') {
    const s = a.session;
    if (s.patientId === null || (!s.examIds.length && s.labTestIds.length)) return Prisma.sql`FALSE`;
    const exams = s.examIds.length ? Prisma.sql` AND e."id" = ANY(${s.examIds}::int[])` : Prisma.empty;
    return Prisma.sql`EXISTS (SELECT 1 FROM "Exam" e WHERE e."id" = s."examId" AND e."patientId" = ${s.patientId}${exams})`;
  }
  const codes = a.client.orgCodes;
  return Prisma.sql`(EXISTS (SELECT 1 FROM "Exam" e JOIN "Organization" o ON o."id" = e."organizationId" WHERE e."id" = s."examId" AND o."code" = ANY(${codes}::text[]))
    OR (s."examId" IS NULL AND (s."organizationCode" = ANY(${codes}::text[]) OR s."uploadedByClientId" = ${a.client.id})))`;
}

/** May this access read the study? (Also for studies we only know from an exam index, e.g. upstream.) */
export async function canReadStudy(prisma: PrismaClient, a: DicomAccess, studyInstanceUid: string): Promise<boolean> {
  const [indexed, byExam] = await Promise.all([
    prisma.dicomStudy.count({ where: { AND: [{ studyInstanceUid }, readableStudies(a)] } }),
    prisma.exam.count({
      where: { AND: [{ studyInstanceUid }, a.kind === 'session' ? sessionExams(a.session) : { organization: { code: { in: a.client.orgCodes } } }] },
    }),
  ]);
  return indexed + byExam > 0;
}

/** Writing images is for integration clients only; the organization they upload for, if one. */
export function writer(a: DicomAccess | null): { clientId: number; organizationCode?: string } | null {
  if (!a || a.kind !== 'client') return null;
  return { clientId: a.client.id, organizationCode: a.client.orgCodes.length === 1 ? a.client.orgCodes[0] : undefined };
}
