// PALETTE COLOR images in the viewer (Chromium, production build): their lookup tables come as
// BulkDataURIs in the series metadata and must be fetched before the image is drawn; each quadrant's
// pixel value must show the colour its palette gives it (8- and 16-bit LUT entries). An image that
// cannot be shown (its palette data refused, its frames never answered) says so in its pane.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PALETTE_SWATCHES } from '@/lib/dicom/synth';
import type {} from '@/components/viewer/testApi'; // window.__yyViewer
import { launchBrowser, openPage, screenshot } from './support/browser';
import { dimageLink } from './support/dimage';

const base = inject('baseUrl');
const palettes = inject('paletteSeries');
const series = (name: string) => palettes.find((p) => p.name === name)!;
const paletteExam = { hospital: '2470', accession: 'E2E-PALETTE', date: '20210512' };

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const paneError = (i: number) => page.locator(`.yv-pane[data-index="${i}"] [data-testid="viewport-error"]`);

/** Show a series in viewport i; wait for its first image or its error message (up to `timeout`). */
async function show(i: number, seriesUid: string, timeout = 30_000): Promise<void> {
  expect(await page.evaluate(([i, uid]) => window.__yyViewer!.assign(i as number, uid as string), [i, seriesUid] as const)).toBe(true);
  await page.waitForFunction(
    ([i, uid]) => {
      const s = window.__yyViewer!.status()[i as number];
      const pane = document.querySelector(`.yv-pane[data-index="${i}"]`);
      return !!s.series?.endsWith(`|${uid}`) && (!!s.firstImageAt || !!pane?.querySelector('[data-testid="viewport-error"]'));
    },
    [i, seriesUid] as const,
    { timeout },
  );
  await frames();
}

/** Mean RGB of a 5×5 patch at the centre of each quadrant of the image drawn in viewport i. */
async function quadrantColours(i: number): Promise<number[][]> {
  return page.evaluate((i) => {
    const r = window.__yyViewer!.viewport(i)!.rect!;
    const canvas = document.querySelector<HTMLCanvasElement>(`.yv-pane[data-index="${i}"] canvas.cornerstone-canvas`)!;
    const ctx = canvas.getContext('2d')!;
    return [0, 1, 2, 3].map((q) => {
      const x = Math.round(r.x + r.w * (q % 2 ? 0.75 : 0.25)) - 2, y = Math.round(r.y + r.h * (q < 2 ? 0.25 : 0.75)) - 2;
      const d = ctx.getImageData(x, y, 5, 5).data;
      const sum = [0, 0, 0];
      for (let k = 0; k < d.length; k += 4) for (let c = 0; c < 3; c++) sum[c] += d[k + c];
      return sum.map((v) => Math.round(v / 25));
    });
  }, i);
}

function expectSwatches(got: number[][], label: string) {
  got.forEach((rgb, q) => {
    const want = PALETTE_SWATCHES[q].rgb;
    expect(Math.max(...rgb.map((v, c) => Math.abs(v - want[c]))), `${label}: quadrant ${q} is ${rgb}, the palette says ${want}`).toBeLessThanOrEqual(3);
  });
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const res = await page.goto(dimageLink(base, paletteExam));
  expect(res?.status()).toBe(200);
  await page.waitForSelector('[data-testid="image-viewer"][data-ready="1"]');
  await page.waitForFunction((n) => window.__yyViewer?.series().length === n, palettes.length);
});
afterAll(async () => {
  await browser?.close();
});

describe('PALETTE COLOR images', () => {
  it('draw each pixel value in its palette colour: 8-bit LUT entries, every image of the series', async () => {
    const s = series('lut8');
    await show(0, s.seriesInstanceUid);
    await expect(paneError(0).count()).resolves.toBe(0);
    await page.evaluate(() => window.__yyViewer!.setInterpolation(0, true));
    await frames();
    expect((await page.evaluate(() => window.__yyViewer!.viewport(0)))!.color).toBe(true);
    expectSwatches(await quadrantColours(0), '8-bit LUT, middle image');
    // The other images of the series (loaded ahead, or by the viewport itself when paged to).
    await page.waitForFunction(() => !!window.__yyViewer!.status()[0].allLoadedAt);
    expect((await page.evaluate(() => window.__yyViewer!.status()[0])).failed).toBe(0);
    for (const key of ['Home', 'End']) {
      await page.locator('.yv-pane[data-index="0"]').click();
      await page.keyboard.press(key);
      await expect.poll(() => page.evaluate(() => window.__yyViewer!.viewport(0)!.imageIndex)).toBe(key === 'Home' ? 0 : 2);
      await frames();
      expectSwatches(await quadrantColours(0), `8-bit LUT, image ${key === 'Home' ? 1 : 3}`);
    }
    await screenshot(page, 'viewer-palette-8bit');
  });

  it('draw each pixel value in its palette colour: 16-bit LUT entries, palette starting at value 16', async () => {
    const s = series('lut16');
    await show(0, s.seriesInstanceUid);
    await expect(paneError(0).count()).resolves.toBe(0);
    await page.evaluate(() => window.__yyViewer!.setInterpolation(0, true));
    await frames();
    expectSwatches(await quadrantColours(0), '16-bit LUT');
    await screenshot(page, 'viewer-palette-16bit');
  });

  it('an image whose palette data cannot be fetched says so in its pane instead of spinning', async () => {
    const s = series('broken-lut');
    await page.route(`**/instances/${s.sopInstanceUids[0]}/bulk/**`, (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"gone"}' }));
    try {
      await show(0, s.seriesInstanceUid);
      await expect(paneError(0).innerText()).resolves.toBe('该图像的查找表（调色板）数据加载失败，无法显示');
      await expect(page.locator('.yv-pane[data-index="0"] .yv-spinner').count()).resolves.toBe(0);
    } finally {
      await page.unroute(`**/instances/${s.sopInstanceUids[0]}/bulk/**`);
    }
  });

  it('an image whose frames never arrive says so in its pane after the stall timeout', async () => {
    const s = series('stalled');
    await page.route(`**/instances/${s.sopInstanceUids[0]}/frames/**`, () => {
      /* never answered */
    });
    const t0 = Date.now();
    await show(0, s.seriesInstanceUid, 60_000);
    console.log(`stalled frame request: pane message after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await expect(paneError(0).innerText()).resolves.toBe('图像加载超时（网络无响应或图像无法解码）');
    await expect(page.locator('.yv-pane[data-index="0"] .yv-spinner').count()).resolves.toBe(0);
    await screenshot(page, 'viewer-palette-stalled');
  }, 120_000);

  it('threw no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
