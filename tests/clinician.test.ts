// The clinician side below the browser: recognition rules, repeat matching, and every dialect's
// route handler that writes retrieval records and recognition marks — documented errors included,
// and nothing written when the input is refused.
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as r1, POST as r2 } from '@/app/api-idcas/observations/recognition/route';
import { POST as saveRecogn } from '@/app/interface/saveRecognExamRecord/route';
import { POST as saveReminder } from '@/app/interface/saveReminderCallRecord/route';
import { GET as smrList } from '@/app/open/smr/studies/route';
import { POST as smrMark } from '@/app/open/smr/study/[studyUuid]/smrMark/route';
import { GET as shortLink } from '@/app/r/[code]/route';
import { hashPii } from '@/lib/crypto/pii';
import { smrSign } from '@/lib/crypto/dialect-crypto';
import { SPEC_SUBJECTS } from '@/lib/demo/spec-subjects';
import { findRecognisable, markRecognition, RecognitionError } from '@/lib/domain/recognition';
import { findRepeats } from '@/lib/domain/reminder';
import { saveClient } from '@/lib/links/clients';
import { issueAccessToken } from '@/lib/links/issue';
import { loadRegion } from '@/scripts/demo/load';
import { planRegion } from '@/scripts/demo/region';
import { appDatabase, type AppDatabase } from './support/app-db';

let db: AppDatabase;
let jilinToken: string;
let idcasToken: string;
const ORIGIN = 'http://yy.test';
const DAY = 86_400_000;

beforeAll(async () => {
  db = await appDatabase();
  await loadRegion(db.prisma, planRegion({ seed: 17, patients: 8 }), { images: false });
  await saveClient(db.prisma, { dialect: 'JILIN', clientKey: 'jl-2470', orgCodes: ['2470'] });
  jilinToken = (await issueAccessToken(db.prisma, '2470', 'his', ['jilin-api'], { dialect: 'JILIN' })).token;
  idcasToken = (await issueAccessToken(db.prisma, '2470', 'his', ['idcas-api'])).token;
}, 300_000);
afterAll(async () => {
  await db?.dispose();
});

async function patientOf(idCard: string) {
  return db.prisma.patient.findUniqueOrThrow({ where: { idCardHash: hashPii(idCard) } });
}

/** A patient with a recent audited chest CT at 57120003 (scope 川渝HR + YZHR), made here so the rules are visible. */
async function recentChestCt(daysAgo: number, orgCode = '57120003') {
  const p = await patientOf(SPEC_SUBJECTS.repeatReminder.idCardNo);
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { code: orgCode } });
  const at = new Date(Date.now() - daysAgo * DAY);
  return db.prisma.exam.create({
    data: { organizationId: org.id, patientId: p.id, accessionNumber: `RC-${orgCode}-${daysAgo}-${Math.random()}`, modality: 'CT', bodyPart: '胸部', itemCode: 'CT0201', itemName: '胸部CT平扫', standardItemCodes: ['BW23ZYZZZ-00'], performedAt: at, reportedAt: at, auditedAt: at, state: 'PUBLISHED', impression: '双肺未见明显异常。' },
  });
}

describe('recognition rules', () => {
  it('a result of another hospital in a shared scope, inside the validity window, with an audited report, is recognisable', async () => {
    const fresh = await recentChestCt(10);
    const stale = await recentChestCt(200); // CT items are valid 90 days
    const own = await recentChestCt(5, '2470');
    const p = await patientOf(SPEC_SUBJECTS.repeatReminder.idCardNo);
    const found = await findRecognisable(db.prisma, { requestingOrgCode: '2470', patientId: p.id, itemCodes: ['CT0201'] });
    const ids = found.filter((f) => f.kind === 'exam').map((f) => f.id);
    expect(ids).toContain(fresh.id);
    expect(ids).not.toContain(stale.id);
    expect(ids).not.toContain(own.id); // performed at the requesting hospital itself
    expect(found.find((f) => f.id === fresh.id)!.standardItems[0].code).toBe('BW23ZYZZZ-00');
    // An unaudited report is not recognisable.
    await db.prisma.exam.update({ where: { id: fresh.id }, data: { auditedAt: null } });
    expect((await findRecognisable(db.prisma, { requestingOrgCode: '2470', patientId: p.id, itemCodes: ['CT0201'] })).map((f) => f.id)).not.toContain(fresh.id);
    await db.prisma.exam.update({ where: { id: fresh.id }, data: { auditedAt: fresh.auditedAt } });
    // An item that maps to nothing finds nothing.
    expect(await findRecognisable(db.prisma, { requestingOrgCode: '2470', patientId: p.id, itemCodes: ['US0101'] })).toEqual([]);
  });

  it('declining needs a reason; the reason codes are 1–6', async () => {
    const e = await recentChestCt(3);
    await expect(markRecognition(db.prisma, { examId: e.id, requestingOrgCode: '2470', doctorCode: '001', recognized: false, quoted: false, dialect: 'IDCAS' })).rejects.toThrow(RecognitionError);
    await expect(markRecognition(db.prisma, { examId: e.id, requestingOrgCode: '2470', doctorCode: '001', recognized: false, reasonCode: 9, quoted: false, dialect: 'IDCAS' })).rejects.toThrow(RecognitionError);
    const m = await markRecognition(db.prisma, { examId: e.id, requestingOrgCode: '2470', doctorCode: '001', recognized: false, reasonCode: 4, quoted: false, dialect: 'IDCAS' });
    expect(m.reasonText).toContain('急诊');
  });
});

describe('repeat reminder', () => {
  it('finds the seed example patient\'s head exam as a confirmed repeat (100 %)', async () => {
    const p = await patientOf(SPEC_SUBJECTS.repeatReminder.idCardNo);
    const r = await findRepeats(db.prisma, { patientId: p.id, clinicType: 0, bodyPart: '头部' });
    expect(r.rate).toBe(100);
    expect(r.confirmed.some((x) => x.bodyPart === '头部')).toBe(true);
    const lab = await findRepeats(db.prisma, { patientId: p.id, clinicType: 1, items: ['肝功能', '微量元素六项'] });
    expect(lab.rate).toBe(100);
    expect(lab.confirmed.map((x) => x.itemName)).toContain('微量元素六项');
    expect((await findRepeats(db.prisma, { patientId: p.id, clinicType: 0, bodyPart: '膝关节' })).rate).toBe(0);
  });
});

const jilin = (handler: (r: NextRequest) => Promise<Response>, body: string, token: string | null = jilinToken) =>
  handler(new NextRequest(`${ORIGIN}/interface/x`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'X-Token': token } : {}) }, body }));

describe('Jilin saveReminderCallRecord / saveRecognExamRecord', () => {
  it('records a reminder, a view and a PDF query; refuses what the spec refuses and writes nothing then', async () => {
    const exam = await db.prisma.exam.findFirstOrThrow();
    const before = await db.prisma.retrievalRecord.count();
    // The spec's own example style: a missing comma and full-width colon.
    const ok = await jilin(saveReminder, `{"hospitalCode": "2470", "examId"："${exam.id}", "queryDocName": "张医师", "queryDocCode": "0112", "retrivaType": "1"\n"searchType": "2", "mac": "00-16-3E-11-22-33", "retrivalTime": "2022-11-14 15:05:05"}`);
    expect(await ok.json()).toEqual({ code: 200, msg: '上传成功！' });
    const row = await db.prisma.retrievalRecord.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(row).toMatchObject({ type: 'REMINDER', searchType: 'REPEAT', examId: exam.id, viewerOrgCode: '2470', doctorCode: '0112', mac: '00-16-3E-11-22-33', dialect: 'JILIN' });
    expect(row.at.toISOString()).toBe('2022-11-14T07:05:05.000Z');
    const missingSearch = await jilin(saveReminder, JSON.stringify({ examId: String(exam.id), queryDocName: '张', queryDocCode: '1', retrivaType: '1', mac: 'm', retrivalTime: '2022-11-14 15:05:05' }));
    expect(await missingSearch.json()).toEqual({ code: 400, msg: '入参不规范' });
    expect(missingSearch.status).toBe(400);
    expect((await jilin(saveReminder, '{"examId":', jilinToken)).status).toBe(400);
    expect(await (await jilin(saveReminder, '{}', null)).json()).toEqual({ code: 403, msg: '授权校验失败' });
    expect(await (await jilin(saveReminder, JSON.stringify({ hospitalCode: '57120003', examId: String(exam.id), queryDocName: '张', queryDocCode: '1', retrivaType: '2', mac: 'm', retrivalTime: '2022-11-14 15:05:05' }))).json()).toEqual({ code: 403, msg: '授权校验失败' });
    expect(await db.prisma.retrievalRecord.count()).toBe(before + 1);
  });

  it('records recognition and quoting; declining without a reason is refused', async () => {
    const exam = await recentChestCt(2);
    const base = { hospitalCode: '2470', examId: String(exam.id), queryDocName: '张医师', queryDocCode: '0112', retrivalTime: '2022-11-14 15:05:05', mac: 'mac地址' };
    expect(await (await jilin(saveRecogn, JSON.stringify({ ...base, recognFlag: '1', quoteFlag: '0' }))).json()).toEqual({ code: 200, msg: '上传成功！' });
    expect(await (await jilin(saveRecogn, JSON.stringify({ ...base, recognFlag: '0', quoteFlag: '0' }))).json()).toEqual({ code: 400, msg: '入参不规范' });
    expect(await (await jilin(saveRecogn, JSON.stringify({ ...base, recognFlag: '0', quoteFlag: '1', reason: '3' }))).json()).toEqual({ code: 200, msg: '上传成功！' });
    const marks = await db.prisma.recognitionMark.findMany({ where: { examId: exam.id }, orderBy: { id: 'asc' } });
    expect(marks.map((m) => [m.recognized, m.quoted, m.reasonCode])).toEqual([[true, false, null], [false, true, 3]]);
  });
});

describe('IDCAS R1/R2 /api-idcas/observations/recognition', () => {
  const query = (extra: Record<string, string>) =>
    new URLSearchParams({ visit_id: 'MZ001', org_code: '2470', depart_code: '0302', depart_name: '呼吸内科', doctor_no: '001', doctor_name: '王医生', doctor_id_card: '', card_type: '2', card_no: 'HC1', id_card_no: SPEC_SUBJECTS.repeatReminder.idCardNo, patient_name: '李敏', patient_sex: '2', patient_age: '39', age_unit: '岁', ip_address: '10.0.0.1', ip_mac: 'AA-BB', req_type: '3103', observation_item: 'CT0201', ...extra });
  const call = (q: URLSearchParams, token: string | null = idcasToken) => r1(new NextRequest(`${ORIGIN}/api-idcas/observations/recognition?${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

  it('returns a short page address when there is something to recognise; the address opens the page', async () => {
    await recentChestCt(4);
    const res = await call(query({}));
    const body = await res.json();
    expect(body.code).toBe(0);
    expect(body.data.length).toBeLessThanOrEqual(128);
    const code = body.data.split('/r/')[1];
    const open = await shortLink(new NextRequest(body.data), { params: Promise.resolve({ code }) });
    expect(open.status).toBe(303);
    expect(open.headers.get('location')).toMatch(/\/clinician\/recognition\?vs=/);
    expect(open.headers.get('set-cookie')).toMatch(/^yy_vs_/);
  });

  it('says plainly when there is nothing, and refuses bad requests', async () => {
    const none = await (await call(query({ observation_item: 'US0101' }))).json();
    expect(none).toEqual({ code: 0, msg: '无可互认的检查检验记录', data: '' });
    expect((await call(query({}), null)).status).toBe(401);
    const missing = await call(query({ observation_item: '' }));
    expect(await missing.json()).toMatchObject({ code: -1, msg: expect.stringContaining('observation_item') });
    const bad = await (await call(query({ req_type: '3102' }))).json();
    expect(bad.code).toBe(-1);
  });

  it('R2 keeps yesterday\'s visits and workstations', async () => {
    const post = (body: string) => r2(new NextRequest(`${ORIGIN}/api-idcas/observations/recognition`, { method: 'POST', headers: { authorization: `Bearer ${idcasToken}`, 'content-type': 'application/json' }, body }));
    expect(await (await post('{"org_code":"2470","patients_cnt":1520,"work_stations":88}')).json()).toEqual({ code: 0, msg: '成功' });
    expect(await (await post('{"org_code":"2470","patients_cnt":1600,"work_stations":90}')).json()).toEqual({ code: 0, msg: '成功' });
    const stats = await db.prisma.dailyRecognitionStat.findMany();
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ patientsCount: 1600, workStations: 90 });
    expect((await (await post('{"org_code":"2470","patients_cnt":-1,"work_stations":1}')).json()).code).toBe(-1);
  });
});

describe('Neijiang 501/502 /open/smr', () => {
  const secret = 'smr-secret';
  beforeAll(async () => {
    await saveClient(db.prisma, { dialect: 'NEIJIANG', clientKey: 'smr-ak', orgCodes: ['2470'], secret });
  });
  const signed = (f: Record<string, string>) => {
    const order = ['hospitalCode', 'idCard', 'smrCode', 'timeStamp', 'opName', 'opUid'] as const;
    return smrSign('smr-ak', order.filter((k) => f[k]).map((k) => [k, f[k]]), secret);
  };

  it('lists recognisable exams with a 16- or 32-character sign; a wrong sign is E9000', async () => {
    const exam = await recentChestCt(6);
    const f = { hospitalCode: '2470', idCard: SPEC_SUBJECTS.repeatReminder.idCardNo, timeStamp: String(Date.now()), opName: 'zhang', opUid: '001' };
    const q = new URLSearchParams({ requestId: 'R1', visitId: 'V1', hospitalCode: f.hospitalCode, ICCard: f.idCard, timeStamp: f.timeStamp, opName: f.opName, opUid: f.opUid, shareHR: '川渝HR', smrType: '检查' });
    const list = (sign: string) => smrList(new NextRequest(`${ORIGIN}/open/smr/studies?${q}`, { headers: { accessKey: 'smr-ak', sign } }));
    const ok = await (await list(signed(f).short)).json();
    expect(ok.code).toBe('N0000');
    expect(ok.result.study.map((s: { reportId: string }) => s.reportId)).toContain(`E${exam.id}`);
    expect(ok.result.dataList.length).toBe(ok.result.study.length);
    expect((await (await list(signed(f).full)).json()).code).toBe('N0000');
    expect((await (await list('0'.repeat(32))).json()).code).toBe('E9000');
  });

  it('marks recognition for the listed exam; a decline without a reason writes nothing', async () => {
    const exam = await recentChestCt(7);
    const f = { hospitalCode: '2470', idCard: SPEC_SUBJECTS.repeatReminder.idCardNo, timeStamp: String(Date.now()), opName: 'zhang', opUid: '001' };
    const send = (smrInfo: object[]) =>
      smrMark(new NextRequest(`${ORIGIN}/open/smr/study/E${exam.id}/smrMark`, { method: 'POST', headers: { accessKey: 'smr-ak', sign: signed(f).full, 'content-type': 'application/json' }, body: JSON.stringify({ requestId: 'R2', visitId: 'V2', hospitalCode: '2470', ICCard: f.idCard, timeStamp: f.timeStamp, opName: 'zhang', opUid: '001', stationIP: '1.2.3.4', stationMAC: 'AA', smrInfo }) }), { params: Promise.resolve({ studyUuid: `E${exam.id}` }) });
    const before = await db.prisma.recognitionMark.count();
    expect((await (await send([{ originHospitalCode: '57120003', smrMark: '1', reportId: `E${exam.id}` }, { originHospitalCode: '57120003', smrMark: '2', reportId: `E${exam.id}` }])).json()).code).toBe('E0000');
    expect(await db.prisma.recognitionMark.count()).toBe(before);
    expect((await (await send([{ originHospitalCode: '57120003', smrMark: '2', smrMessage: '2', reportId: `E${exam.id}` }])).json())).toEqual({ code: 'N0000', message: '成功', result: '' });
    const m = await db.prisma.recognitionMark.findFirstOrThrow({ where: { examId: exam.id } });
    expect(m).toMatchObject({ recognized: false, reasonCode: 2, visitId: 'V2', ip: '1.2.3.4', dialect: 'NEIJIANG' });
  });
});
