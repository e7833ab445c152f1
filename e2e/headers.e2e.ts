// Security headers as the production server sends them: on a page, a route handler and error pages;
// HSTS only over https; frame-ancestors from YINGYUN_FRAME_ANCESTORS at start (no rebuild), and what
// Chromium makes of it when another origin frames us; and a STOW body bigger than the proxy's buffer
// arrives whole (the routes that read bodies are not seen by proxy.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { multipartRelated } from '@/lib/dicom/multipart';
import { parseDicom } from '@/lib/dicom/parse';
import { synthesizeSeries } from '@/lib/dicom/synth';
import { cspViolations, launchBrowser, openPage } from './support/browser';
import { buildEnv, startServer, stopServer } from './support/server';

const base = inject('baseUrl');
const token = inject('clientToken');
let browser: Browser;
let bigFile: Uint8Array;

beforeAll(async () => {
  // Made before any request: synthesising it blocks this process for seconds, and a keep-alive
  // connection the server closed meanwhile would still look usable to fetch (a write then fails).
  [bigFile] = synthesizeSeries('DR', { seed: 1601, rows: 3072, columns: 2560 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const directive = (policy: string | null, name: string) => policy?.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));

function expectCommonHeaders(res: Response, what: string) {
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('permissions-policy'), what).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  expect(res.headers.get('referrer-policy'), what).toMatch(/^(strict-origin-when-cross-origin|no-referrer)$/);
}

/** The page's CSP, and that every script element of its HTML carries the policy's nonce. */
async function expectPagePolicy(res: Response, what: string) {
  expectCommonHeaders(res, what);
  const csp = res.headers.get('content-security-policy');
  const nonce = directive(csp, 'script-src')?.match(/'nonce-([^']+)'/)?.[1];
  expect(nonce, `${what}: script-src nonce`).toBeTruthy();
  expect(directive(csp, 'frame-ancestors'), what).toBe("frame-ancestors 'self'");
  const html = await res.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${what}: Next's scripts`).toBeGreaterThan(0);
  for (const s of scripts) expect(s, what).toContain(`nonce="${nonce}"`);
}

describe('headers', () => {
  it('a page: CSP with a per-request nonce on every script, nosniff, referrer and permissions policies; no HSTS over http', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const again = await fetch(`${base}/`);
    expect(directive(again.headers.get('content-security-policy'), 'script-src')).not.toBe(directive(res.headers.get('content-security-policy'), 'script-src'));
    await again.body?.cancel();
    await expectPagePolicy(res, '/');
  });

  it('a route handler: the same policy', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expectCommonHeaders(res, '/api/health');
    expect(directive(res.headers.get('content-security-policy'), 'default-src')).toBe("default-src 'self'");
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('error pages: a 404, a session-less page (401), a refused link (no referrer)', async () => {
    const missing = await fetch(`${base}/no/such/page`);
    expect(missing.status).toBe(404);
    await expectPagePolicy(missing, '404');
    const noSession = await fetch(`${base}/clinician/patient`);
    expect(noSession.status).toBe(401);
    await expectPagePolicy(noSession, '401');
    const refused = await fetch(`${base}/clinicview/index.html?sev=x&timestamp=1&sign=y`, { redirect: 'manual' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expectCommonHeaders(refused, 'refused link');
    expect(refused.headers.get('referrer-policy')).toBe('no-referrer');
    expect(directive(refused.headers.get('content-security-policy'), 'frame-ancestors')).toBe("frame-ancestors 'self'");
    await refused.body?.cancel();
  });

  it('HSTS only over https (here: X-Forwarded-Proto from the proxy in front)', async () => {
    for (const url of [`${base}/`, `${base}/api/health`, `${base}/clinicview/index.html`]) {
      const plain = await fetch(url, { redirect: 'manual' });
      expect(plain.headers.get('strict-transport-security'), url).toBeNull();
      const tls = await fetch(url, { headers: { 'x-forwarded-proto': 'https' }, redirect: 'manual' });
      expect(tls.headers.get('strict-transport-security'), url).toMatch(/^max-age=\d+/);
      await Promise.all([plain.body?.cancel(), tls.body?.cancel()]);
    }
  });

  it('a route that reads a body: nosniff and a closed static policy (the proxy does not see it)', async () => {
    const res = await fetch(`${base}/open/smr/studies`, { method: 'POST', body: '{}' });
    expect(await res.json()).toMatchObject({ code: 'E9000' });
    expectCommonHeaders(res, '/open/smr/studies');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });

  it('a 15 MB STOW request arrives whole (beyond the proxy\'s 10 MB body buffer) and is stored byte for byte', async () => {
    const file = bigFile;
    expect(file.byteLength).toBeGreaterThan(15 * 1024 * 1024);
    const p = parseDicom(file);
    const { body, contentType } = multipartRelated([file]);
    const res = await fetch(`${base}/dicomweb/studies`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, accept: 'application/dicom+json' }, body });
    expect(res.status, await res.clone().text()).toBe(200);
    const back = await fetch(`${base}/wado?requestType=WADO&studyUID=${p.studyInstanceUid}&seriesUID=${p.seriesInstanceUid}&objectUID=${p.sopInstanceUid}&contentType=application/dicom`, { headers: { authorization: `Bearer ${token}` } });
    expect(back.status).toBe(200);
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(sha(new Uint8Array(await back.arrayBuffer()))).toBe(sha(file));
  });
});

describe('frame-ancestors from YINGYUN_FRAME_ANCESTORS (read at start, same build)', () => {
  let his: http.Server;
  let hisOrigin: string;
  let other: ChildProcess | undefined;
  let otherBase: string;
  let otherDir: string;

  beforeAll(async () => {
    // A HIS page on another origin that frames a Yingyun page given in its query.
    his = http.createServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://his').searchParams.get('src') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><title>HIS</title><iframe id="yy" src="${src.replace(/"/g, '')}" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((r) => his.listen(0, '127.0.0.1', r));
    hisOrigin = `http://127.0.0.1:${(his.address() as net.AddressInfo).port}`;
    // A second server of the same build, configured to let that HIS frame it (its own empty database).
    otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yingyun-e2e-frame-'));
    const port = await freePort();
    other = await startServer({ ...buildEnv({ dataDir: otherDir, databaseUrl: '', port }), YINGYUN_FRAME_ANCESTORS: `'self' ${hisOrigin}` }, port);
    otherBase = `http://127.0.0.1:${port}`;
  }, 180_000);
  afterAll(async () => {
    await stopServer(other);
    await new Promise((r) => his?.close(r));
    if (otherDir) fs.rmSync(otherDir, { recursive: true, force: true });
  });

  it('the header names the configured origin', async () => {
    const res = await fetch(`${otherBase}/`);
    expect(directive(res.headers.get('content-security-policy'), 'frame-ancestors')).toBe(`frame-ancestors 'self' ${hisOrigin}`);
    await res.body?.cancel();
  });

  it('Chromium lets the named HIS frame the page, and refuses the frame by default', async () => {
    const page = await openPage(browser);
    const framed = async (target: string) => {
      await page.goto(`${hisOrigin}/?src=${encodeURIComponent(`${target}/`)}`);
      const frame = await (await page.waitForSelector('#yy')).contentFrame();
      await frame!.waitForLoadState();
      return frame!.url().startsWith(target) ? await frame!.locator('h1').textContent({ timeout: 10_000 }) : null;
    };
    expect(await framed(otherBase)).toContain('影云');
    expect(cspViolations).toEqual([]);
    expect(await framed(base)).toBeNull();
    // Chromium reports the refusal as a CSP violation: the one this test expects, and no other.
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
    const seen = cspViolations.splice(0);
    for (const v of seen) expect(v).toMatch(/frame-ancestors/);
    await page.context().close();
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
