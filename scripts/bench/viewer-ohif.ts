// OHIF for scripts/bench/viewer.ts: fetch the published build (`npm pack @ohif/app@<version>` ships a built
// dist/), write an app-config.js pointing at an Orthanc DICOMweb root, and serve it the way a deployment would:
// one origin, SPA fallback to index.html, correct MIME types, long-lived caching of the content-hashed files,
// COOP/COEP (cross-origin isolation), and /dicom-web/* reverse-proxied to Orthanc (so no CORS is involved).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const OHIF_VERSION = '3.13.2';

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

/** `<cacheDir>/<version>/dist`, packed from the npm registry and unpacked on first use, reused afterwards. */
export async function ensureOhifDist(cacheDir: string, version = OHIF_VERSION): Promise<string> {
  const home = path.resolve(cacheDir, version);
  const dist = path.join(home, 'dist');
  if (existsSync(path.join(dist, 'index.html'))) return dist;
  await mkdir(home, { recursive: true });
  const tmp = await mkdtemp(path.join(home, 'pack-'));
  try {
    // cwd is an empty directory: `npm pack <spec>` only downloads the tarball, it installs nothing.
    const out = await run('npm', ['pack', `@ohif/app@${version}`, '--silent', '--pack-destination', tmp], tmp);
    const tgz = path.join(tmp, out.trim().split('\n').pop()!.trim());
    await run('tar', ['-xzf', tgz, '-C', tmp, 'package/dist'], tmp);
    if (!existsSync(path.join(tmp, 'package/dist/index.html'))) throw new Error(`@ohif/app@${version}: the package has no dist/index.html`);
    await rm(dist, { recursive: true, force: true });
    await rename(path.join(tmp, 'package/dist'), dist);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dist;
}

/**
 * window.config for the bench: the one DICOMweb data source (the shape of OHIF's own config/local_orthanc.js),
 * no investigational-use dialog (it would cover the viewport), everything else at OHIF's defaults.
 */
export function ohifAppConfig(dicomWebRoot: string): string {
  const config = {
    name: 'yingyun-bench',
    routerBasename: null,
    extensions: [],
    modes: [],
    customizationService: {},
    showStudyList: true,
    maxNumberOfWebWorkers: 3,
    showWarningMessageForCrossOrigin: false,
    showCPUFallbackMessage: false, // a modal otherwise, when WebGL is unavailable (headless --disable-gpu)
    showLoadingIndicator: true,
    strictZSpacingForVolumeViewport: true,
    investigationalUseDialog: { option: 'never' },
    maxNumRequests: { interaction: 100, thumbnail: 5, prefetch: 25 }, // OHIF's defaults
    defaultDataSourceName: 'orthanc',
    dataSources: [
      {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
        sourceName: 'orthanc',
        configuration: {
          friendlyName: 'Orthanc (Debian) for the viewer benchmark',
          name: 'orthanc',
          qidoRoot: dicomWebRoot,
          wadoRoot: dicomWebRoot,
          wadoUriRoot: dicomWebRoot,
          qidoSupportsIncludeField: false,
          supportsReject: false,
          dicomUploadEnabled: false,
          imageRendering: 'wadors', // frames via WADO-RS .../instances/<uid>/frames/1
          thumbnailRendering: 'wadors', // Orthanc's DICOMweb plugin has no /thumbnail
          enableStudyLazyLoad: true,
          supportsFuzzyMatching: false,
          supportsWildcard: true,
          omitQuotationForMultipartRequest: true,
          bulkDataURI: { enabled: true },
        },
      },
    ],
  };
  return `/** @type {AppTypes.Config} */\n// Written by scripts/bench/viewer-ohif.ts\nwindow.config = ${JSON.stringify(config, null, 2)};\n`;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
  '.onnx': 'application/octet-stream',
};
// webpack's content-hashed outputs (`1234.bundle.<16 hex>.js`, `<16 hex>.wasm`): safe to cache for a year.
const HASHED = /(^|[./])[0-9a-f]{16}\.(js|wasm|css|woff2?)$/;

export interface OhifServer {
  origin: string /* http://127.0.0.1:<port> */;
  viewerUrl(studyInstanceUid: string): string;
  close(): Promise<void>;
}

/**
 * Serves `dist` on 127.0.0.1 (random port). /app-config.js is generated (the dist is left untouched);
 * /dicom-web/* goes to `orthancBaseUrl` + the same path, keeping the browser's Host so that URLs Orthanc writes
 * into metadata (BulkDataURI) stay on this origin.
 */
export async function serveOhif(opts: { dist: string; orthancBaseUrl: string; crossOriginIsolation?: boolean }): Promise<OhifServer> {
  const dist = path.resolve(opts.dist);
  const index = await readFile(path.join(dist, 'index.html'));
  const isolation = opts.crossOriginIsolation ?? true;
  const upstream = new URL(opts.orthancBaseUrl);
  let appConfig = Buffer.alloc(0);
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

  const common = (res: ServerResponse) => {
    if (isolation) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    }
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const headers = { ...req.headers, host: req.headers.host ?? upstream.host, forwarded: `host=${req.headers.host};proto=http` };
    const up = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: keepAlive },
      (r) => {
        common(res);
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    req.pipe(up);
  };

  const sendBytes = (req: IncomingMessage, res: ServerResponse, body: Buffer, type: string) => {
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    common(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/dicom-web' || url.pathname.startsWith('/dicom-web/')) return proxy(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (url.pathname === '/app-config.js') return sendBytes(req, res, appConfig, MIME['.js']);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return void res.writeHead(400).end();
    }
    const file = path.join(dist, path.normalize(rel));
    const st = file.startsWith(dist + path.sep) ? await stat(file).catch(() => null) : null;
    // Unknown paths are client-side routes (/viewer, /local, …): index.html, as OHIF's serve.json/_redirects say.
    if (!st?.isFile()) return sendBytes(req, res, index, MIME['.html']);
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    common(res);
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', st.mtime.toUTCString());
    res.setHeader('Cache-Control', HASHED.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': st.size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  appConfig = Buffer.from(ohifAppConfig(`${origin}/dicom-web`));
  return {
    origin,
    viewerUrl: (study) => `${origin}/viewer?StudyInstanceUIDs=${encodeURIComponent(study)}`,
    close: () =>
      new Promise<void>((resolve) => {
        keepAlive.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
