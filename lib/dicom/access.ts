// Who may read or write which DICOM studies. A viewing session (a verified link) reads the
// studies of the exams in its scope; an integration client's Bearer access token reads the
// studies of its organizations with the scope dicomweb-read, and stores images for them with
// dicomweb-write.
import { Prisma, type PrismaClient, type ViewSession } from '@prisma/client';
import { clientForToken } from '../auth/access-tokens';
import type { ClientKeys } from '../links/clients';
import { sessionFrom, type CookieJar } from '../sessions';

export type DicomAccess =
  | { kind: 'session'; session: ViewSession }
  | { kind: 'client'; client: ClientKeys };

/** Why a request may not proceed: the status and a message for people. */
export interface AccessRefusal {
  refused: 401 | 403;
  message: string;
}

export interface AccessRequest {
  cookies: CookieJar;
  /** ?vs= or the x-view-session header. */
  sessionRef: string | null;
  authorization: string | null;
  /** Reading (QIDO, WADO-RS, WADO-URI) needs the token scope dicomweb-read; storing (STOW) dicomweb-write. */
  need: 'read' | 'write';
}

export async function dicomAccess(prisma: PrismaClient, req: AccessRequest): Promise<DicomAccess | AccessRefusal> {
  const bearer = req.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const found = await clientForToken(prisma, bearer, req.need === 'write' ? 'dicomweb-write' : 'dicomweb-read');
    if (found === 'unknown') return { refused: 401, message: '访问令牌无效或已过期' };
    // An H5 user's token, or a system's token without this scope.
    if (found === 'forbidden') return { refused: 403, message: req.need === 'write' ? '该访问令牌无权上传影像' : '该访问令牌无权调阅影像' };
    return { kind: 'client', client: found.client };
  }
  const session = await sessionFrom(prisma, req.cookies, req.sessionRef);
  if (!session) return { refused: 401, message: '需要有效的调阅会话或访问令牌' };
  if (req.need === 'write') return { refused: 403, message: '只有接入系统（访问令牌）可以上传影像' };
  return { kind: 'session', session };
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
