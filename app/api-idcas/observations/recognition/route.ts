import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { hashPii } from '@/lib/crypto/pii';
import { prisma } from '@/lib/db';
import { idcasBodyRefused, idcasClientOf, idcasFailure, idcasReply } from '@/lib/dialects/idcas-api';
import { parseLenientJson } from '@/lib/dialects/lenient-json';
import { findRecognisable } from '@/lib/domain/recognition';
import { readJsonObject } from '@/lib/http/body';
import { signatureHash } from '@/lib/links/freshness';
import type { LinkContext } from '@/lib/links/types';
import { createSession } from '@/lib/sessions';
import { issueShortLink } from '@/lib/short-links';
import { formatChinaDate } from '@/lib/time';

export const dynamic = 'force-dynamic';

const s = z.string().trim();
const R1 = z.object({
  visit_id: s.min(1).max(64),
  org_code: s.min(1).max(64),
  depart_code: s.min(1).max(64),
  depart_name: s.min(1).max(64),
  doctor_no: s.min(1).max(64),
  doctor_name: s.min(1).max(36),
  doctor_id_card: s.max(20).optional().default(''),
  card_type: s.regex(/^[0-39]$/),
  card_no: s.max(20).optional().default(''),
  id_card_no: s.min(1).max(20),
  patient_name: s.min(1).max(20),
  patient_sex: s.regex(/^[0-2]$/),
  patient_age: s.regex(/^\d{1,3}$/),
  age_unit: s.min(1).max(10),
  ip_address: s.max(128).optional().default(''),
  ip_mac: s.max(128).optional().default(''),
  req_type: z.enum(['3101', '3103', '3104']),
  observation_item: s.max(200).optional().default(''),
});

/**
 * R1 获取互认检查（或检验）记录WebApi: is there anything this order may recognise? If so, a short
 * page address (≤ 128 characters) that opens the recognition page for this visit.
 */
export async function GET(request: NextRequest) {
  const db = await prisma();
  const client = await idcasClientOf(db, request.headers.get('authorization'));
  if (!client) return idcasFailure('未授权', 401);
  const parsed = R1.safeParse(Object.fromEntries([...request.nextUrl.searchParams].map(([k, v]) => [k.trim(), v])));
  if (!parsed.success) return idcasFailure(`参数错误：${[...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ')}`);
  const p = parsed.data;
  const items = p.observation_item.split(/[,，]/).map((x) => x.trim()).filter(Boolean);
  if ((p.req_type === '3103' || p.req_type === '3104') && !items.length) return idcasFailure('参数错误：observation_item（触发代码为3103和3104时必填）');
  if (!client.orgCodes.includes(p.org_code)) return idcasFailure('机构未授权', 403);
  const patient = await db.patient.findUnique({ where: { idCardHash: hashPii(p.id_card_no) }, select: { id: true } });
  const found = patient ? await findRecognisable(db, { requestingOrgCode: p.org_code, patientId: patient.id, itemCodes: items }) : [];
  if (!patient || !found.length) return idcasReply('', '无可互认的检查检验记录');

  const ctx: LinkContext = {
    dialect: 'IDCAS',
    page: 'recognition',
    clientId: client.id,
    caller: { kind: 'CLINICIAN', clientId: client.id, orgCode: p.org_code, workNo: p.doctor_no, name: p.doctor_name, deptCode: p.depart_code, deptName: p.depart_name, ipAddress: p.ip_address || undefined, mac: p.ip_mac || undefined },
    patient: { idCardNo: p.id_card_no, name: p.patient_name },
    exams: {},
    options: { recognition: { visitId: p.visit_id, reqType: p.req_type, observationItems: items, patientSex: p.patient_sex, patientAge: p.patient_age, ageUnit: p.age_unit, cardType: p.card_type } },
    signatureHash: signatureHash(`r1:${client.id}:${p.visit_id}:${Date.now()}`),
    fullyCovered: true,
    oneTime: false,
    issuedAt: new Date(),
  };
  const session = await createSession(db, ctx, { patientId: patient.id, examIds: [], labTestIds: [] }, {});
  await db.auditLog.create({ data: { actor: `client:${client.id}`, action: 'recognition.query', target: `session:${session.ref}`, detail: { orgCode: p.org_code, visitId: p.visit_id, reqType: p.req_type, found: found.length, day: formatChinaDate(new Date()) } } });
  return idcasReply(await issueShortLink(db, session), `有 ${found.length} 项可互认记录`);
}

const R2 = z.object({ org_code: s.min(1).max(64), patients_cnt: z.coerce.number().int().min(0), work_stations: z.coerce.number().int().min(0) });

/** R2 上传互认统计信息: yesterday's visits and the number of doctor workstations (sent daily at 02:00). */
export async function POST(request: NextRequest) {
  const db = await prisma();
  const client = await idcasClientOf(db, request.headers.get('authorization'));
  if (!client) return idcasFailure('未授权', 401);
  const body = await readJsonObject(request, { parse: parseLenientJson });
  if (typeof body === 'string') return idcasBodyRefused(body);
  const parsed = R2.safeParse(body);
  if (!parsed.success) return idcasFailure(`参数错误：${[...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ')}`);
  const { org_code, patients_cnt, work_stations } = parsed.data;
  if (!client.orgCodes.includes(org_code)) return idcasFailure('机构未授权', 403);
  const org = await db.organization.findUniqueOrThrow({ where: { code: org_code } });
  // "前一日": the China-time day before the upload.
  const day = new Date(`${formatChinaDate(new Date(Date.now() - 86_400_000))}T00:00:00Z`);
  await db.dailyRecognitionStat.upsert({
    where: { organizationId_day: { organizationId: org.id, day } },
    create: { organizationId: org.id, day, patientsCount: patients_cnt, workStations: work_stations },
    update: { patientsCount: patients_cnt, workStations: work_stations },
  });
  return idcasReply();
}
