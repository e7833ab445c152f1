// Signed links end to end below HTTP: the seeds' own example URLs open the right subjects in the
// demo region; links built with fresh random keys verify in every dialect; each tampered,
// stale, incomplete or replayed variant is refused with the right reason; sessions are scoped.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPii } from '@/lib/crypto/pii';
import { tripleDesEncrypt } from '@/lib/crypto/dialect-crypto';
import { SEED_EXAMPLE_PATHS, SPEC_SUBJECTS } from '@/lib/demo/spec-subjects';
import { resolveScope } from '@/lib/domain/subjects';
import { buildDimageChannelLink, buildDimageQrLink, buildIdcasLink, buildOpenLink, buildXiamenLink, patientToken } from '@/lib/links/build';
import { invalidateClients, saveClient } from '@/lib/links/clients';
import { issueAccessToken, issueH5Link, issueIdcasLink, sevFor } from '@/lib/links/issue';
import { openLink, verifyLink } from '@/lib/links/open';
import { LinkRejection, type LinkPage } from '@/lib/links/types';
import { cookieAttributes, examInScope, sessionFrom } from '@/lib/sessions';
import { formatChinaDate } from '@/lib/time';
import { cookiesFrom, noCookies, regionDatabase } from './support/region';

let db: Awaited<ReturnType<typeof regionDatabase>>;
const BASE = 'https://yy.example';

beforeAll(async () => {
  db = await regionDatabase();
}, 300_000);
afterAll(async () => {
  await db?.dispose();
});

const search = (url: string) => url.slice(url.indexOf('?'));

async function verify(page: LinkPage, url: string, now?: Date) {
  return verifyLink(page, search(url), { prisma: db.prisma, now });
}

async function refusal(page: LinkPage, url: string, now?: Date): Promise<LinkRejection> {
  try {
    const ctx = await verifyLink(page, search(url), { prisma: db.prisma, now });
    await resolveScope(db.prisma, ctx);
  } catch (e) {
    if (e instanceof LinkRejection) return e;
    throw e;
  }
  throw new Error(`accepted: ${url}`);
}

async function open(page: LinkPage, url: string, cookies = noCookies) {
  return openLink({ page, search: search(url), cookies, https: true }, { prisma: db.prisma });
}

async function examId(orgCode: string, accession: string) {
  return (await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: accession, organization: { code: orgCode } } })).id;
}

async function idcasClient() {
  const c = await db.prisma.integrationClient.findFirstOrThrow({ where: { dialect: 'IDCAS', clientKey: 'yz-idcas' } });
  return c;
}

describe('the seeds\' example URLs open the right subjects in the demo', () => {
  it('clinicview (seed 002 P1): doctor 2470/001, the patient of exam SD-53242', async () => {
    const r = await open('clinicview', SEED_EXAMPLE_PATHS.clinicview);
    expect(r.status).toBe(303);
    expect(r.headers.location).toMatch(/^\/clinician\/patient\?vs=/);
    const exam = await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' } });
    expect(r.scope).toEqual({ patientId: exam.patientId, examIds: [], labTestIds: [] });
    expect(r.context?.caller).toMatchObject({ orgCode: '2470', workNo: '001' });
    expect(r.context?.options).toMatchObject({ startDate: '2021-05-05', endDate: '2021-05-19' });
  });

  it('exam-report (P2): org 1, med_rec_no 1 — that patient', async () => {
    const r = await open('exam-report', SEED_EXAMPLE_PATHS.examReport);
    expect(r.status).toBe(303);
    const ident = await db.prisma.patientIdentifier.findFirstOrThrow({ where: { kind: 'MED_REC_NO', value: '1', organization: { code: '1' } } });
    expect(r.scope?.patientId).toBe(ident.patientId);
  });

  it('repeat-reminder (P3), both examples: the ID-card patient, 头部 / 微量元素六项', async () => {
    const patient = await db.prisma.patient.findUniqueOrThrow({ where: { idCardHash: hashPii(SPEC_SUBJECTS.repeatReminder.idCardNo) } });
    const exam = await open('repeat-reminder', SEED_EXAMPLE_PATHS.repeatReminderExam);
    expect(exam.status).toBe(303);
    expect(exam.scope?.patientId).toBe(patient.id);
    expect(exam.context?.options).toMatchObject({ clinicType: 0, bodyPart: '头部' });
    // Both examples carry the same sign but are two links: the lab one opens its own session,
    // in the same browser too; each is one-time on its own.
    const lab = await open('repeat-reminder', SEED_EXAMPLE_PATHS.repeatReminderLab, cookiesFrom(exam.headers['set-cookie']));
    expect(lab.status).toBe(303);
    expect(lab.sessionRef).not.toBe(exam.sessionRef);
    expect(lab.context?.options).toMatchObject({ clinicType: 1, items: ['微量元素六项'] });
    expect((await open('repeat-reminder', SEED_EXAMPLE_PATHS.repeatReminderLab)).refusal?.reason).toBe('REPLAYED');
    const resumed = await open('repeat-reminder', SEED_EXAMPLE_PATHS.repeatReminderExam, cookiesFrom(exam.headers['set-cookie']));
    expect(resumed.sessionRef).toBe(exam.sessionRef);
  });

  it('dimage channel (seed 001): hospital 57120003, accession 000001013 of 2021-06-29', async () => {
    const r = await open('dimage', SEED_EXAMPLE_PATHS.dimage);
    expect(r.status).toBe(303);
    expect(r.scope?.examIds).toEqual([await examId('57120003', '000001013')]);
    expect(r.context?.options).toMatchObject({ feeCheck: true, privacyCheck: false, showAi: false, imageOnly: false });
  });

  it('recognition (R3) example verifies, then says which recognition fields its token lacks', async () => {
    const r = await open('recognition', SEED_EXAMPLE_PATHS.recognition);
    expect(r.status).toBe(400);
    expect(r.refusal?.reason).toBe('INCOMPLETE_TOKEN');
    expect(r.refusal?.fields).toEqual(expect.arrayContaining(['visit_id', 'depart_code', 'depart_name', 'doctor_no', 'doctor_name', 'card_type', 'id_card_no', 'patient_name', 'req_type']));
    expect(r.body).toContain('令牌缺少必需字段');
    expect(r.body).toContain('visit_id');
  });

  it('accepts the old examples only for a client that opted in, and only those exact signatures', async () => {
    const c = await idcasClient();
    await db.prisma.integrationClient.update({ where: { id: c.id }, data: { acceptStaleExamples: false } });
    invalidateClients();
    try {
      expect((await refusal('clinicview', SEED_EXAMPLE_PATHS.clinicview)).reason).toBe('EXPIRED');
    } finally {
      await db.prisma.integrationClient.update({ where: { id: c.id }, data: { acceptStaleExamples: true } });
    invalidateClients();
    }
    const old = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }), timestamp: new Date('2021-05-19T00:00:00+08:00') });
    expect((await refusal('clinicview', old)).reason).toBe('EXPIRED');
  });
});

describe('round trips with random keys and Chinese values', () => {
  const rnd = (n: number) => randomBytes(n).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, n);

  it('IDCAS: a new client with its own 3DES/MD5 keys and RSA sev', async () => {
    const keys = { desKey: `${rnd(10)}中`, desIv: rnd(8), md5Key: rnd(20) };
    await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: `t-${rnd(6)}`, orgCodes: ['SAF2313'], rsaPrivateKey: undefined, ...keys });
    const patient = db.plan.patients.find((p) => p.identifiers.some((i) => i.orgCode === 'SAF2313' && i.kind === 'MED_REC_NO'))!;
    const medRec = patient.identifiers.find((i) => i.orgCode === 'SAF2313' && i.kind === 'MED_REC_NO')!.value;
    const clinician = await db.prisma.clinician.findFirstOrThrow({ where: { organization: { code: 'SAF2313' }, workNo: '001' } });
    await db.prisma.clinicianSev.create({ data: { value: Buffer.from(rnd(40)).toString('base64'), clinicianId: clinician.id } });
    const client = (await db.prisma.integrationClient.findFirstOrThrow({ where: { dialect: 'IDCAS', organizations: { some: { code: 'SAF2313' } }, NOT: { clientKey: 'yz-idcas' } } }));
    const sev = (await db.prisma.clinicianSev.findFirstOrThrow({ where: { clinicianId: clinician.id } })).value;
    const url = buildIdcasLink(BASE, 'clinicview', { ...keys, sev, token: patientToken({ work_no: '001', org_code: 'SAF2313', med_rec_no: medRec, patient_name: patient.name }), params: [['source', 'HIS'], ['nosearch', 'true']] });
    const ctx = await verify('clinicview', url);
    expect(ctx.clientId).toBe(client.id);
    expect(ctx.patient).toMatchObject({ orgCode: 'SAF2313', medRecNo: medRec, name: patient.name });
    expect(ctx.options.nosearch).toBe(true);
  });

  it('IDCAS sev encrypted with the client\'s RSA key resolves the account', async () => {
    const c = await idcasClient();
    const keys = (await import('@/lib/links/clients')).toClientKeys(await db.prisma.integrationClient.findUniqueOrThrow({ where: { id: c.id }, include: { organizations: true } }));
    const sev = await sevFor(db.prisma, keys, '57120003', '002');
    expect(sev).toMatch(/^[A-Za-z0-9+/]{342}==$/);
    const url = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '57120003', workNo: '002', token: patientToken({ work_no: '002', org_code: '57120003', id_card_no: SPEC_SUBJECTS.repeatReminder.idCardNo }) });
    const ctx = await verify('clinicview', url);
    const account = await db.prisma.clinician.findFirstOrThrow({ where: { workNo: '002', organization: { code: '57120003' } } });
    expect(ctx.caller.accountClinicianId).toBe(account.id);
  });

  it('Neijiang: channel, QR (two accession numbers) and /open with a new hospital key', async () => {
    const aesKey = rnd(16), aesIv = rnd(16), secret = rnd(24), accessKey = `ak-${rnd(8)}`;
    const e = db.plan.exams[db.plan.exams.length - 1];
    const org = e.orgCode;
    await saveClient(db.prisma, { dialect: 'NEIJIANG', clientKey: accessKey, orgCodes: [org], aesKey, aesIv, secret });
    // The hospital's demo client is switched off so only the new keys can verify.
    await db.prisma.integrationClient.updateMany({ where: { dialect: 'NEIJIANG', clientKey: `yz-nj-${org}` }, data: { enabled: false } });
    invalidateClients();
    const exams = db.plan.exams.filter((x) => x.orgCode === org);
    const day = formatChinaDate(e.performedAt).replace(/-/g, '');
    const ch = await verify('dimage', buildDimageChannelLink(BASE, { aesKey, aesIv, hospitalCode: org, accessionNumber: e.accessionNumber, studyDate: day, privacyCheck: true, showAi: true, imageOnly: true }));
    expect(ch.exams).toMatchObject({ orgCode: org, accessionNumbers: [e.accessionNumber] });
    expect(ch.options).toMatchObject({ privacyCheck: true, feeCheck: false, showAi: true, imageOnly: true });
    const sameDay = exams.filter((x) => formatChinaDate(x.performedAt) === formatChinaDate(e.performedAt) && x.patientKey === e.patientKey);
    const qr = await verify('dimage-qr', buildDimageQrLink(BASE, { aesKey, aesIv, hsCode: org, accessionNumbers: sameDay.map((x) => x.accessionNumber), date: day }));
    expect(qr.exams.accessionNumbers).toEqual(sameDay.map((x) => x.accessionNumber));
    const person = db.plan.patients.find((p) => p.key === e.patientKey)!;
    const op = await verify('open', buildOpenLink(BASE, { accessKey, accessSecret: secret, hospitalCode: org, queryKey: 'patIcCard', queryValue: person.idCardNo }));
    expect(op.patient.idCardNo).toBe(person.idCardNo);
    await db.prisma.integrationClient.updateMany({ where: { dialect: 'NEIJIANG', clientKey: `yz-nj-${org}` }, data: { enabled: true } });
    invalidateClients();
  });

  it('Xiamen: UTF-16LE token over Chinese values with a new secret', async () => {
    const guid = crypto.randomUUID(), secret = `密钥${rnd(12)}`;
    await saveClient(db.prisma, { dialect: 'XIAMEN', clientKey: guid, orgCodes: ['2402'], secret });
    const p = db.plan.patients.find((x) => x.identifiers.some((i) => i.orgCode === '2402' && i.kind === 'MED_REC_NO'))!;
    const medRec = p.identifiers.find((i) => i.orgCode === '2402' && i.kind === 'MED_REC_NO')!.value;
    const url = buildXiamenLink(BASE, 'xiamen-exam-view', { customerGuid: guid, secret, params: [['UserID', 'd01'], ['UserName', '王医生'], ['UserOrganizationID', '2402'], ['UserOrganizationName', '云州市肿瘤医院'], ['MedRecNO', medRec]] });
    const ctx = await verify('xiamen-exam-view', url);
    expect(ctx.caller).toMatchObject({ workNo: 'd01', name: '王医生', orgCode: '2402' });
    expect((await resolveScope(db.prisma, ctx)).patientId).toBeGreaterThan(0);
  });

  it('IDCAS H5: per-value 3DES under an issued access token', async () => {
    const p = db.plan.patients[0];
    const url = await issueH5Link(db.prisma, BASE, 'h5-report-list', { orgCode: '2470', subject: '手机用户', params: [['nosearch', 'true'], ['identity_type', '1'], ['identity_no', p.idCardNo], ['perform_org_code', '2470'], ['perform_time_start', '2020-01-01'], ['perform_time_end', '2030-12-31']] });
    expect(url).not.toContain(p.idCardNo);
    const ctx = await verify('h5-report-list', url);
    expect(ctx.patient.idCardNo).toBe(p.idCardNo);
    expect(ctx.caller.name).toBe('手机用户');
    const { token } = await issueAccessToken(db.prisma, '2470', 'x', ['h5'], { hours: -1 });
    expect((await refusal('h5-report-list', url.replace(/token=[^&]+/, `token=${token}`))).reason).toBe('ACCESS_TOKEN_INVALID');
  });
});

describe('refusals', () => {
  let good: string;
  beforeAll(async () => {
    good = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }), params: [['source', 'HIS']] });
  });

  it('the good link verifies', async () => {
    expect((await verify('clinicview', good)).patient.accessionNumber).toBe('SD-53242');
  });

  it.each(['token', 'sev', 'timestamp', 'sign'])('each signed parameter changed alone: %s', async (name) => {
    const url = new URL(good);
    const v = url.searchParams.get(name)!;
    const changed = name === 'timestamp' ? v.replace(/:(\d\d)$/, (_, s) => `:${String((Number(s) + 1) % 60).padStart(2, '0')}`) : name === 'sign' ? (v[0] === 'a' ? 'b' : 'a') + v.slice(1) : v.slice(0, 10) + (v[10] === 'A' ? 'B' : 'A') + v.slice(11);
    url.searchParams.set(name, changed);
    expect(['BAD_SIGNATURE', 'MALFORMED_PARAMETER']).toContain((await refusal('clinicview', url.toString())).reason);
  });

  it.each(['token', 'sev', 'timestamp', 'sign'])('a missing parameter: %s', async (name) => {
    const url = new URL(good);
    url.searchParams.delete(name);
    const r = await refusal('clinicview', url.toString());
    expect(r.reason).toBe('MISSING_PARAMETER');
    expect(r.fields).toContain(name);
  });

  it('a wrong key (another client\'s MD5 key) is a bad signature; a wrong 3DES key too', async () => {
    const c = await idcasClient();
    const sev = await db.prisma.clinicianSev.findFirstOrThrow();
    const wrongMd5 = buildIdcasLink(BASE, 'clinicview', { desKey: 'eWorldTomTaw#7=*', desIv: 'TomTaw#7', md5Key: 'notTheKey', sev: sev.value, token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }) });
    expect((await refusal('clinicview', wrongMd5)).reason).toBe('BAD_SIGNATURE');
    const wrongDes = buildIdcasLink(BASE, 'clinicview', { desKey: 'anotherKey123456', desIv: 'TomTaw#7', md5Key: 'TomtawMD5Key', sev: sev.value, token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }) });
    const r = await refusal('clinicview', wrongDes);
    expect(r.reason).toBe('BAD_SIGNATURE'); // the same answer as a wrong sign: no padding oracle
    expect(c.id).toBeGreaterThan(0);
  });

  it('stale and future timestamps, just outside the window', async () => {
    const token = patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' });
    for (const offset of [-601_000, 601_000]) {
      const url = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token, timestamp: new Date(Date.now() + offset) });
      expect((await refusal('clinicview', url)).reason).toBe('EXPIRED');
    }
    const inside = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token, timestamp: new Date(Date.now() - 500_000) });
    expect((await verify('clinicview', inside)).page).toBe('clinicview');
  });

  it('broken Base64 and hex', async () => {
    expect((await refusal('clinicview', good.replace(/token=[^&]+/, 'token=%%%%'))).reason).toBe('MALFORMED_PARAMETER');
    expect((await refusal('clinicview', good.replace(/token=[^&]+/, 'token=abc'))).reason).toBe('MALFORMED_PARAMETER');
    expect((await refusal('dimage', SEED_EXAMPLE_PATHS.dimage.replace('channel=E2', 'channel=Z2'))).reason).toBe('MALFORMED_PARAMETER');
    expect((await refusal('dimage', SEED_EXAMPLE_PATHS.dimage.slice(0, -2))).reason).toBe('MALFORMED_PARAMETER');
    expect((await refusal('dimage', SEED_EXAMPLE_PATHS.dimage.slice(0, -32))).reason).toBe('BAD_SIGNATURE');
  });

  it('"+" turned into a space and a doubly encoded token are repaired (same subject); other damage is refused', async () => {
    const token = new URL(good).searchParams.get('token')!;
    expect(token).toMatch(/[+/]/);
    const spaced = good.replace(/token=[^&]+/, `token=${token.replace(/\+/g, '%20').replace(/\//g, '%2F')}`);
    const doubled = good.replace(/token=[^&]+/, `token=${encodeURIComponent(encodeURIComponent(token))}`);
    for (const u of [spaced, doubled]) expect((await verify('clinicview', u)).patient.accessionNumber).toBe('SD-53242');
    const tripled = good.replace(/token=[^&]+/, `token=${encodeURIComponent(encodeURIComponent(encodeURIComponent(token)))}`);
    expect((await refusal('clinicview', tripled)).reason).toBe('MALFORMED_PARAMETER');
  });

  it('a parameter given twice is refused rather than guessed', async () => {
    expect((await refusal('clinicview', `${good}&sign=${new URL(good).searchParams.get('sign')}`)).reason).toBe('MALFORMED_PARAMETER');
  });

  it('a token swapped onto another page opens nothing beyond its own patient', async () => {
    const q = search(good);
    expect((await refusal('repeat-reminder', `${q}&clinic_type=0&id_card_no=${SPEC_SUBJECTS.repeatReminder.idCardNo}&exam_body_part=头部`)).reason).toBe('BAD_SIGNATURE');
    expect((await refusal('recognition', q)).reason).toBe('INCOMPLETE_TOKEN');
    // On exam-report the P1 token is the spec's own schema: the exam must be its patient's.
    const mine = await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' } });
    const other = await db.prisma.exam.findFirstOrThrow({ where: { NOT: { patientId: mine.patientId } }, include: { organization: true } });
    expect((await refusal('exam-report', `${q}&perform_org_code=${other.organization.code}&accession_number=${other.accessionNumber}`)).reason).toBe('NOT_FOUND');
    const ctx = await verify('exam-report', `${q}&perform_org_code=2470&accession_number=SD-53242`);
    expect((await resolveScope(db.prisma, ctx)).examIds).toEqual([mine.id]);
  });

  it('exam-report: an exam of another patient than the token names is not found', async () => {
    const idCard = SPEC_SUBJECTS.repeatReminder.idCardNo;
    const foreign = await db.prisma.exam.findFirstOrThrow({ where: { patient: { idCardHash: { not: hashPii(idCard) } } }, include: { organization: true } });
    const url = await issueIdcasLink(db.prisma, BASE, 'exam-report', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', id_card_no: idCard }), params: [['perform_org_code', foreign.organization.code], ['accession_number', foreign.accessionNumber]] });
    expect((await refusal('exam-report', url)).reason).toBe('NOT_FOUND');
  });

  it('an organization the client does not act for', async () => {
    await db.prisma.organization.create({ data: { code: 'OUTSIDER', name: '区外医院' } });
    const url = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: 'OUTSIDER', med_rec_no: 'x' }) });
    expect((await refusal('clinicview', url)).reason).toBe('ORG_UNAUTHORIZED');
  });

  it('a plain QR code (no encrypted accession number) is refused unless the hospital allows it', async () => {
    const e = db.plan.exams.find((x) => x.orgCode === '2470')!;
    const pid = db.plan.patients.find((p) => p.key === e.patientKey)!.identifiers.find((i) => i.orgCode === '2470' && i.kind === 'PATIENT_ID')!.value;
    const url = `${BASE}/dimage/index.html?PatientId=${pid}&hsCode=2470&date=${formatChinaDate(e.performedAt).replace(/-/g, '')}`;
    expect((await refusal('dimage-qr', url)).reason).toBe('PLAIN_QR_REFUSED');
  });
});

describe('pages with unsigned selectors', () => {
  it('are one-time by default and refused on a second use', async () => {
    const url = await issueIdcasLink(db.prisma, BASE, 'repeat-reminder', { orgCode: '2470', workNo: '002', params: [['clinic_type', '0'], ['id_card_no', SPEC_SUBJECTS.repeatReminder.idCardNo], ['exam_body_part', '头部']] });
    const first = await open('repeat-reminder', url);
    expect(first.status).toBe(303);
    expect(first.context?.oneTime).toBe(true);
    expect(first.context?.fullyCovered).toBe(false);
    expect((await open('repeat-reminder', url)).refusal?.reason).toBe('REPLAYED');
  });

  it('have a window of 5 minutes even when the client allows 10', async () => {
    const url = await issueIdcasLink(db.prisma, BASE, 'repeat-reminder', { orgCode: '2470', workNo: '002', timestamp: new Date(Date.now() - 400_000), params: [['clinic_type', '0'], ['id_card_no', SPEC_SUBJECTS.repeatReminder.idCardNo], ['exam_body_part', '头部']] });
    expect((await refusal('repeat-reminder', url)).reason).toBe('EXPIRED');
  });

  it('the strict variant signs every parameter: reusable, and any edit is refused', async () => {
    const params: [string, string][] = [['clinic_type', '0'], ['id_card_no', SPEC_SUBJECTS.repeatReminder.idCardNo], ['exam_body_part', '头部']];
    const url = await issueIdcasLink(db.prisma, BASE, 'repeat-reminder', { orgCode: '2470', workNo: '002', params, strict: true });
    const ctx = await verify('repeat-reminder', url);
    expect(ctx).toMatchObject({ fullyCovered: true, oneTime: false });
    const other = db.plan.patients.find((p) => p.idCardNo !== SPEC_SUBJECTS.repeatReminder.idCardNo)!;
    expect((await refusal('repeat-reminder', url.replace(SPEC_SUBJECTS.repeatReminder.idCardNo, other.idCardNo))).reason).toBe('BAD_SIGNATURE');
    const c = await idcasClient();
    await db.prisma.integrationClient.update({ where: { id: c.id }, data: { strictLinks: true } });
    invalidateClients();
    try {
      const plain = await issueIdcasLink(db.prisma, BASE, 'repeat-reminder', { orgCode: '2470', workNo: '002', params });
      expect((await refusal('repeat-reminder', plain)).reason).toBe('STRICT_REQUIRED');
    } finally {
      await db.prisma.integrationClient.update({ where: { id: c.id }, data: { strictLinks: false } });
    invalidateClients();
    }
  });
});

describe('one-time use and resume are keyed on the whole link', () => {
  // Links built as a HIS builds them: one sev for the doctor and one timestamp, so links issued in
  // the same second carry the same sign (repeat-reminder signs only "" + sev + timestamp).
  let keys: { desKey: string; desIv: string; md5Key: string; sev: string };
  const at = () => new Date(Math.floor(Date.now() / 1000) * 1000);
  beforeAll(async () => {
    const c = await db.prisma.integrationClient.findFirstOrThrow({ where: { dialect: 'IDCAS', clientKey: 'yz-idcas' }, include: { organizations: true } });
    const k = (await import('@/lib/links/clients')).toClientKeys(c);
    keys = { desKey: k.desKey!, desIv: k.desIv!, md5Key: k.md5Key!, sev: await sevFor(db.prisma, k, '2470', '002') };
  });
  const reminder = (timestamp: Date, params: [string, string][]) => buildIdcasLink(BASE, 'repeat-reminder', { ...keys, timestamp, params });
  const sign = (url: string) => new URL(url).searchParams.get('sign');
  const patientOf = async (idCard: string) => (await db.prisma.patient.findUniqueOrThrow({ where: { idCardHash: hashPii(idCard) } })).id;

  it('two reminder links with the same sev and second for two patients each open their own patient', async () => {
    const [p1, p2] = db.plan.patients;
    const t = at();
    const first = reminder(t, [['clinic_type', '0'], ['id_card_no', p1.idCardNo], ['exam_body_part', '头部']]);
    const second = reminder(t, [['clinic_type', '0'], ['id_card_no', p2.idCardNo], ['exam_body_part', '头部']]);
    expect(sign(second)).toBe(sign(first));
    const a = await open('repeat-reminder', first);
    expect(a.status).toBe(303);
    expect(a.scope?.patientId).toBe(await patientOf(p1.idCardNo));
    const jar = cookiesFrom(a.headers['set-cookie']);
    // In the browser that opened the first: the second is its own session, about its own patient.
    const b = await open('repeat-reminder', second, jar);
    expect(b.status).toBe(303);
    expect(b.sessionRef).not.toBe(a.sessionRef);
    expect(b.scope?.patientId).toBe(await patientOf(p2.idCardNo));
    expect((await db.prisma.viewSession.findUniqueOrThrow({ where: { id: b.sessionRef! } })).patientId).toBe(await patientOf(p2.idCardNo));
    // A reload of exactly the first link resumes the first session; another browser is refused.
    const reload = await open('repeat-reminder', first, jar);
    expect(reload.status).toBe(303);
    expect(reload.sessionRef).toBe(a.sessionRef);
    expect((await open('repeat-reminder', first)).refusal?.reason).toBe('REPLAYED');
  });

  it('in a fresh browser the second link is not 链接已使用', async () => {
    const [p1, p2] = db.plan.patients;
    const t = at();
    expect((await open('repeat-reminder', reminder(t, [['clinic_type', '0'], ['id_card_no', p1.idCardNo], ['exam_body_part', '胸部']]))).status).toBe(303);
    const second = await open('repeat-reminder', reminder(t, [['clinic_type', '0'], ['id_card_no', p2.idCardNo], ['exam_body_part', '胸部']]));
    expect(second.refusal?.reason).toBeUndefined();
    expect(second.status).toBe(303);
    expect(second.scope?.patientId).toBe(await patientOf(p2.idCardNo));
  });

  it('a lab reminder (clinic_type=1) after a body-part reminder of the same sev and second shows the lab item', async () => {
    const p = db.plan.patients[2];
    const t = at();
    const exam = await open('repeat-reminder', reminder(t, [['clinic_type', '0'], ['id_card_no', p.idCardNo], ['exam_body_part', '头部']]));
    const lab = await open('repeat-reminder', reminder(t, [['clinic_type', '1'], ['id_card_no', p.idCardNo], ['exam_item', '血常规']]), cookiesFrom(exam.headers['set-cookie']));
    expect(lab.status).toBe(303);
    expect(lab.sessionRef).not.toBe(exam.sessionRef);
    const s = await db.prisma.viewSession.findUniqueOrThrow({ where: { id: lab.sessionRef! } });
    expect((s.context as { options: object }).options).toMatchObject({ clinicType: 1, items: ['血常规'] });
    const fresh = await open('repeat-reminder', reminder(t, [['clinic_type', '1'], ['id_card_no', p.idCardNo], ['exam_item', '微量元素六项']]));
    expect(fresh.status).toBe(303);
  });

  it('exam-report links sharing a token and second: each opens its own exam, in one browser or two', async () => {
    const anchor = await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' }, include: { patient: true } });
    const sibling = await db.prisma.exam.create({ data: { organizationId: anchor.organizationId, patientId: anchor.patientId, accessionNumber: 'SD-53242-B', modality: 'DR', itemCode: 'X', itemName: '胸部正位' } });
    const [e1, e2] = [{ orgCode: '2470', accessionNumber: anchor.accessionNumber }, { orgCode: '2470', accessionNumber: sibling.accessionNumber }];
    const t = at();
    const token = patientToken({ work_no: '002', org_code: '2470', accession_number: anchor.accessionNumber });
    const report = (accession: string) => buildIdcasLink(BASE, 'exam-report', { ...keys, timestamp: t, token, params: [['perform_org_code', e1.orgCode], ['accession_number', accession]] });
    expect(sign(report(e2.accessionNumber))).toBe(sign(report(e1.accessionNumber)));
    const a = await open('exam-report', report(e1.accessionNumber));
    expect(a.scope?.examIds).toEqual([await examId(e1.orgCode, e1.accessionNumber)]);
    const b = await open('exam-report', report(e2.accessionNumber), cookiesFrom(a.headers['set-cookie']));
    expect(b.status).toBe(303);
    expect(b.sessionRef).not.toBe(a.sessionRef);
    expect(b.scope?.examIds).toEqual([await examId(e2.orgCode, e2.accessionNumber)]);
    expect((await open('exam-report', report(e1.accessionNumber), cookiesFrom(a.headers['set-cookie']))).sessionRef).toBe(a.sessionRef);
    expect((await open('exam-report', report(e1.accessionNumber))).refusal?.reason).toBe('REPLAYED');
  });

  it('a link signed over every parameter is spent by its signature: a copy with a parameter added is replayed', async () => {
    const c = await idcasClient();
    await db.prisma.integrationClient.update({ where: { id: c.id }, data: { oneTimeSignatures: true } });
    invalidateClients();
    try {
      const url = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }) });
      const first = await open('clinicview', url);
      expect(first.status).toBe(303);
      expect((await open('clinicview', `${url}&x=1`)).refusal?.reason).toBe('REPLAYED');
      // The same browser with the edited copy does not resume either: only exactly the link does.
      expect((await open('clinicview', `${url}&x=1`, cookiesFrom(first.headers['set-cookie']))).refusal?.reason).toBe('REPLAYED');
      expect((await open('clinicview', url, cookiesFrom(first.headers['set-cookie']))).sessionRef).toBe(first.sessionRef);
    } finally {
      await db.prisma.integrationClient.update({ where: { id: c.id }, data: { oneTimeSignatures: false } });
      invalidateClients();
    }
  });
});

describe('a one-time link is spent only when it opens', () => {
  it('a refused, tampered copy (an exam of another patient) leaves the genuine link usable', async () => {
    const mine = await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' }, include: { patient: true } });
    const other = await db.prisma.exam.findFirstOrThrow({ where: { NOT: { patientId: mine.patientId }, organization: { code: '2470' } } });
    const genuine = await issueIdcasLink(db.prisma, BASE, 'exam-report', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', accession_number: 'SD-53242' }), params: [['perform_org_code', '2470'], ['accession_number', 'SD-53242']] });
    const tampered = genuine.replace('accession_number=SD-53242', `accession_number=${encodeURIComponent(other.accessionNumber)}`);
    const bad = await open('exam-report', tampered);
    expect(bad.refusal?.reason).toBe('NOT_FOUND');
    const good = await open('exam-report', genuine);
    expect(good.status).toBe(303);
    expect(good.scope?.examIds).toEqual([mine.id]);
  });

  it('a link refused because its subject is not there yet opens once the subject arrives', async () => {
    const c = await idcasClient();
    await db.prisma.integrationClient.update({ where: { id: c.id }, data: { oneTimeSignatures: true } });
    invalidateClients();
    try {
      const accession = `LATE-${randomBytes(3).toString('hex')}`;
      const url = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', accession_number: accession }) });
      expect((await open('clinicview', url)).refusal?.reason).toBe('NOT_FOUND');
      const anchor = await db.prisma.exam.findFirstOrThrow({ where: { accessionNumber: 'SD-53242' } });
      await db.prisma.exam.create({ data: { organizationId: anchor.organizationId, patientId: anchor.patientId, accessionNumber: accession, modality: 'CT', itemCode: 'X', itemName: '头部CT平扫' } });
      const r = await open('clinicview', url);
      expect(r.status).toBe(303);
      expect(r.scope?.patientId).toBe(anchor.patientId);
    } finally {
      await db.prisma.integrationClient.update({ where: { id: c.id }, data: { oneTimeSignatures: false } });
      invalidateClients();
    }
  });

  it('of two concurrent opens of one link exactly one wins', async () => {
    const p = db.plan.patients[3];
    const url = await issueIdcasLink(db.prisma, BASE, 'repeat-reminder', { orgCode: '2470', workNo: '002', params: [['clinic_type', '0'], ['id_card_no', p.idCardNo], ['exam_body_part', '胸部']] });
    const both = await Promise.all([open('repeat-reminder', url), open('repeat-reminder', url), open('repeat-reminder', url)]);
    expect(both.map((r) => r.status).sort()).toEqual([303, 403, 403]);
    expect(both.filter((r) => r.refusal).map((r) => r.refusal!.reason)).toEqual(['REPLAYED', 'REPLAYED']);
  });
});

describe('a refusal writes nothing but its count', () => {
  it('leaves every table but LinkRefusalCount as it was', async () => {
    const tables = (await db.sql.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = current_schema() order by 1`)).map((r) => r.t);
    const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, (await db.sql.query<{ n: number }>(`select count(*)::int as n from "${t}"`))[0].n] as const)));
    const before = await counts();
    const refusals = await db.prisma.linkRefusalCount.aggregate({ _sum: { count: true } });
    const r = await open('clinicview', SEED_EXAMPLE_PATHS.clinicview.replace('sign=ab9', 'sign=ab8'));
    expect(r.status).toBe(403);
    expect(r.body).toContain('签名无效');
    const after = await counts();
    for (const t of tables) if (t !== 'LinkRefusalCount') expect(after[t], t).toBe(before[t]);
    expect((await db.prisma.linkRefusalCount.aggregate({ _sum: { count: true } }))._sum.count).toBe((refusals._sum.count ?? 0) + 1);
  });
});

describe('viewing sessions', () => {
  it('hold the scope, and the cookie that opens them only with its own secret', async () => {
    const r = await open('dimage', SEED_EXAMPLE_PATHS.dimage);
    const jar = cookiesFrom(r.headers['set-cookie']);
    const s = await sessionFrom(db.prisma, jar, r.sessionRef);
    expect(s?.examIds).toEqual([await examId('57120003', '000001013')]);
    const own = await db.prisma.exam.findUniqueOrThrow({ where: { id: s!.examIds[0] } });
    expect(examInScope(s!, own)).toBe(true);
    const sibling = await db.prisma.exam.findFirst({ where: { patientId: own.patientId, NOT: { id: own.id } } });
    if (sibling) expect(examInScope(s!, sibling)).toBe(false);
    const stranger = await db.prisma.exam.findFirstOrThrow({ where: { NOT: { patientId: own.patientId } } });
    expect(examInScope(s!, stranger)).toBe(false);
    const forged = { get: (n: string) => (jar.get(n) ? { value: 'x'.repeat(43) } : undefined), getAll: () => jar.getAll().map((c) => ({ ...c, value: 'x'.repeat(43) })) };
    expect(await sessionFrom(db.prisma, forged, r.sessionRef)).toBeNull();
    await db.prisma.viewSession.update({ where: { id: r.sessionRef! }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionFrom(db.prisma, jar, r.sessionRef)).toBeNull();
  });

  it('use cookies a HIS iframe can carry over https, and Lax over plain http', () => {
    expect(cookieAttributes(true, 60)).toBe('Path=/; HttpOnly; Max-Age=60; SameSite=None; Secure; Partitioned');
    expect(cookieAttributes(false, 60)).toBe('Path=/; HttpOnly; Max-Age=60; SameSite=Lax');
  });

  it('store no clear personal data', async () => {
    const rows = await db.sql.query<{ c: string }>(`select context::text as c from "ViewSession"`);
    expect(rows.length).toBeGreaterThan(0);
    for (const p of db.plan.patients) for (const r of rows) expect(r.c).not.toContain(p.idCardNo);
  });
});

describe('3DES tokens with Chinese values', () => {
  it('round-trip through the IDCAS verifier', async () => {
    const p = db.plan.patients.find((x) => /[\u4e00-\u9fff]/.test(x.name))!;
    const url = await issueIdcasLink(db.prisma, BASE, 'clinicview', { orgCode: '2470', workNo: '001', token: patientToken({ work_no: '001', org_code: '2470', patient_name: p.name, id_card_no: p.idCardNo }) });
    expect((await verify('clinicview', url)).patient.name).toBe(p.name);
    expect(tripleDesEncrypt('x', 'k', '12345678')).toBeTruthy();
  });
});
