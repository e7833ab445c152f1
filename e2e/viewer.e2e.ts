// The DICOM viewer (components/viewer) in Chromium against the production build: every sample
// transfer syntax renders like the server's own decoder, the tools change what they should, series
// go where they are dragged, a prior exam opens side by side (synchronised), and the CPU fallback
// (no WebGL) renders too. One browser; the codec exam is opened once and its series are swapped.
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderFrame } from '@/lib/dicom/render';
import { buildDimageQrLink } from '@/lib/links/build';
import { neijiangKeysFor } from '@/scripts/demo/clients';
import { SAMPLES_DIR } from '@/tests/support/samples';
import type {} from '@/components/viewer/testApi'; // window.__yyViewer
import { launchBrowser, openPage, screenshot } from './support/browser';
import { demoExam, dimageLink } from './support/dimage';

const base = inject('baseUrl');
const token = inject('clientToken');
const codecs = inject('codecSeries');

const codecExam = { hospital: '2470', accession: 'E2E-CODECS', date: '20210512' };

// ---------------------------------------------------------------- the viewer's test hook and canvas statistics
async function openViewer(page: Page, url: string): Promise<number> {
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  expect(page.url()).toMatch(/\/viewer\?vs=/);
  await page.waitForSelector('[data-testid="image-viewer"][data-ready="1"]');
  await page.waitForFunction(() => !!window.__yyViewer?.status()[0].firstImageAt);
  return page.evaluate(() => window.__yyViewer!.status()[0].firstImageAt!);
}

const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Show a series in viewport i and wait for its (middle) image or its error. */
async function show(page: Page, i: number, seriesUid: string): Promise<void> {
  expect(await page.evaluate(([i, uid]) => window.__yyViewer!.assign(i as number, uid as string), [i, seriesUid] as const)).toBe(true);
  await page.waitForFunction(
    ([i, uid]) => {
      const s = window.__yyViewer!.status()[i as number];
      const pane = document.querySelector(`.yv-pane[data-index="${i}"]`);
      return !!s.series?.endsWith(`|${uid}`) && (!!s.firstImageAt || !!pane?.querySelector('[data-testid="viewport-error"]'));
    },
    [i, seriesUid] as const,
  );
  await frames(page);
}

interface Stats {
  mean: number;
  std: number;
  n: number;
}

/** Luminance statistics of the image region of viewport i's canvas (the letterbox excluded, 2 px margin). */
async function paneStats(page: Page, i: number): Promise<Stats & { nonBlack: number }> {
  return page.evaluate((i) => {
    const r = window.__yyViewer!.viewport(i)!.rect!;
    const canvas = document.querySelector<HTMLCanvasElement>(`.yv-pane[data-index="${i}"] canvas.cornerstone-canvas`)!;
    const x0 = Math.max(0, Math.ceil(r.x + 2)), y0 = Math.max(0, Math.ceil(r.y + 2));
    const x1 = Math.min(canvas.width, Math.floor(r.x + r.w - 2)), y1 = Math.min(canvas.height, Math.floor(r.y + r.h - 2));
    const d = canvas.getContext('2d')!.getImageData(x0, y0, x1 - x0, y1 - y0).data;
    let s = 0, s2 = 0, lit = 0;
    const n = d.length / 4;
    for (let k = 0; k < d.length; k += 4) {
      const y = 0.299 * d[k] + 0.587 * d[k + 1] + 0.114 * d[k + 2];
      s += y;
      s2 += y * y;
      if (y > 8) lit++;
    }
    const mean = s / n;
    return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)), n, nonBlack: lit / n };
  }, i);
}

/** A cheap fingerprint of viewport i's whole canvas. */
async function paneHash(page: Page, i: number): Promise<number> {
  return page.evaluate((i) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`.yv-pane[data-index="${i}"] canvas.cornerstone-canvas`)!;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 2166136261;
    for (let k = 0; k < d.length; k += 4) h = Math.imul(h ^ (d[k] + 3 * d[k + 1] + 7 * d[k + 2]), 16777619);
    return h >>> 0;
  }, i);
}

/** A toolbar action; on a narrow viewer the last group is folded into "更多". */
async function act(page: Page, id: string): Promise<void> {
  if (!(await page.getByTestId(`action-${id}`).count())) await page.getByTestId('menu-more').click();
  await page.getByTestId(`action-${id}`).click();
}

const text = (page: Page, i: number, id: string) => page.locator(`.yv-pane[data-index="${i}"] [data-testid="${id}"]`).innerText();

// ---------------------------------------------------------------- the reference: our server's renderer, PNG decoded here
function decodePng(png: Uint8Array): { width: number; height: number; channels: number; data: Uint8Array } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8, width = 0, height = 0, channels = 1;
  const idat: Uint8Array[] = [];
  while (p < png.length) {
    const len = dv.getUint32(p), type = String.fromCharCode(...png.subarray(p + 4, p + 8));
    const body = png.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(p + 8);
      height = dv.getUint32(p + 12);
      channels = body[9] === 2 ? 3 : body[9] === 6 ? 4 : 1;
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNG');
    } else if (type === 'IDAT') idat.push(body);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels, out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const r = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? out[y * stride + x - channels] : 0, b = y ? out[(y - 1) * stride + x] : 0, c = x >= channels && y ? out[(y - 1) * stride + x - channels] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (r + pred) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

async function referenceStats(file: string, frame: number, window?: { center: number; width: number }): Promise<Stats> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(SAMPLES_DIR!, file)));
  const png = decodePng((await renderFrame(bytes, frame, { format: 'png', window })).bytes);
  let s = 0, s2 = 0;
  const n = png.width * png.height;
  for (let k = 0; k < n; k++) {
    const o = k * png.channels;
    const y = png.channels >= 3 ? 0.299 * png.data[o] + 0.587 * png.data[o + 1] + 0.114 * png.data[o + 2] : png.data[o];
    s += y;
    s2 += y * y;
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(s2 / n - mean * mean), n };
}

/**
 * Tolerances, in 8-bit luminance levels. The viewport is magnified with nearest-neighbour interpolation
 * for the comparison (each source pixel becomes a block of 2–23 canvas pixels; blocks differ by one
 * row/column, a ±5 % weight jitter), the reference is the server's PNG at native size, and the two
 * VOI implementations round differently (GPU float LUT vs. the server's integer formula). Measured on
 * all 45 cases (GPU): |Δmean| ≤ 0.8, |Δstd| ≤ 1.6 %. The tolerance, 2 levels and 4 %, keeps a margin
 * over that and is far below what a wrong decode gives: Cornerstone's own 12-bit JPEG bias (+15 stored
 * values) moved the mean by 8.4 levels on the 512² CT and 26 levels on the enhanced CT; a wrong sign,
 * byte order, rescale, colour model or frame moves the mean or std by tens of levels.
 */
const MEAN_TOL = 2;
const STD_REL_TOL = 0.04;

/** JPEG spectral selection / progressive (4.53, 4.55) have no server decoder: their reference is the same image's 4.51 encoding (same DCMTK 12-bit rescale and quantisation). */
const REFERENCE_FOR: Record<string, string> = {
  '1.2.840.10008.1.2.4.53': 'transfer-syntaxes/ctimage-512/CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm',
  '1.2.840.10008.1.2.4.55': 'transfer-syntaxes/ctimage-512/CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm',
};

// ---------------------------------------------------------------- tests
let browser: Browser;
let codecPage: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  codecPage = await openPage(browser, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  codecPage.on('pageerror', (e) => console.error(`[page] ${e.message}`));
});
afterAll(async () => {
  await browser?.close();
});

describe('the codec exam (every sample file as its own series)', () => {
  it('opens: the first series rendered, thumbnails for every series, the overlay filled in', async () => {
    expect(codecs.length).toBeGreaterThan(40);
    await openViewer(codecPage, dimageLink(base, codecExam));
    expect(await codecPage.evaluate(() => window.__yyViewer!.cacheMB)).toBe(100); // 40 on phones (viewer-mobile.e2e.ts)
    await expect.poll(() => codecPage.getByTestId('series-thumb').count()).toBe(codecs.length);
    await expect.poll(() => codecPage.locator('[data-testid="series-thumb"] img').count(), { timeout: 30_000 }).toBe(codecs.length);
    expect(await text(codecPage, 0, 'overlay-instance')).toBe('1 / 1');
    expect(await text(codecPage, 0, 'overlay-wl')).toMatch(/^窗宽 W:\d+ 窗位 L:-?\d+$/);
    expect(await text(codecPage, 0, 'overlay-zoom')).toMatch(/^缩放 \d+%$/);
    expect(await text(codecPage, 0, 'overlay-patient')).toMatch(/^[\u4e00-\u9fff]+\*+$/);
    await screenshot(codecPage, 'viewer-desktop-codecs');
  });

  it('an image that cannot be decoded says so in its viewport; the other viewports keep working', async () => {
    const page = codecPage;
    const jls = codecs.find((c) => c.file.endsWith('CT_small_dcmtk_jpegls_lossless.dcm'))!;
    const mr = codecs.find((c) => c.file.endsWith('mr_small/MR_small.dcm'))!;
    // Corrupt this instance's frames on the wire (stored and server-decoded alike).
    await page.route(`**/instances/${jls.sopInstanceUid}/frames/**`, (route) => {
      const b = 'BOUNDARYx';
      const body = Buffer.concat([Buffer.from(`--${b}\r\nContent-Type: application/octet-stream; transfer-syntax=${jls.transferSyntaxUid}\r\n\r\n`), Buffer.alloc(64, 0x5a), Buffer.from(`\r\n--${b}--\r\n`)]);
      return route.fulfill({ status: 200, contentType: `multipart/related; type="application/octet-stream"; boundary=${b}`, body });
    });
    await page.getByTestId('menu-layout').click();
    await page.getByTestId('layout-1x2').click();
    await show(page, 0, jls.seriesInstanceUid);
    await expect(page.locator('.yv-pane[data-index="0"] [data-testid="viewport-error"]').innerText()).resolves.toBe('该图像无法解码：JPEG-LS Lossless (1.2.840.10008.1.2.4.80)');
    await show(page, 1, mr.seriesInstanceUid);
    expect((await paneStats(page, 1)).nonBlack).toBeGreaterThan(0.2);
    await screenshot(page, 'viewer-desktop-decode-error');
    await page.unroute(`**/instances/${jls.sopInstanceUid}/frames/**`);
    await page.getByTestId('menu-layout').click();
    await page.getByTestId('layout-1x1').click();
  });
  it('every sample transfer syntax renders, with the pixel statistics of the server\'s decode', async () => {
    // One file per distinct content: the other 19 brain slices are the same encoding as slice 1.
    const cases = codecs.filter((c) => !/brain_0(0[2-9]|1\d|20)\.dcm$/.test(c.file));
    const rows: string[] = [];
    const bad: string[] = [];
    const syntaxes = new Set<string>();
    for (const c of cases) {
      await show(codecPage, 0, c.seriesInstanceUid);
      // Nearest-neighbour magnification: the canvas then holds each source pixel as a block, so its
      // statistics are the image's (bilinear smoothing would lower the std of small sharp images by up to 40 %).
      await codecPage.evaluate(() => window.__yyViewer!.setInterpolation(0, true));
      await frames(codecPage);
      const err = await codecPage.locator('.yv-pane[data-index="0"] [data-testid="viewport-error"]').count();
      const info = (await codecPage.evaluate(() => window.__yyViewer!.viewport(0)))!;
      const got = await paneStats(codecPage, 0);
      const frame = Number(info.imageId.match(/\/frames\/(\d+)$/)![1]);
      expect(frame).toBe(Math.floor((c.frames - 1) / 2) + 1); // the middle frame is shown first
      const win = info.voi && !info.color ? { width: info.voi.upper - info.voi.lower + 1, center: (info.voi.lower + info.voi.upper + 1) / 2 } : undefined;
      const ref = await referenceStats(REFERENCE_FOR[c.transferSyntaxUid] ?? c.file, frame, win);
      const dMean = got.mean - ref.mean, dStd = (got.std - ref.std) / Math.max(ref.std, 1);
      rows.push(`${c.transferSyntaxUid.padEnd(24)} ${c.file.padEnd(100)} frame ${String(frame).padStart(2)}  viewer ${got.mean.toFixed(1).padStart(6)} ±${got.std.toFixed(1).padStart(5)}  ref ${ref.mean.toFixed(1).padStart(6)} ±${ref.std.toFixed(1).padStart(5)}  Δmean ${dMean.toFixed(2).padStart(6)}  Δstd ${(dStd * 100).toFixed(1).padStart(5)}%`);
      if (err || got.nonBlack < 0.01 || Math.abs(dMean) > MEAN_TOL || Math.abs(dStd) > STD_REL_TOL) bad.push(rows[rows.length - 1]);
      syntaxes.add(c.transferSyntaxUid);
    }
    console.log(`viewer vs server decode (luminance, 8-bit levels; tolerance ±${MEAN_TOL} mean, ±${STD_REL_TOL * 100}% std):\n${rows.join('\n')}`);
    expect(bad, bad.join('\n')).toEqual([]);
    expect([...syntaxes].sort()).toEqual([...new Set(codecs.map((c) => c.transferSyntaxUid))].sort()); // every syntax in the samples
    await screenshot(codecPage, 'viewer-desktop-codec-last');
  });

  it('2×2 layout; a thumbnail dragged onto a viewport opens there; a click opens in the active viewport', async () => {
    const page = codecPage;
    await page.getByTestId('menu-layout').click();
    await page.getByTestId('layout-2x2').click();
    await expect.poll(() => page.locator('[data-testid="viewport"]').count()).toBe(4);
    const ct = codecs.find((c) => c.file.endsWith('ct_small/CT_small.dcm'))!;
    const us = codecs.find((c) => c.file.endsWith('US-YBR_FULL_422-EVRLE.dcm'))!;
    await page.locator(`[data-testid="series-thumb"][data-series-uid="${ct.seriesInstanceUid}"]`).dragTo(page.locator('.yv-pane[data-index="3"]'));
    await expect.poll(() => page.locator('.yv-pane[data-index="3"]').getAttribute('data-series-uid')).toBe(ct.seriesInstanceUid);
    await page.waitForFunction(() => !!window.__yyViewer!.status()[3].firstImageAt);
    await page.locator('.yv-pane[data-index="2"]').click();
    await page.locator(`[data-testid="series-thumb"][data-series-uid="${us.seriesInstanceUid}"]`).click();
    await expect.poll(() => page.locator('.yv-pane[data-index="2"]').getAttribute('data-series-uid')).toBe(us.seriesInstanceUid);
    await page.waitForFunction(() => !!window.__yyViewer!.status()[2].firstImageAt);
    await frames(page);
    for (const i of [0, 1, 2, 3]) expect((await paneStats(page, i)).nonBlack, `viewport ${i}`).toBeGreaterThan(0.01);
    await screenshot(page, 'viewer-desktop-2x2');
    await page.getByTestId('menu-layout').click();
    await page.getByTestId('layout-1x1').click();
    await expect.poll(() => page.locator('[data-testid="viewport"]').count()).toBe(1);
  });

});

describe('a demo MR exam (12 slices) and a demo CT exam', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(browser, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  });

  it('loads the middle slice first, then the series with a progress bar; scrolls by wheel, keys, slider; W/L drag changes the pixels', async () => {
    const mr = await demoExam(base, token, 'MR');
    const first = await openViewer(page, dimageLink(base, mr));
    await page.waitForFunction(() => !!window.__yyViewer!.status()[0].allLoadedAt);
    const st = (await page.evaluate(() => window.__yyViewer!.status()[0]))!;
    console.log(`MR ${mr.accession}: navigation → first image ${first.toFixed(0)} ms, → whole series (12) ${st.allLoadedAt!.toFixed(0)} ms`);
    expect(st.loaded).toBe(12);
    await expect.poll(() => page.getByTestId('load-progress').getAttribute('data-loaded')).toBe('12');
    expect(await text(page, 0, 'overlay-instance')).toBe('6 / 12');

    const box = (await page.locator('.yv-pane[data-index="0"]').boundingBox())!;
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, 120);
    await expect.poll(() => text(page, 0, 'overlay-instance')).toBe('7 / 12');
    await page.mouse.wheel(0, -120);
    await page.mouse.wheel(0, -120);
    await expect.poll(() => text(page, 0, 'overlay-instance')).toBe('5 / 12');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => text(page, 0, 'overlay-instance')).toBe('6 / 12');
    await page.keyboard.press('End');
    await expect.poll(() => text(page, 0, 'overlay-instance')).toBe('12 / 12');
    const slider = (await page.getByTestId('slice-slider').boundingBox())!;
    await page.mouse.click(slider.x + slider.width / 2, slider.y + 2);
    await expect.poll(() => text(page, 0, 'overlay-instance')).toBe('1 / 12');
    // The scroll tool: dragging pages through the stack.
    await page.getByTestId('tool-scroll').click();
    await page.mouse.move(cx, cy - 100);
    await page.mouse.down();
    await page.mouse.move(cx, cy + 100, { steps: 10 });
    await page.mouse.up();
    await expect.poll(async () => Number((await text(page, 0, 'overlay-instance')).split(' / ')[0])).toBeGreaterThan(1);

    await page.getByTestId('tool-wl').click();
    const wl0 = await text(page, 0, 'overlay-wl');
    const h0 = await paneHash(page, 0);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 120, cy + 60, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => text(page, 0, 'overlay-wl')).not.toBe(wl0);
    await frames(page);
    expect(await paneHash(page, 0)).not.toBe(h0);
    await screenshot(page, 'viewer-desktop-mr');
  });

  it('cine plays through the stack at the chosen rate and stops', async () => {
    await page.getByTestId('action-cine').click();
    await page.getByTestId('cine-fps').fill('20');
    const seen = new Set<string>();
    for (let k = 0; k < 10; k++) {
      seen.add(await text(page, 0, 'overlay-instance'));
      await page.waitForTimeout(100);
    }
    expect(seen.size).toBeGreaterThan(3);
    await page.getByTestId('action-cine').click();
    const stopped = await text(page, 0, 'overlay-instance');
    await page.waitForTimeout(300);
    expect(await text(page, 0, 'overlay-instance')).toBe(stopped);
  });

  it('CT: window presets, zoom/pan, measurements with HU statistics, invert/rotate/flip/reset, save PNG, help', async () => {
    const ct = await demoExam(base, token, 'CT');
    const first = await openViewer(page, dimageLink(base, ct));
    await page.waitForFunction(() => !!window.__yyViewer!.status()[0].allLoadedAt);
    const st = (await page.evaluate(() => window.__yyViewer!.status()[0]))!;
    console.log(`CT ${ct.accession}: navigation → first image ${first.toFixed(0)} ms, → whole series (12) ${st.allLoadedAt!.toFixed(0)} ms`);

    for (const [id, w, l] of [['lung', 1500, -600], ['mediastinum', 350, 40], ['bone', 2000, 500], ['brain', 80, 40], ['abdomen', 400, 40]] as const) {
      await page.getByTestId('menu-preset').click();
      await page.getByTestId(`preset-${id}`).click();
      await expect.poll(() => text(page, 0, 'overlay-wl')).toBe(`窗宽 W:${w} 窗位 L:${l}`);
    }
    await page.keyboard.press('1'); // 肺窗 by shortcut
    await expect.poll(() => text(page, 0, 'overlay-wl')).toBe('窗宽 W:1500 窗位 L:-600');
    await page.keyboard.press('2');
    await expect.poll(() => text(page, 0, 'overlay-wl')).toBe('窗宽 W:350 窗位 L:40');

    const box = (await page.locator('.yv-pane[data-index="0"]').boundingBox())!;
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const drag = async (x0: number, y0: number, x1: number, y1: number) => {
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      await page.mouse.move(x1, y1, { steps: 6 });
      await page.mouse.up();
    };
    const zoom0 = await text(page, 0, 'overlay-zoom');
    await page.getByTestId('tool-zoom').click();
    await drag(cx, cy, cx, cy - 80);
    await expect.poll(() => text(page, 0, 'overlay-zoom')).not.toBe(zoom0);
    const hz = await paneHash(page, 0);
    await page.getByTestId('tool-pan').click();
    await drag(cx, cy, cx + 60, cy + 30);
    await frames(page);
    expect(await paneHash(page, 0)).not.toBe(hz);
    await page.keyboard.press('Escape'); // 复位
    await expect.poll(() => text(page, 0, 'overlay-zoom')).toBe(zoom0);

    const svgText = async () => (await page.locator('.yv-pane[data-index="0"] svg.svg-layer').textContent()) ?? '';
    await page.getByTestId('tool-rect').click();
    await drag(cx - 60, cy - 40, cx + 20, cy + 30);
    await expect.poll(svgText).toMatch(/HU/);
    await page.getByTestId('tool-ellipse').click();
    await drag(cx + 40, cy - 40, cx + 110, cy + 20);
    await page.getByTestId('tool-length').click();
    await drag(cx - 120, cy + 80, cx + 80, cy + 120);
    await expect.poll(svgText).toMatch(/mm/);
    await page.getByTestId('tool-angle').click();
    // Three separate clicks, moving between them as a hand does (Cornerstone drops a click it takes for a double click).
    for (const [x, y] of [[cx - 100, cy - 120], [cx - 40, cy - 60], [cx + 40, cy - 120]]) {
      await page.mouse.move(x, y, { steps: 4 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(450);
    }
    await expect.poll(svgText).toMatch(/(97\.\d|98\.\d) ?°/); // the angle of the three points clicked (98.1° on screen)
    await page.getByTestId('tool-probe').click();
    await page.mouse.click(cx - 160, cy + 20);
    await expect.poll(svgText).toMatch(/坐标 \(\d+, \d+\)值 -?[\d.]+ HU/); // probe
    const all = await svgText();
    expect(all.match(/均值 -?[\d.]+ HU/g)?.length ?? 0).toBe(2); // rectangle and ellipse: mean and SD in HU
    expect(all.match(/标准差 [\d.]+ HU/g)?.length ?? 0).toBe(2);
    await screenshot(page, 'viewer-desktop-ct-measurements');
    await act(page, 'clear');
    await expect.poll(svgText).toBe('');

    await page.getByTestId('tool-wl').click();
    const h0 = await paneHash(page, 0);
    for (const a of ['invert', 'rotate', 'flipH', 'flipV'] as const) {
      const before = await paneHash(page, 0);
      await page.getByTestId(`action-${a}`).click();
      await frames(page);
      expect(await paneHash(page, 0), a).not.toBe(before);
    }
    await page.getByTestId('action-reset').click();
    await frames(page);
    expect(await paneHash(page, 0)).toBe(h0); // back to the image as first shown

    const download = page.waitForEvent('download');
    await act(page, 'save');
    const file = await (await download).path();
    const png = fs.readFileSync(file!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(decodePng(new Uint8Array(png)).width).toBeGreaterThan(100);

    await act(page, 'help');
    await expect(page.getByTestId('viewer-help').innerText()).resolves.toContain('窗宽窗位');
    await act(page, 'fullscreen');
    await expect.poll(() => page.getByTestId('image-viewer').getAttribute('class')).toContain('is-fullscreen');
    await act(page, 'fullscreen');
    await expect.poll(() => page.getByTestId('image-viewer').getAttribute('class')).not.toContain('is-fullscreen');
  });
});

describe('compare with another exam of the patient', () => {
  it('opens it side by side (1×2); window and zoom follow while linked, not after unlinking', async () => {
    const page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    const k = neijiangKeysFor('2470');
    // The report QR of two exams of the same patient: the demo CT SD-53242 and the codec exam.
    await openViewer(page, buildDimageQrLink(base, { aesKey: k.aesKey, aesIv: k.aesIv, hsCode: '2470', accessionNumbers: ['SD-53242', 'E2E-CODECS'], date: '20210512' }));
    await page.getByTestId('menu-compare').click();
    const first = await page.locator('[data-testid="viewport"]').first().getAttribute('data-series-uid');
    const other = codecs.some((c) => c.seriesInstanceUid === first) ? 0 : 1; // compare with the study not shown
    const options = page.getByTestId('compare-study');
    expect(await options.count()).toBeGreaterThanOrEqual(1);
    await options.nth(Math.min(other, (await options.count()) - 1)).click();
    await expect.poll(() => page.locator('[data-testid="viewport"]').count()).toBe(2);
    await page.waitForFunction(() => !!window.__yyViewer!.status()[1].firstImageAt && !!window.__yyViewer!.status()[0].firstImageAt);
    await page.locator('.yv-pane[data-index="0"]').click();
    expect(await page.getByTestId('toggle-link').getAttribute('aria-pressed')).toBe('true');
    const m0 = await page.locator('.yv-pane[data-index="0"] [data-testid="overlay-series"]').innerText();
    const m1 = await page.locator('.yv-pane[data-index="1"] [data-testid="overlay-series"]').innerText();
    expect(m0.split(' ')[0]).toBe(m1.split(' ')[0]); // the same modality was picked
    await page.keyboard.press('1');
    await expect.poll(() => text(page, 1, 'overlay-wl')).toBe('窗宽 W:1500 窗位 L:-600');
    const z1 = await text(page, 1, 'overlay-zoom');
    const box = (await page.locator('.yv-pane[data-index="0"]').boundingBox())!;
    await page.getByTestId('tool-zoom').click();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 60, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => text(page, 1, 'overlay-zoom')).not.toBe(z1);
    await screenshot(page, 'viewer-desktop-compare');

    await page.getByTestId('toggle-link').click();
    expect(await page.getByTestId('toggle-link').getAttribute('aria-pressed')).toBe('false');
    await page.locator('.yv-pane[data-index="0"]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('3');
    await expect.poll(() => text(page, 0, 'overlay-wl')).toBe('窗宽 W:2000 窗位 L:500');
    await page.waitForTimeout(200);
    expect(await text(page, 1, 'overlay-wl')).toBe('窗宽 W:1500 窗位 L:-600');
  });
});

describe('without WebGL (--disable-3d-apis): Cornerstone\'s CPU rendering', () => {
  it('renders the MR exam and a CT sample like the server', async () => {
    const cpuBrowser = await launchBrowser({ args: ['--disable-3d-apis'] });
    try {
      const page = await (await cpuBrowser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
      expect(await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'))).toBe(false);
      await openViewer(page, dimageLink(base, codecExam));
      expect(await page.getByTestId('image-viewer').getAttribute('data-cpu')).toBe('1');
      for (const name of ['ct_small/CT_small_dcmtk_jpeg_lossless_sv1.dcm', 'color/examples_rgb_color.dcm', 'mr_small/MR_small_jp2klossless.dcm']) {
        const c = codecs.find((x) => x.file.endsWith(name))!;
        await show(page, 0, c.seriesInstanceUid);
        await page.evaluate(() => window.__yyViewer!.setInterpolation(0, true));
        await frames(page);
        const info = (await page.evaluate(() => window.__yyViewer!.viewport(0)))!;
        const got = await paneStats(page, 0);
        const win = info.voi && !info.color ? { width: info.voi.upper - info.voi.lower + 1, center: (info.voi.lower + info.voi.upper + 1) / 2 } : undefined;
        const ref = await referenceStats(c.file, 1, win);
        console.log(`CPU ${name}: viewer ${got.mean.toFixed(1)} ±${got.std.toFixed(1)}, ref ${ref.mean.toFixed(1)} ±${ref.std.toFixed(1)}`);
        expect(Math.abs(got.mean - ref.mean), name).toBeLessThan(MEAN_TOL);
        expect(Math.abs(got.std - ref.std) / ref.std, name).toBeLessThan(STD_REL_TOL);
      }
      await screenshot(page, 'viewer-desktop-cpu');
    } finally {
      await cpuBrowser.close();
    }
  });
});
