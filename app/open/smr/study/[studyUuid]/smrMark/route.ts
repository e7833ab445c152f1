import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/db';
import { parseLenientJson, text } from '@/lib/dialects/lenient-json';
import { SMR, smrCaller, smrFields, smrVerify } from '@/lib/dialects/neijiang-api';
import { readJsonObject } from '@/lib/http/body';
import { markRecognition, RecognitionError, type MarkInput } from '@/lib/domain/recognition';

export const dynamic = 'force-dynamic';

/** A GET's fields from its query; smrInfo is JSON text. */
function queryFields(request: NextRequest): Record<string, unknown> | 'malformed' {
  try {
    return Object.fromEntries([...request.nextUrl.searchParams].map(([k, v]) => [k.trim(), k.trim() === 'smrInfo' ? parseLenientJson(v) : v]));
  } catch {
    return 'malformed';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** "E12" names exam 12, "L7" lab test 7; bare digits an exam. */
function target(id: string | undefined): { examId?: number; labTestId?: number } | null {
  const m = id?.trim().match(/^([EL]?)(\d{1,10})$/i);
  if (!m) return null;
  return m[1].toUpperCase() === 'L' ? { labTestId: Number(m[2]) } : { examId: Number(m[2]) };
}

/**
 * Neijiang 501/502 互认标记 (GET per the spec, with a JSON body; POST accepted): 1 互认, 2 不互认
 * with the reason code in smrMessage. All marks of a request are written together or not at all.
 */
async function mark(request: NextRequest, { params }: { params: Promise<{ studyUuid: string }> }) {
  const db = await prisma();
  const caller = await smrCaller(db, request.headers);
  if (caller instanceof NextResponse) return caller;
  // The spec sends a JSON body even with GET; Node's fetch API drops GET bodies, so a GET may
  // also carry the fields as query parameters (smrInfo as a JSON string).
  const body = await readJsonObject(request, { parse: parseLenientJson });
  const b = body === 'empty' ? queryFields(request) : body;
  if (typeof b === 'string') return SMR.refused(b);
  const f = smrFields(b);
  const client = smrVerify(caller, f);
  if (client instanceof NextResponse) return client;
  if (!f.hospitalCode || !f.opUid) return SMR.failed('参数缺失或不正确');
  const path = (await params).studyUuid;
  // 501 sends smrInfo[]; 502 sends one flat mark (Code=003) for the study in the path.
  const infos: unknown[] = Array.isArray(b.smrInfo) ? b.smrInfo : [{ ...b, reportId: path }];
  const marks: MarkInput[] = [];
  for (const i of infos) {
    if (!isObject(i)) return SMR.failed('参数缺失或不正确');
    const t = target(text(i, 'reportId') ?? text(i, 'ReportID') ?? path);
    const mk = text(i, 'smrMark');
    const reason = text(i, 'smrMessage');
    if (!t || (mk !== '1' && mk !== '2') || (mk === '2' && !reason)) return SMR.failed('参数缺失或不正确');
    marks.push({
      ...t,
      requestingOrgCode: f.hospitalCode,
      doctorCode: f.opUid,
      doctorName: f.opName,
      visitId: text(b, 'visitId') ?? null,
      requestItemCodes: (text(i, 'smrCode') ?? '').split(',').filter(Boolean),
      recognized: mk === '1',
      reasonCode: reason && /^[1-6]$/.test(reason) ? Number(reason) : null,
      reasonText: reason && !/^[1-6]$/.test(reason) ? reason : null,
      quoted: false,
      ip: text(b, 'stationIP') ?? text(b, 'stationIp') ?? null,
      mac: text(b, 'stationMAC') ?? null,
      dialect: 'NEIJIANG',
    });
  }
  try {
    await db.$transaction(async (tx) => {
      for (const m of marks) await markRecognition(tx, m);
    });
  } catch (e) {
    if (e instanceof RecognitionError) return SMR.failed(e.message === 'a reason is required to decline' ? '不互认须填写原因' : '参数缺失或不正确');
    throw e;
  }
  return SMR.ok();
}

export { mark as GET, mark as POST };
