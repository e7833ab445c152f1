// Request bodies at every route that reads one: credentials are checked before the body is read
// (where the dialect allows), bodies are capped while they stream in, and any JSON value — or none —
// gets the route's own error envelope, never a 500 and never a write.
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as r1, POST as r2 } from '@/app/api-idcas/observations/recognition/route';
import { POST as privacyCheck } from '@/app/api/view/privacy-check/route';
import { POST as recognitionMarks } from '@/app/api/view/recognition-marks/route';
import { POST as saveRecogn } from '@/app/interface/saveRecognExamRecord/route';
import { POST as saveReminder } from '@/app/interface/saveReminderCallRecord/route';
import { POST as uploadDicom } from '@/app/interface/uploadDicom/route';
import { POST as smrList } from '@/app/open/smr/studies/route';
import { POST as smrMark } from '@/app/open/smr/study/[studyUuid]/smrMark/route';
import { GET as shortLink } from '@/app/r/[code]/route';
import { smrSign } from '@/lib/crypto/dialect-crypto';
import { hashPii } from '@/lib/crypto/pii';
import { SPEC_SUBJECTS } from '@/lib/demo/spec-subjects';
import { saveClient } from '@/lib/links/clients';
import { issueAccessToken } from '@/lib/links/issue';
import { loadRegion } from '@/scripts/demo/load';
import { planRegion } from '@/scripts/demo/region';
import { appDatabase, type AppDatabase } from './support/app-db';

// The Jilin upload cap follows YINGYUN_DICOM_MAX_BYTES (read when the ingest module loads): small here.
vi.hoisted(() => {
  process.env.YINGYUN_DICOM_MAX_BYTES = String(256 * 1024);
});

const ORIGIN = 'http://yy.test';
/** Streaming request bodies need `duplex: 'half'`, which the DOM typings do not know yet. */
type NextRequestInit = ConstructorParameters<typeof NextRequest>[1];
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;
const SMR_KEY = 'smr-ak';
const SMR_SECRET = 'smr-secret';

let db: AppDatabase;
let jilinToken: string;
let idcasToken: string;
let examId: number;

beforeAll(async () => {
  db = await appDatabase();
  await loadRegion(db.prisma, planRegion({ seed: 23, patients: 4 }), { images: false });
  await saveClient(db.prisma, { dialect: 'JILIN', clientKey: 'jl-2470', orgCodes: ['2470'] });
  await saveClient(db.prisma, { dialect: 'NEIJIANG', clientKey: SMR_KEY, orgCodes: ['2470'], secret: SMR_SECRET });
  jilinToken = (await issueAccessToken(db.prisma, '2470', 'his', ['jilin-api'], { dialect: 'JILIN' })).token;
  idcasToken = (await issueAccessToken(db.prisma, '2470', 'his', ['idcas-api'])).token;
  // A recent audited chest CT at another hospital of 2470's scope: something to list, mark and recognise.
  const patient = await db.prisma.patient.findUniqueOrThrow({ where: { idCardHash: hashPii(SPEC_SUBJECTS.repeatReminder.idCardNo) } });
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { code: '57120003' } });
  const at = new Date(Date.now() - 5 * 86_400_000);
  examId = (
    await db.prisma.exam.create({
      data: { organizationId: org.id, patientId: patient.id, accessionNumber: 'BODY-CT-1', modality: 'CT', bodyPart: '胸部', itemCode: 'CT0201', itemName: '胸部CT平扫', standardItemCodes: ['BW23ZYZZZ-00'], performedAt: at, reportedAt: at, auditedAt: at, state: 'PUBLISHED', impression: '双肺未见明显异常。' },
    })
  ).id;
}, 300_000);
afterAll(async () => {
  await db?.dispose();
});

/**
 * A request body that counts what the handler pulled from it: `prefix`, then filler up to `total`
 * bytes, then `suffix`. No chunk is produced before someone reads (high-water mark 0).
 */
function countedBody(total: number, prefix = '', suffix = '', fill = 0x78 /* x */) {
  const head = Buffer.from(prefix);
  const tail = Buffer.from(suffix);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (sent >= total) return c.close();
        const n = Math.min(CHUNK, total - sent);
        const chunk = Buffer.alloc(n, fill);
        for (let i = 0; i < n; i++) {
          const at = sent + i;
          if (at < head.length) chunk[i] = head[at];
          else if (at >= total - tail.length) chunk[i] = tail[at - (total - tail.length)];
        }
        sent += n;
        c.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent };
}

/** Fields as a JSON object padded with a filler field to `total` bytes. */
function paddedJson(fields: Record<string, unknown>, total: number) {
  return countedBody(total, '{"pad":"', `",${JSON.stringify(fields).slice(1)}`);
}

function post(path: string, headers: Record<string, string>, body: ReadableStream<Uint8Array> | string, declared?: number) {
  return new NextRequest(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...(declared !== undefined ? { 'content-length': String(declared) } : {}) },
    body,
    duplex: 'half',
  } as NextRequestInit);
}

const smrFields = () => ({ hospitalCode: '2470', idCard: SPEC_SUBJECTS.repeatReminder.idCardNo, timeStamp: String(Date.now()), opName: 'zhang', opUid: '001' });
const smrSigned = (f: Record<string, string>) =>
  smrSign(SMR_KEY, (['hospitalCode', 'idCard', 'smrCode', 'timeStamp', 'opName', 'opUid'] as const).filter((k) => f[k]).map((k) => [k, f[k]]), SMR_SECRET).full;
const markParams = () => ({ params: Promise.resolve({ studyUuid: `E${examId}` }) });

/** A valid signed 501 mark body (writes one recognition mark when accepted). */
function smrMarkFields() {
  const f = smrFields();
  return { sign: smrSigned(f), body: { requestId: 'R9', visitId: 'V9', hospitalCode: f.hospitalCode, ICCard: f.idCard, timeStamp: f.timeStamp, opName: f.opName, opUid: f.opUid, smrInfo: [{ smrMark: '1', reportId: `E${examId}` }] } };
}

const writes = async () => ({
  marks: await db.prisma.recognitionMark.count(),
  retrievals: await db.prisma.retrievalRecord.count(),
  stats: await db.prisma.dailyRecognitionStat.count(),
  instances: await db.prisma.dicomInstance.count(),
});

describe('credentials before the body', () => {
  const huge = 50 * MB;
  const cases: [string, (body: ReadableStream<Uint8Array>, declared?: number) => Promise<Response>, (res: Response) => Promise<void>][] = [
    [
      '/open/smr/studies without an accessKey',
      (b, d) => smrList(post('/open/smr/studies', {}, b, d)),
      async (res) => expect(await res.json()).toEqual({ code: 'E9000', message: '签名错误', result: '' }),
    ],
    [
      '/open/smr/studies with an unknown accessKey',
      (b, d) => smrList(post('/open/smr/studies', { accessKey: 'who', sign: '0'.repeat(32) }, b, d)),
      async (res) => expect(await res.json()).toEqual({ code: 'E9000', message: '签名错误', result: '' }),
    ],
    [
      '/open/smr/studies with a known accessKey but no sign',
      (b, d) => smrList(post('/open/smr/studies', { accessKey: SMR_KEY }, b, d)),
      async (res) => expect(await res.json()).toEqual({ code: 'E9000', message: '签名错误', result: '' }),
    ],
    [
      'smrMark with an unknown accessKey',
      (b, d) => smrMark(post(`/open/smr/study/E${examId}/smrMark`, { accessKey: 'who', sign: '0'.repeat(32) }, b, d), markParams()),
      async (res) => expect(await res.json()).toEqual({ code: 'E9000', message: '签名错误', result: '' }),
    ],
    [
      'IDCAS R2 without a Bearer token',
      (b, d) => r2(post('/api-idcas/observations/recognition', {}, b, d)),
      async (res) => {
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ code: -1, msg: '未授权' });
      },
    ],
    [
      'IDCAS R2 with a wrong Bearer token',
      (b, d) => r2(post('/api-idcas/observations/recognition', { authorization: 'Bearer nope' }, b, d)),
      async (res) => expect(res.status).toBe(401),
    ],
    [
      'Jilin saveReminderCallRecord without X-Token',
      (b, d) => saveReminder(post('/interface/saveReminderCallRecord', {}, b, d)),
      async (res) => expect(await res.json()).toEqual({ code: 403, msg: '授权校验失败' }),
    ],
  ];

  for (const [name, call, refused] of cases) {
    it(`a 50 MB body to ${name} is refused without being read`, async () => {
      const before = await writes();
      const chunked = countedBody(huge, '{"hospitalCode":"2470","pad":"');
      await refused(await call(chunked.stream));
      expect(chunked.pulled()).toBe(0);
      const declared = countedBody(huge, '{"hospitalCode":"2470","pad":"');
      await refused(await call(declared.stream, huge));
      expect(declared.pulled()).toBe(0);
      expect(await writes()).toEqual(before);
    });
  }
});

describe('a body over the cap, with valid credentials', () => {
  const size = 2 * MB;
  const cases: [string, (body: ReadableStream<Uint8Array>, declared?: number) => Promise<Response>, (res: Response) => Promise<void>, () => Record<string, unknown>][] = [];
  {
    const m = smrMarkFields();
    cases.push([
      'smrMark (a valid signed mark)',
      (b, d) => smrMark(post(`/open/smr/study/E${examId}/smrMark`, { accessKey: SMR_KEY, sign: m.sign }, b, d), markParams()),
      async (res) => {
        expect(res.status).toBe(413);
        expect(await res.json()).toEqual({ code: 'E0000', message: '请求体过大', result: '' });
      },
      () => m.body,
    ]);
    const f = smrFields();
    cases.push([
      '/open/smr/studies',
      (b, d) => smrList(post('/open/smr/studies', { accessKey: SMR_KEY, sign: smrSigned(f) }, b, d)),
      async (res) => {
        expect(res.status).toBe(413);
        expect(await res.json()).toEqual({ code: 'E0000', message: '请求体过大', result: '' });
      },
      () => ({ requestId: 'R1', visitId: 'V1', hospitalCode: f.hospitalCode, ICCard: f.idCard, timeStamp: f.timeStamp, opName: f.opName, opUid: f.opUid }),
    ]);
  }
  cases.push([
    'IDCAS R2',
    (b, d) => r2(post('/api-idcas/observations/recognition', { authorization: `Bearer ${idcasToken}` }, b, d)),
    async (res) => {
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ code: -1, msg: '请求体过大' });
    },
    () => ({ org_code: '2470', patients_cnt: 10, work_stations: 2 }),
  ]);
  cases.push([
    'Jilin saveReminderCallRecord',
    (b, d) => saveReminder(post('/interface/saveReminderCallRecord', { 'X-Token': jilinToken }, b, d)),
    async (res) => {
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ code: 413, msg: '请求体过大' });
    },
    () => ({ hospitalCode: '2470', examId: String(examId), queryDocName: '张医师', queryDocCode: '0112', retrivaType: '2', mac: 'AA', retrivalTime: '2022-11-14 15:05:05' }),
  ]);

  for (const [name, call, refused, fields] of cases) {
    it(`${name}: 413 in the dialect's envelope, read no further than the cap, nothing written`, async () => {
      const before = await writes();
      const declared = paddedJson(fields(), size);
      await refused(await call(declared.stream, size));
      expect(declared.pulled()).toBe(0); // Content-Length says too much: not a byte read
      const chunked = paddedJson(fields(), size);
      await refused(await call(chunked.stream));
      expect(chunked.pulled()).toBeGreaterThan(MB);
      expect(chunked.pulled()).toBeLessThanOrEqual(MB + CHUNK);
      expect(await writes()).toEqual(before);
    });
  }

  it('the same bodies under the cap are accepted (the cap is not the refusal)', async () => {
    const before = await writes();
    const m = smrMarkFields();
    const small = paddedJson(m.body, 64 * 1024);
    const res = await smrMark(post(`/open/smr/study/E${examId}/smrMark`, { accessKey: SMR_KEY, sign: m.sign }, small.stream), markParams());
    expect(await res.json()).toEqual({ code: 'N0000', message: '成功', result: '' });
    expect((await writes()).marks).toBe(before.marks + 1);
  });

  it('Jilin uploadDicom: a multipart body over YINGYUN_DICOM_MAX_BYTES (plus form overhead) is 413, read no further', async () => {
    const before = await writes();
    const cap = 256 * 1024 + 64 * 1024;
    const headers = { 'X-Token': jilinToken, 'content-type': 'multipart/form-data; boundary=XyZ' };
    const prefix = '--XyZ\r\nContent-Disposition: form-data; name="dicomFile"; filename="a.dcm"\r\nContent-Type: application/dicom\r\n\r\n';
    const declared = countedBody(2 * MB, prefix, '\r\n--XyZ--\r\n');
    const a = await uploadDicom(post('/interface/uploadDicom', headers, declared.stream, 2 * MB));
    expect(a.status).toBe(413);
    expect(await a.json()).toEqual({ code: 413, msg: '请求体过大' });
    expect(declared.pulled()).toBe(0);
    const chunked = countedBody(2 * MB, prefix, '\r\n--XyZ--\r\n');
    const b = await uploadDicom(post('/interface/uploadDicom', headers, chunked.stream));
    expect(b.status).toBe(413);
    expect(await b.json()).toEqual({ code: 413, msg: '请求体过大' });
    expect(chunked.pulled()).toBeLessThanOrEqual(cap + CHUNK);
    // Without a token nothing is read at all.
    const anon = countedBody(2 * MB, prefix);
    expect((await uploadDicom(post('/interface/uploadDicom', { 'content-type': headers['content-type'] }, anon.stream))).status).toBe(403);
    expect(anon.pulled()).toBe(0);
    expect(await writes()).toEqual(before);
  });

  it('the privacy check (a four-digit form) reads at most a few kilobytes', async () => {
    const body = countedBody(MB, 'vs=abc&last4=');
    const res = await privacyCheck(new NextRequest(`${ORIGIN}/api/view/privacy-check`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.stream, duplex: 'half' } as NextRequestInit));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(body.pulled()).toBeLessThanOrEqual(16 * 1024 + CHUNK);
  });
});

describe('any JSON value, or none, gets the route\'s error envelope', () => {
  // What a careless or hostile client can send where a JSON object is expected.
  const BODIES: [string, string][] = [
    ['null', 'null'],
    ['an array', '[]'],
    ['an array of objects', '[{"hospitalCode":"2470"}]'],
    ['a string', '"x"'],
    ['a number', '1'],
    ['true', 'true'],
    ['invalid JSON', '{"hospitalCode":'],
    ['an empty body', ''],
    ['whitespace', ' \n '],
    ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['deep nesting inside an object', `{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`],
  ];

  let recognitionSession: { cookie: string; vs: string };
  beforeAll(async () => {
    const q = new URLSearchParams({ visit_id: 'MZ9', org_code: '2470', depart_code: '0302', depart_name: '呼吸内科', doctor_no: '001', doctor_name: '王医生', card_type: '2', id_card_no: SPEC_SUBJECTS.repeatReminder.idCardNo, patient_name: '李敏', patient_sex: '2', patient_age: '39', age_unit: '岁', req_type: '3103', observation_item: 'CT0201' });
    const link = await (await r1(new NextRequest(`${ORIGIN}/api-idcas/observations/recognition?${q}`, { headers: { authorization: `Bearer ${idcasToken}` } }))).json();
    const code = link.data.split('/r/')[1];
    const open = await shortLink(new NextRequest(link.data), { params: Promise.resolve({ code }) });
    recognitionSession = { cookie: open.headers.get('set-cookie')!.split(';')[0], vs: open.headers.get('location')!.split('vs=')[1] };
  });

  type Row = [string, (body: string) => Promise<Response>, (status: number, json: unknown) => void];
  const neijiang = (status: number, json: unknown) => {
    expect(status).toBeLessThan(500);
    expect(json).toMatchObject({ code: expect.stringMatching(/^E(0000|9000)$/), message: expect.any(String), result: '' });
  };
  const ROUTES: Row[] = [
    ['POST /open/smr/studies', (body) => smrList(post('/open/smr/studies', { accessKey: SMR_KEY, sign: smrSigned(smrFields()) }, body)), neijiang],
    ['POST …/smrMark', (body) => smrMark(post(`/open/smr/study/E${examId}/smrMark`, { accessKey: SMR_KEY, sign: smrSigned(smrFields()) }, body), markParams()), neijiang],
    [
      'POST /api-idcas/observations/recognition (R2)',
      (body) => r2(post('/api-idcas/observations/recognition', { authorization: `Bearer ${idcasToken}` }, body)),
      (status, json) => {
        expect(status).toBe(400);
        expect(json).toMatchObject({ code: -1, msg: expect.stringMatching(/^参数错误/) });
      },
    ],
    ...(
      [
        ['saveReminderCallRecord', saveReminder],
        ['saveRecognExamRecord', saveRecogn],
      ] as const
    ).map(
      ([name, handler]): Row => [
        `POST /interface/${name}`,
        (body) => handler(post(`/interface/${name}`, { 'X-Token': jilinToken }, body)),
        (status, json) => {
          expect(status).toBe(400);
          expect(json).toEqual({ code: 400, msg: '入参不规范' });
        },
      ],
    ),
    [
      'POST /api/view/recognition-marks',
      (body) => recognitionMarks(post(`/api/view/recognition-marks?vs=${recognitionSession.vs}`, { cookie: recognitionSession.cookie }, body)),
      (status, json) => {
        expect(status).toBe(400);
        expect(json).toEqual({ error: '参数不正确' });
      },
    ],
  ];

  for (const [route, call, envelope] of ROUTES) {
    it(route, async () => {
      const before = await writes();
      for (const [what, body] of BODIES) {
        const res = await call(body);
        const text = await res.text();
        expect(text, `${route} ← ${what}`).not.toBe('');
        expect(res.headers.get('content-type'), `${route} ← ${what}`).toMatch(/application\/json/);
        envelope(res.status, JSON.parse(text));
      }
      expect(await writes()).toEqual(before);
    });
  }

  it('smrMark: smrInfo entries that are not objects are refused with E0000 and write nothing', async () => {
    const before = await writes();
    for (const smrInfo of [[null], [[]], ['E1'], [1], [{ smrMark: '1', reportId: `E${examId}` }, null]]) {
      const m = smrMarkFields();
      const res = await smrMark(post(`/open/smr/study/E${examId}/smrMark`, { accessKey: SMR_KEY, sign: m.sign }, JSON.stringify({ ...m.body, smrInfo })), markParams());
      expect(await res.json(), JSON.stringify(smrInfo)).toEqual({ code: 'E0000', message: '参数缺失或不正确', result: '' });
    }
    expect(await writes()).toEqual(before);
  });
});
