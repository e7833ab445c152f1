// A HIS vendor's side, written from the specification alone (node:crypto, no code of ours): the
// e2e tests open our pages with links built this way, as a real HIS would.
import { createCipheriv, createHash } from 'node:crypto';

/** The demo region's IDCAS test keys (published in seed 002) and a sev registered to 2470/001. */
export const HIS = {
  desKey: 'eWorldTomTaw#7=*',
  desIv: 'TomTaw#7',
  md5Key: 'TomtawMD5Key',
  sev2470_001:
    'itTbK+INTLuZji4vrvuJNQrk7SZRTF+q4xNG3pqoTjfP5NXfhIh5InU0CTjBdjYlhGIroV1sPVSvpLdwdHwtSA997SYHsyQFZ1mMgqHzNXlNP4wSz2WFXqB5RWJk48YVD4F7StEdOVi5kBb60UeX6a5HNOkfl65iBfMywoXvsMw8mAD2cfOlGdCR4RfNEM6CuN/5w6eNNQdqPcQWb6g8lZ0x3nCQTvNBFodHqS3JxCix1JTWuXSD6kIB7cWhWYBo5GtBjH6aR+Hwd5U52s73SZYyQIAhpwTrxeAmyxeULfWzfVoTohATIg4lnnZga1Dro7SIQcT4lOk/5+AgLD6tRQ==',
};

function des3(plain: string): string {
  const key = Buffer.alloc(24);
  Buffer.from(HIS.desKey, 'utf8').copy(key);
  const c = createCipheriv('des-ede3-cbc', key, Buffer.from(HIS.desIv, 'utf8'));
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

function chinaNow(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** P1/P2/P3/R3 link: token = 3DES(JSON), sign = MD5(token + sev + timestamp + key). */
export function hisLink(base: string, path: string, token: Record<string, string> | null, params: [string, string][]): string {
  const t = token ? des3(JSON.stringify(token)) : '';
  const ts = chinaNow();
  const sign = createHash('md5').update(t + HIS.sev2470_001 + ts + HIS.md5Key, 'utf8').digest('hex');
  const q = [...params, ...(token ? ([['token', t]] as [string, string][]) : []), ['sev', HIS.sev2470_001], ['timestamp', ts], ['sign', sign]];
  return `${base}${path}?${q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}
