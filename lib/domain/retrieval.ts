// 调阅记录: every reminder shown, exam viewed or PDF fetched, by whom and from where — the
// region's statistics and the patient's audit trail are built from these rows.
import type { Dialect, PrismaClient, RetrievalType, SearchType, ViewSession } from '@prisma/client';
import type { StoredContext } from '../sessions';

export interface RetrievalInput {
  type: RetrievalType;
  searchType?: SearchType | null;
  examId?: number | null;
  labTestId?: number | null;
  viewerOrgCode?: string | null;
  doctorCode?: string | null;
  doctorName?: string | null;
  deptCode?: string | null;
  deptName?: string | null;
  ip?: string | null;
  mac?: string | null;
  dialect: Dialect;
  sessionId?: string | null;
  at?: Date;
}

export async function recordRetrieval(prisma: PrismaClient, r: RetrievalInput): Promise<void> {
  const org = r.viewerOrgCode ? await prisma.organization.findUnique({ where: { code: r.viewerOrgCode }, select: { id: true } }) : null;
  await prisma.retrievalRecord.create({
    data: {
      type: r.type,
      searchType: r.searchType ?? null,
      examId: r.examId ?? null,
      labTestId: r.labTestId ?? null,
      viewerOrgId: org?.id ?? null,
      viewerOrgCode: r.viewerOrgCode ?? null,
      doctorCode: r.doctorCode ?? null,
      doctorName: r.doctorName ?? null,
      deptCode: r.deptCode ?? null,
      deptName: r.deptName ?? null,
      ip: r.ip ?? null,
      mac: r.mac ?? null,
      dialect: r.dialect,
      sessionId: r.sessionId ?? null,
      ...(r.at ? { at: r.at } : {}),
    },
  });
}

/** A clinician's session viewing something: who from the verified link, where from the request. */
export function retrievalBySession(s: ViewSession, ip: string | undefined): Omit<RetrievalInput, 'type'> | null {
  if (s.viewerKind !== 'CLINICIAN' && s.viewerKind !== 'CLIENT') return null;
  const ctx = s.context as unknown as StoredContext;
  return {
    dialect: s.dialect,
    sessionId: s.id,
    viewerOrgCode: ctx.caller.orgCode ?? null,
    doctorCode: ctx.caller.workNo ?? null,
    doctorName: ctx.caller.name ?? null,
    deptCode: ctx.caller.deptCode ?? null,
    deptName: ctx.caller.deptName ?? null,
    ip: ctx.caller.ipAddress ?? ip ?? null,
    mac: ctx.caller.mac ?? null,
  };
}

/** Records what a clinician's (or integrating system's) session looked at; a patient's session leaves no retrieval record. */
export async function recordSessionRetrieval(prisma: PrismaClient, s: ViewSession, ip: string | undefined, r: Pick<RetrievalInput, 'type' | 'searchType' | 'examId' | 'labTestId'>): Promise<void> {
  const who = retrievalBySession(s, ip);
  if (who) await recordRetrieval(prisma, { ...who, ...r });
}
