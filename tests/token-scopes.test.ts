// Access-token scopes through the real route handlers: the token an H5 link carries opens H5 pages
// and nothing else; API tokens open no H5 page; DICOMweb reading and storing are separate scopes;
// a revoked or expired token opens nothing; the grant rule and the issuing checks.
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as r1 } from '@/app/api-idcas/observations/recognition/route';
import { GET as dicomwebGet, POST as dicomwebPost } from '@/app/dicomweb/[...path]/route';
import { POST as saveReminder } from '@/app/interface/saveReminderCallRecord/route';
import { POST as uploadDicom } from '@/app/interface/uploadDicom/route';
import { GET as wadoUri } from '@/app/wado/route';
import { revokeAccessTokens } from '@/lib/auth/access-tokens';
import { checkScopes, grantScopes, parseScopeList, ScopeError } from '@/lib/auth/scopes';
import { multipartRelated } from '@/lib/dicom/multipart';
import { parseDicom } from '@/lib/dicom/parse';
import { retag, uidFromString } from '@/lib/dicom/retag';
import { synthesizeSeries } from '@/lib/dicom/synth';
import { buildH5Link } from '@/lib/links/build';
import { saveClient } from '@/lib/links/clients';
import { issueAccessToken, issueH5Link } from '@/lib/links/issue';
import { openLink } from '@/lib/links/open';
import { noCookies } from './support/region';
import { appDatabase, type AppDatabase } from './support/app-db';
import { clientInput } from '@/scripts/keys';

let db: AppDatabase;
const ORIGIN = 'http://yy.test';
const KEYS = { desKey: 'scopeTestDesKey!', desIv: '12345678' };
let uids: { study: string; series: string; instance: string };
/** Tokens with exactly one kind of use each. */
const tok = { read: '', write: '', api: '', jilin: '' };
let h5Url: string;

const h5Token = (url: string) => new URL(url).searchParams.get('token')!;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const pathCtx = (p: string) => ({ params: Promise.resolve({ path: p.replace(/^\/dicomweb\//, '').split('?')[0].split('/') }) });
const dwGet = (p: string, headers: Record<string, string>) => dicomwebGet(new NextRequest(`${ORIGIN}${p}`, { headers }), pathCtx(p));
function stow(t: string, seed: number) {
  const f = retag(synthesizeSeries('DR', { seed })[0], { accessionNumber: 'SC-STOW', studyInstanceUid: uidFromString(`sc-stow-${seed}`) });
  const m = multipartRelated([f]);
  return dicomwebPost(new NextRequest(`${ORIGIN}/dicomweb/studies`, { method: 'POST', headers: { ...bearer(t), 'content-type': m.contentType }, body: m.body }), pathCtx('/dicomweb/studies'));
}
const r1Query = new URLSearchParams({ visit_id: 'V1', org_code: 'S1', depart_code: 'D', depart_name: '内科', doctor_no: '001', doctor_name: '王医生', card_type: '2', id_card_no: '110101199001011234', patient_name: '张三', patient_sex: '1', patient_age: '30', age_unit: '岁', req_type: '3101' });
const callR1 = (t: string) => r1(new NextRequest(`${ORIGIN}/api-idcas/observations/recognition?${r1Query}`, { headers: bearer(t) }));
const callJilin = (t: string) => saveReminder(new NextRequest(`${ORIGIN}/interface/saveReminderCallRecord`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Token': t }, body: '{}' }));
const openH5 = (url: string) => openLink({ page: 'h5-exam-detail', search: url.slice(url.indexOf('?')), cookies: noCookies, https: true }, { prisma: db.prisma });

/** Every API a token could be tried on, with the status each answered. */
async function apiStatuses(t: string) {
  const { study, series, instance } = uids;
  const inst = `/dicomweb/studies/${study}/series/${series}/instances/${instance}`;
  return {
    qido: (await dwGet('/dicomweb/studies', bearer(t))).status,
    wadoRs: (await dwGet(inst, bearer(t))).status,
    metadata: (await dwGet(`/dicomweb/studies/${study}/metadata`, bearer(t))).status,
    rendered: (await dwGet(`${inst}/rendered`, { ...bearer(t), accept: 'image/jpeg' })).status,
    wadoUri: (await wadoUri(new NextRequest(`${ORIGIN}/wado?requestType=WADO&studyUID=${study}&seriesUID=${series}&objectUID=${instance}&contentType=application/dicom`, { headers: bearer(t) }))).status,
    stow: (await stow(t, 90)).status,
    idcasR1: (await callR1(t)).status,
    jilin: (await callJilin(t)).status,
  };
}

beforeAll(async () => {
  db = await appDatabase();
  await db.prisma.organization.create({ data: { code: 'S1', name: '作用域测试医院' } });
  await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'scope-idcas', orgCodes: ['S1'], md5Key: 'm', ...KEYS });
  await saveClient(db.prisma, { dialect: 'JILIN', clientKey: 'scope-jilin', orgCodes: ['S1'] });
  tok.read = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-read'])).token;
  tok.write = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-write'])).token;
  tok.api = (await issueAccessToken(db.prisma, 'S1', 'his', ['idcas-api'])).token;
  tok.jilin = (await issueAccessToken(db.prisma, 'S1', 'his', ['jilin-api'], { dialect: 'JILIN' })).token;
  // One exam with one stored image, stored with the write token.
  const f = retag(synthesizeSeries('DR', { seed: 77 })[0], { accessionNumber: 'SC-1', studyInstanceUid: uidFromString('sc-1'), seriesInstanceUid: uidFromString('sc-1-s'), sopInstanceUid: uidFromString('sc-1-i') });
  const p = parseDicom(f);
  uids = { study: p.studyInstanceUid, series: p.seriesInstanceUid, instance: p.sopInstanceUid };
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { code: 'S1' } });
  const patient = await db.prisma.patient.create({ data: { name: '作用域' } });
  await db.prisma.exam.create({ data: { organizationId: org.id, patientId: patient.id, accessionNumber: 'SC-1', modality: 'DR', itemCode: 'X', itemName: '胸片', studyInstanceUid: uids.study } });
  const m = multipartRelated([f]);
  const stored = await dicomwebPost(new NextRequest(`${ORIGIN}/dicomweb/studies`, { method: 'POST', headers: { ...bearer(tok.write), 'content-type': m.contentType }, body: m.body }), pathCtx('/dicomweb/studies'));
  expect(stored.status).toBe(200);
  h5Url = await issueH5Link(db.prisma, ORIGIN, 'h5-exam-detail', { orgCode: 'S1', subject: '手机用户', params: [['perform_org_code', 'S1'], ['accession_number', 'SC-1']] });
}, 120_000);
afterAll(async () => {
  await db?.dispose();
});

describe('the token of an H5 link', () => {
  it('opens its H5 page', async () => {
    const r = await openH5(h5Url);
    expect(r.status).toBe(303);
    expect(r.headers.location).toMatch(/^\/mobile\/exam\?vs=/);
  });

  it('as a Bearer or X-Token gets 401/403 from QIDO, WADO-RS, rendered, WADO-URI, STOW, IDCAS R1 and Jilin', async () => {
    const before = await db.prisma.dicomInstance.count();
    expect(await apiStatuses(h5Token(h5Url))).toEqual({ qido: 403, wadoRs: 403, metadata: 403, rendered: 403, wadoUri: 403, stow: 403, idcasR1: 401, jilin: 403 });
    expect(await db.prisma.dicomInstance.count()).toBe(before);
  });
});

describe('API tokens', () => {
  it('open no H5 page, whatever their scope', async () => {
    for (const t of [tok.read, tok.write, tok.api]) {
      const r = await openH5(buildH5Link(ORIGIN, 'h5-exam-detail', { ...KEYS, accessToken: t, params: [['perform_org_code', 'S1'], ['accession_number', 'SC-1']] }));
      expect(r.status).toBe(401);
      expect(r.refusal?.reason).toBe('ACCESS_TOKEN_INVALID');
    }
  });

  it('each opens exactly what its scope says: dicomweb-read cannot STOW, dicomweb-write cannot read', async () => {
    expect(await apiStatuses(tok.read)).toEqual({ qido: 200, wadoRs: 200, metadata: 200, rendered: 200, wadoUri: 200, stow: 403, idcasR1: 401, jilin: 403 });
    expect(await apiStatuses(tok.write)).toEqual({ qido: 403, wadoRs: 403, metadata: 403, rendered: 403, wadoUri: 403, stow: 200, idcasR1: 401, jilin: 403 });
    expect(await apiStatuses(tok.api)).toEqual({ qido: 403, wadoRs: 403, metadata: 403, rendered: 403, wadoUri: 403, stow: 403, idcasR1: 200, jilin: 403 });
    const jilin = await apiStatuses(tok.jilin);
    expect(jilin).toMatchObject({ qido: 403, stow: 403, idcasR1: 401 });
    expect(jilin.jilin).toBe(400); // past the token: the empty body is what is refused
  });

  it('lose a scope when their client may no longer be granted it', async () => {
    const t = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-read'])).token;
    expect((await dwGet('/dicomweb/studies', bearer(t))).status).toBe(200);
    await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'scope-idcas', scopes: ['h5', 'idcas-api'] });
    try {
      expect((await dwGet('/dicomweb/studies', bearer(t))).status).toBe(403);
    } finally {
      await saveClient(db.prisma, { dialect: 'IDCAS', clientKey: 'scope-idcas', scopes: ['h5', 'idcas-api', 'dicomweb-read', 'dicomweb-write'] });
    }
  });
});

describe('issuing and granting', () => {
  it('a token never mixes h5 with an API scope, and gets only what its client may be granted', async () => {
    await expect(issueAccessToken(db.prisma, 'S1', 'x', ['h5', 'dicomweb-read'])).rejects.toThrow(ScopeError);
    await expect(issueAccessToken(db.prisma, 'S1', 'x', ['jilin-api'])).rejects.toThrow(/may not be granted jilin-api/);
    await expect(issueAccessToken(db.prisma, 'S1', 'x', ['h5'], { dialect: 'JILIN' })).rejects.toThrow(/may not be granted h5/);
    await expect(issueAccessToken(db.prisma, 'S1', 'x', [])).rejects.toThrow(ScopeError);
    const { token } = await issueAccessToken(db.prisma, 'S1', 'x', ['dicomweb-read', 'dicomweb-write']);
    const row = await db.prisma.accessToken.findFirstOrThrow({ where: { hash: (await import('@/lib/auth/access-tokens')).accessTokenHash(token) } });
    expect(row.scope).toBe('dicomweb-read dicomweb-write');
  });

  it('client_credentials gives the client\'s API scopes and never h5; password gives h5 only', () => {
    const idcas = ['h5', 'idcas-api', 'dicomweb-read', 'dicomweb-write'] as const;
    expect(grantScopes('client_credentials', [...idcas])).toEqual(['idcas-api', 'dicomweb-read', 'dicomweb-write']);
    expect(grantScopes('client_credentials', [...idcas], ['dicomweb-read'])).toEqual(['dicomweb-read']);
    expect(() => grantScopes('client_credentials', [...idcas], ['h5'])).toThrow(ScopeError);
    expect(grantScopes('password', [...idcas])).toEqual(['h5']);
    expect(() => grantScopes('password', [...idcas], ['h5', 'idcas-api'])).toThrow(ScopeError);
    expect(() => grantScopes('password', ['jilin-api', 'dicomweb-read'])).toThrow(/may not use the password grant/);
    expect(() => checkScopes(['dicomweb-write'], ['dicomweb-read'])).toThrow(/may not be granted dicomweb-write/);
  });

  it('new clients get their dialect\'s scopes; `keys set … --scopes` parses and checks names', async () => {
    const jl = await db.prisma.integrationClient.findFirstOrThrow({ where: { clientKey: 'scope-jilin' } });
    expect(jl.scopes).toEqual(['jilin-api', 'dicomweb-read', 'dicomweb-write']);
    expect(clientInput('IDCAS', 'k', new Map([['scopes', 'h5, idcas-api']])).scopes).toEqual(['h5', 'idcas-api']);
    expect(() => clientInput('IDCAS', 'k', new Map([['scopes', 'h5,admin']]))).toThrow(/unknown scope admin/);
    expect(parseScopeList('dicomweb-read dicomweb-read')).toEqual(['dicomweb-read']);
  });

  it('Jilin uploadDicom needs jilin-api', async () => {
    const f = retag(synthesizeSeries('DR', { seed: 92 })[0], { accessionNumber: 'SC-JL' });
    const p = parseDicom(f);
    const form = () => {
      const fd = new FormData();
      for (const [k, v] of Object.entries({ hospitalCode: 'S1', accessNumber: 'SC-JL', studyUid: p.studyInstanceUid, seriesUid: p.seriesInstanceUid, instanceUid: p.sopInstanceUid })) fd.set(k, v);
      fd.set('dicomFile', new Blob([Buffer.from(f)], { type: 'application/dicom' }), 'a.dcm');
      return fd;
    };
    const post = (t: string) => uploadDicom(new NextRequest(`${ORIGIN}/interface/uploadDicom`, { method: 'POST', headers: { 'X-Token': t }, body: form() }));
    // A Jilin client's own token, but for DICOMweb only; an H5 token; another dialect's API token.
    const jilinStow = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-write'], { dialect: 'JILIN' })).token;
    for (const t of [jilinStow, h5Token(h5Url), tok.write]) expect(await (await post(t)).json()).toEqual({ code: 403, msg: '授权校验失败' });
    expect(await (await post(tok.jilin)).json()).toEqual({ code: 200, msg: '上传成功！' });
  });
});

describe('revoked and expired tokens', () => {
  it('open nothing: no H5 page, no API', async () => {
    const h5 = await issueH5Link(db.prisma, ORIGIN, 'h5-exam-detail', { orgCode: 'S1', subject: '手机用户', params: [['perform_org_code', 'S1'], ['accession_number', 'SC-1']] });
    const read = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-read'])).token;
    const api = (await issueAccessToken(db.prisma, 'S1', 'his', ['idcas-api'])).token;
    const jilin = (await issueAccessToken(db.prisma, 'S1', 'his', ['jilin-api'], { dialect: 'JILIN' })).token;
    expect((await openH5(h5)).status).toBe(303);
    expect((await dwGet('/dicomweb/studies', bearer(read))).status).toBe(200);
    expect((await callR1(api)).status).toBe(200);
    for (const t of [h5Token(h5), read, api, jilin]) expect(await revokeAccessTokens(db.prisma, { token: t })).toBe(1);
    expect((await openH5(h5)).refusal?.reason).toBe('ACCESS_TOKEN_INVALID');
    expect((await dwGet('/dicomweb/studies', bearer(read))).status).toBe(401);
    expect((await callR1(api)).status).toBe(401);
    expect(await (await callJilin(jilin)).json()).toEqual({ code: 403, msg: '授权校验失败' });

    const expired = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-read', 'dicomweb-write'], { hours: -1 })).token;
    expect((await dwGet('/dicomweb/studies', bearer(expired))).status).toBe(401);
    expect((await stow(expired, 91)).status).toBe(401);
    const expiredH5 = (await issueAccessToken(db.prisma, 'S1', '手机用户', ['h5'], { hours: -1 })).token;
    expect((await openH5(buildH5Link(ORIGIN, 'h5-exam-detail', { ...KEYS, accessToken: expiredH5, params: [['perform_org_code', 'S1'], ['accession_number', 'SC-1']] }))).status).toBe(401);
  });

  it('every live token of a client is revoked at once', async () => {
    const a = (await issueAccessToken(db.prisma, 'S1', 'pacs', ['dicomweb-read'])).token;
    const b = (await issueAccessToken(db.prisma, 'S1', 'his', ['idcas-api'])).token;
    const client = await db.prisma.integrationClient.findFirstOrThrow({ where: { clientKey: 'scope-idcas' } });
    expect(await revokeAccessTokens(db.prisma, { clientId: client.id })).toBeGreaterThanOrEqual(2);
    expect((await dwGet('/dicomweb/studies', bearer(a))).status).toBe(401);
    expect((await callR1(b)).status).toBe(401);
  });
});
