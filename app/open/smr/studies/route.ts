import { NextResponse, type NextRequest } from 'next/server';
import type { PrismaClient } from '@prisma/client';
import { hashPii } from '@/lib/crypto/pii';
import { prisma } from '@/lib/db';
import { parseLenientJson, text } from '@/lib/dialects/lenient-json';
import { SMR, smrCaller, smrFields, smrVerify, type SmrCaller } from '@/lib/dialects/neijiang-api';
import { readJsonObject } from '@/lib/http/body';
import { findRecognisable } from '@/lib/domain/recognition';
import { issueDimageChannelLink } from '@/lib/links/issue';
import { config } from '@/lib/config';
import { formatChinaDate, formatChinaDateTime } from '@/lib/time';

export const dynamic = 'force-dynamic';

const ymd = (d: Date | null) => formatChinaDate(d).replace(/-/g, '');

/**
 * Neijiang 501/502 互认列表 (GET /open/smr/studies): the recognisable exams (study[]) and lab tests
 * (examine[]) of the patient for the requesting hospital; dataList[] is the same exams in the
 * real-time (502) shape. A result's reportId / studyUuid is what the mark call names.
 */
export async function GET(request: NextRequest) {
  const db = await prisma();
  const caller = await smrCaller(db, request.headers);
  if (caller instanceof NextResponse) return caller;
  return list(db, caller, Object.fromEntries([...request.nextUrl.searchParams].map(([k, v]) => [k.trim(), v])));
}

/** Some HIS send the same fields as a JSON body: read only once the headers name a client. */
export async function POST(request: NextRequest) {
  const db = await prisma();
  const caller = await smrCaller(db, request.headers);
  if (caller instanceof NextResponse) return caller;
  const body = await readJsonObject(request, { parse: parseLenientJson });
  if (typeof body === 'string') return SMR.refused(body);
  return list(db, caller, body);
}

async function list(db: PrismaClient, caller: SmrCaller, b: Record<string, unknown>): Promise<NextResponse> {
  const f = smrFields(b);
  const client = smrVerify(caller, f);
  if (client instanceof NextResponse) return client;
  const requestId = text(b, 'requestId');
  const visitId = text(b, 'visitId');
  if (!requestId || !visitId || !f.hospitalCode || !f.idCard || !f.opUid || !f.opName) return SMR.failed('参数缺失或不正确');
  const patient = await db.patient.findUnique({ where: { idCardHash: hashPii(f.idCard) } });
  const found = patient ? await findRecognisable(db, { requestingOrgCode: f.hospitalCode, patientId: patient.id, itemCodes: f.smrCode ? f.smrCode.split(',') : [] }) : [];
  const shareHR = text(b, 'shareHR')?.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  const scoped = shareHR?.length
    ? (await db.organization.findMany({ where: { scopes: { some: { code: { in: shareHR } } } }, select: { code: true } })).map((o) => o.code)
    : null;
  const results = found.filter((r) => !scoped || scoped.includes(r.orgCode));
  const exams = await db.exam.findMany({ where: { id: { in: results.filter((r) => r.kind === 'exam').map((r) => r.id) } }, include: { organization: true } });
  const labs = await db.labTest.findMany({ where: { id: { in: results.filter((r) => r.kind === 'lab').map((r) => r.id) } }, include: { organization: true, items: { orderBy: { sortOrder: 'asc' } } } });
  const codesOf = (id: number, kind: 'exam' | 'lab') => results.find((r) => r.id === id && r.kind === kind)!.standardItems.map((s) => ({ smrCode: s.code, smrName: s.name }));
  const patientBlock = patient && { patName: patient.name, ICCard: f.idCard, patSex: patient.sex, BirthDate: ymd(patient.birthDate) };
  const study = await Promise.all(
    exams.map(async (e) => ({
      shareHR: shareHR?.join(',') ?? '',
      smrCodes: codesOf(e.id, 'exam'),
      patient: patientBlock,
      originHospitalCode: e.organization.code,
      originHospitalName: e.organization.name,
      reportId: `E${e.id}`,
      StudyInstanceUID: e.studyInstanceUid ?? '',
      modality: e.modality,
      StudyTime: formatChinaDateTime(e.performedAt),
      ExamineItem: e.itemName,
      ExamineBody: e.bodyPart ?? '',
      reportDateTime: formatChinaDateTime(e.reportedAt),
      ReportDoctor: e.reportDoctorName ?? '',
      AuditDateTime: formatChinaDateTime(e.auditedAt),
      AuditDoctor: e.auditDoctorName ?? '',
      conclusion: e.impression,
      finding: e.findings,
      viewUrl: await issueDimageChannelLink(db, config.publicBaseUrl, { hospital: e.organization.code, accessionNumber: e.accessionNumber, studyDate: ymd(e.performedAt), imageOnly: true }).catch(() => ''),
    })),
  );
  const examine = labs.map((l) => ({
    shareHR: shareHR?.join(',') ?? '',
    smrCodes: codesOf(l.id, 'lab'),
    patient: patientBlock,
    originHospitalCode: l.organization.code,
    reportId: `L${l.id}`,
    sampleNo: l.accessionNumber,
    sampleType: l.sampleType ?? '',
    sampleDateTime: formatChinaDateTime(l.sampledAt),
    reportDateTime: formatChinaDateTime(l.reportedAt),
    ReportDoctor: l.reportDoctorName ?? '',
    AuditDateTime: formatChinaDateTime(l.auditedAt),
    AuditDoctor: l.auditDoctorName ?? '',
    details: l.items.map((i) => ({ reportID: `L${l.id}`, itemCode: i.code, itemName: i.name, result: i.result, unit: i.unit ?? '', refrange: i.refRange ?? '', resultStatus: i.flag })),
  }));
  const dataList = exams.map((e) => ({
    patName: patient!.name,
    sex: patient!.sex,
    studyUuid: `E${e.id}`,
    studyDate: formatChinaDate(e.performedAt),
    originHospitalCode: e.organization.code,
    originHospitalName: e.organization.name,
    ExamineBody: e.bodyPart ?? '',
    checkItem: e.modality,
    smrCode: codesOf(e.id, 'exam').map((c) => c.smrCode).join(','),
    smrType: 1,
  }));
  return SMR.ok({ requestId, visitId, study, examine, dataList });
}
