// Security headers below the browser: what proxy.ts adds per request (CSP with a nonce and the
// configured frame-ancestors, HSTS only over https), what next.config.ts adds to every response, and
// that no route which reads a request body is seen by the proxy (Next would buffer and truncate it).
// e2e/headers.e2e.ts checks the same against the production server.
import fs from 'node:fs';
import path from 'node:path';
import { unstable_doesMiddlewareMatch, unstable_getResponseFromNextConfig } from 'next/experimental/testing/server';
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import nextConfig from '@/next.config';
import { config as proxyConfig, proxy } from '@/proxy';
import { frameAncestorsOf } from '@/lib/http/security-headers';

const ORIGIN = 'http://yy.test';
const csp = (res: Response) => res.headers.get('content-security-policy') ?? '';
const directive = (policy: string, name: string) => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));

afterEach(() => {
  delete process.env.YINGYUN_FRAME_ANCESTORS;
});

describe('proxy.ts', () => {
  it('gives every page a CSP with a fresh nonce, which it also hands to Next for the inline scripts', () => {
    const a = proxy(new NextRequest(`${ORIGIN}/clinician/patient?vs=x`));
    const b = proxy(new NextRequest(`${ORIGIN}/clinician/patient?vs=x`));
    const nonce = directive(csp(a), 'script-src')!.match(/'nonce-([A-Za-z0-9+/=]{20,})'/)![1];
    expect(directive(csp(b), 'script-src')).not.toContain(nonce);
    // NextResponse.next({ request: { headers } }): the page render sees the policy, and reads the nonce from it.
    expect(a.headers.get('x-middleware-request-content-security-policy')).toBe(csp(a));
    expect(a.headers.get('x-middleware-override-headers')).toContain('content-security-policy');
    for (const [name, value] of [
      ['script-src', "'wasm-unsafe-eval'"],
      ['worker-src', 'blob:'],
      ['img-src', 'data:'],
      ['img-src', 'blob:'],
      ['object-src', "'none'"],
      ['base-uri', "'none'"],
      ['frame-ancestors', "'self'"],
    ]) {
      expect(directive(csp(a), name), `${name} ${value}`).toContain(value);
    }
    expect(directive(csp(a), 'script-src')).not.toContain("'unsafe-inline'");
    expect(directive(csp(a), 'script-src')).not.toContain("'unsafe-eval'");
  });

  it('sends HSTS only when the request came over https, directly or as the proxy in front says', () => {
    expect(proxy(new NextRequest(`${ORIGIN}/`)).headers.get('strict-transport-security')).toBeNull();
    expect(proxy(new NextRequest(`${ORIGIN}/`, { headers: { 'x-forwarded-proto': 'http' } })).headers.get('strict-transport-security')).toBeNull();
    const viaProxy = proxy(new NextRequest(`${ORIGIN}/`, { headers: { 'x-forwarded-proto': 'https' } }));
    expect(viaProxy.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    expect(csp(viaProxy)).toContain('upgrade-insecure-requests');
    expect(proxy(new NextRequest('https://yy.test/viewer')).headers.get('strict-transport-security')).toMatch(/^max-age=/);
    expect(csp(proxy(new NextRequest(`${ORIGIN}/`)))).not.toContain('upgrade-insecure-requests');
  });

  it('frame-ancestors follows YINGYUN_FRAME_ANCESTORS at run time', () => {
    const frame = () => directive(csp(proxy(new NextRequest(`${ORIGIN}/clinician/patient`))), 'frame-ancestors');
    expect(frame()).toBe("frame-ancestors 'self'");
    process.env.YINGYUN_FRAME_ANCESTORS = "'self' https://his.example.com";
    expect(frame()).toBe("frame-ancestors 'self' https://his.example.com");
    process.env.YINGYUN_FRAME_ANCESTORS = 'none';
    expect(frame()).toBe("frame-ancestors 'none'");
  });

  it('sees pages and GET routes, never static files or a route that reads a body', () => {
    const sees = (url: string) => unstable_doesMiddlewareMatch({ config: proxyConfig, url, nextConfig });
    for (const url of ['/', '/clinician/patient?vs=1', '/viewer', '/mobile/reports', '/film', '/nope', '/clinicview/index.html?sev=1', '/dimage/index.html', '/sharevisit/mobile/digitalimage/report-list', '/r/abc', '/api/health', '/api/view/exams/1/pdf', '/api/view/session', '/wado?requestType=WADO']) {
      expect(sees(url), url).toBe(true);
    }
    for (const url of ['/_next/static/chunks/main.js', '/_next/static/media/openjpegwasm_decode.wasm', '/favicon.ico']) expect(sees(url), url).toBe(false);
    // Every route file that reads a body, found in app/ — a new one must be added to the matcher.
    const bodyRoutes = routeFiles()
      .filter((f) => /\b(readJsonObject|readForm|readBody|jilinRequest)\(|request\.(text|json|formData|arrayBuffer|blob)\(|request\.body\b/.test(fs.readFileSync(f, 'utf8')))
      .map(urlOf);
    expect(bodyRoutes).toEqual(expect.arrayContaining(['/dicomweb/studies', '/interface/uploadDicom', '/interface/saveReminderCallRecord', '/open/smr/studies', '/open/smr/study/x/smrMark', '/api-idcas/observations/recognition', '/api/view/privacy-check', '/api/view/recognition-marks']));
    for (const url of bodyRoutes) expect(sees(url), url).toBe(false);
  });
});

describe('next.config.ts headers', () => {
  const headersOf = async (url: string) => (await unstable_getResponseFromNextConfig({ url: `${ORIGIN}${url}`, nextConfig })).headers;

  it('nosniff, a referrer policy and a permissions policy on every response', async () => {
    for (const url of ['/', '/viewer', '/api/health', '/_next/static/chunks/main.js', '/dicomweb/studies', '/nope']) {
      const h = await headersOf(url);
      expect(h.get('x-content-type-options'), url).toBe('nosniff');
      expect(h.get('referrer-policy'), url).toBe('strict-origin-when-cross-origin');
      for (const feature of ['camera=()', 'microphone=()', 'geolocation=()']) expect(h.get('permissions-policy'), url).toContain(feature);
    }
  });

  it('no referrer from the pages that signed links and short links land on', async () => {
    for (const url of ['/clinicview/index.html', '/clinicview/repeat-reminder.html', '/dimage/index.html', '/sharevisit/mobile/digitalimage/exam-detail', '/open/index.html', '/IDCAS/Interface/ExamView', '/links/clinicview', '/r/abc']) {
      expect((await headersOf(url)).get('referrer-policy'), url).toBe('no-referrer');
    }
  });

  it('a static, closed policy for the routes the proxy does not see', async () => {
    for (const url of ['/dicomweb/studies', '/interface/uploadDicom', '/open/smr/studies', '/api-idcas/observations/recognition', '/api/view/privacy-check']) {
      expect((await headersOf(url)).get('content-security-policy'), url).toMatch(/^default-src 'none'/);
    }
    expect((await headersOf('/viewer')).get('content-security-policy')).toBeNull(); // proxy.ts's, per request
  });
});

describe('YINGYUN_FRAME_ANCESTORS', () => {
  it("takes origins and self/none, quoted or not; refuses a value with anything else; defaults to 'self'", () => {
    expect(frameAncestorsOf(undefined)).toBe("'self'");
    expect(frameAncestorsOf('  ')).toBe("'self'");
    expect(frameAncestorsOf('self https://his.example.com, http://10.1.2.3:8080/')).toBe("'self' https://his.example.com http://10.1.2.3:8080");
    expect(frameAncestorsOf("'self' https://*.hospital.cn")).toBe("'self' https://*.hospital.cn");
    expect(frameAncestorsOf("https://his.example.com 'none'")).toBe("'none'");
    // A directive smuggled in, a path, another keyword, a wildcard: the whole value refused (never a second directive).
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const v of ['https://his.example.com; script-src *', 'https://his.example.com/his/page', "https://a.example.com 'unsafe-inline'", '*']) {
      expect(frameAncestorsOf(v), v).toBe("'self'");
    }
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('YINGYUN_FRAME_ANCESTORS'));
    warn.mockRestore();
  });
});

function routeFiles(dir = path.resolve('app')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === 'route.ts' ? [p] : [];
  });
}

/** app/open/smr/study/[studyUuid]/smrMark/route.ts → /open/smr/study/x/smrMark */
function urlOf(file: string): string {
  const rel = path.relative(path.resolve('app'), path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
  return `/${rel.map((s) => (s.startsWith('[...') ? 'studies' : s.startsWith('[') ? 'x' : s)).join('/')}`;
}
