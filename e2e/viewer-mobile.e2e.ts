// The DICOM viewer on a phone (390×844, touch, DPR 3) against the production build: the layout fits,
// the toolbar scrolls sideways, thumbnails sit in a strip, one finger windows or pages (a visible
// switch), two fingers pinch-zoom and pan (real touch events through CDP), a tap opens a series.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './support/browser';
import { demoExam, dimageLink } from './support/dimage';
import type {} from '@/components/viewer/testApi'; // window.__yyViewer

const base = inject('baseUrl');
const token = inject('clientToken');
const codecs = inject('codecSeries');

const overlay = (page: Page, id: string) => page.locator(`.yv-pane[data-index="0"] [data-testid="${id}"]`).innerText();
const zoomOf = async (page: Page) => Number((await overlay(page, 'overlay-zoom')).match(/(\d+)%/)![1]);
const indexOf = async (page: Page) => Number((await overlay(page, 'overlay-instance')).split(' / ')[0]);

async function paneHash(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.yv-pane[data-index="0"] canvas.cornerstone-canvas')!;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 2166136261;
    for (let k = 0; k < d.length; k += 4) h = Math.imul(h ^ (d[k] + 3 * d[k + 1] + 7 * d[k + 2]), 16777619);
    return h >>> 0;
  });
}

/** A touch gesture: each finger moves in a straight line from its start to its end point, in `steps` moves. */
async function gesture(cdp: CDPSession, fingers: { from: [number, number]; to: [number, number] }[], steps = 8): Promise<void> {
  const at = (t: number) => fingers.map((f, id) => ({ x: f.from[0] + (f.to[0] - f.from[0]) * t, y: f.from[1] + (f.to[1] - f.from[1]) * t, id, radiusX: 4, radiusY: 4, force: 1 }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let k = 1; k <= steps; k++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(k / steps) });
    await new Promise((r) => setTimeout(r, 16));
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2219A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

let browser: Browser;
let page: Page;
let cdp: CDPSession;
let center: [number, number];

beforeAll(async () => {
  browser = await launchBrowser();
  // As WeChat's in-app browser on Android: its user agent, and none of the newer APIs the viewer must not need.
  page = await openPage(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3, userAgent: WECHAT_UA });
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    delete w.structuredClone;
    delete w.OffscreenCanvas;
    Object.defineProperty(Navigator.prototype, 'share', { value: undefined, configurable: true });
  });
  cdp = await page.context().newCDPSession(page);
});
afterAll(async () => {
  await browser?.close();
});

describe('the viewer on a phone (390×844, touch)', () => {
  it('fits the screen: toolbar scrolls sideways, thumbnails in a strip below, a small image cache', async () => {
    const res = await page.goto(dimageLink(base, await demoExam(base, token, 'MR')));
    expect(res?.status()).toBe(200);
    await page.waitForSelector('[data-testid="image-viewer"][data-ready="1"]');
    await page.waitForFunction(() => !!window.__yyViewer?.status()[0].allLoadedAt);
    expect(await page.evaluate(() => window.__yyViewer!.cacheMB)).toBe(40);
    expect(await page.getByTestId('image-viewer').getAttribute('class')).toContain('is-compact');
    const layout = await page.evaluate(() => {
      const bar = document.querySelector<HTMLElement>('.yv-toolbar')!;
      const grid = document.querySelector<HTMLElement>('.yv-grid')!.getBoundingClientRect();
      const strip = document.querySelector<HTMLElement>('.yv-series')!.getBoundingClientRect();
      return { pageWidth: document.documentElement.scrollWidth, barScrolls: bar.scrollWidth > bar.clientWidth && getComputedStyle(bar).overflowX === 'auto', gridWidth: grid.width, stripTop: strip.top, gridBottom: grid.bottom };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(390);
    expect(layout.barScrolls).toBe(true);
    expect(layout.gridWidth).toBeGreaterThan(380);
    expect(layout.stripTop).toBeGreaterThanOrEqual(layout.gridBottom - 1);
    await expect(page.getByTestId('touch-mode-wl').getAttribute('aria-checked')).resolves.toBe('true');
    expect(await page.evaluate(() => typeof structuredClone === 'undefined' && typeof OffscreenCanvas === 'undefined')).toBe(true);
    const box = (await page.locator('.yv-pane[data-index="0"]').boundingBox())!;
    center = [box.x + box.width / 2, box.y + box.height / 2];
    await screenshot(page, 'viewer-phone-mr');
  });

  it('one finger windows (调窗 mode)', async () => {
    const wl = await overlay(page, 'overlay-wl');
    const [x, y] = center;
    await gesture(cdp, [{ from: [x, y], to: [x + 80, y + 40] }]);
    await expect.poll(() => overlay(page, 'overlay-wl')).not.toBe(wl);
  });

  it('pinch zooms, two fingers pan', async () => {
    const [x, y] = center;
    const z0 = await zoomOf(page);
    await gesture(cdp, [
      { from: [x - 40, y], to: [x - 130, y] },
      { from: [x + 40, y], to: [x + 130, y] },
    ]);
    await expect.poll(() => zoomOf(page)).toBeGreaterThan(z0 * 1.3);
    const z1 = await zoomOf(page);
    const h = await paneHash(page);
    await gesture(cdp, [
      { from: [x - 40, y], to: [x - 40, y + 120] },
      { from: [x + 40, y], to: [x + 40, y + 120] },
    ]);
    await expect.poll(() => paneHash(page)).not.toBe(h);
    expect(Math.abs((await zoomOf(page)) - z1) / z1).toBeLessThan(0.1); // a pan, not a zoom
    await screenshot(page, 'viewer-phone-pinch');
  });

  it('one finger pages through the stack in 翻页 mode', async () => {
    await page.getByTestId('touch-mode-scroll').tap();
    await expect(page.getByTestId('touch-mode-scroll').getAttribute('aria-checked')).resolves.toBe('true');
    const i0 = await indexOf(page);
    const [x, y] = center;
    await gesture(cdp, [{ from: [x, y - 150], to: [x, y + 150] }], 12);
    await expect.poll(() => indexOf(page)).not.toBe(i0);
    const wl = await overlay(page, 'overlay-wl');
    expect(wl).toBe(await overlay(page, 'overlay-wl')); // paging does not window
  });

  it('a tap on a thumbnail opens that series (the codec exam)', async () => {
    await page.goto(dimageLink(base, { hospital: '2470', accession: 'E2E-CODECS', date: '20210512' }));
    await page.waitForFunction(() => !!window.__yyViewer?.status()[0].firstImageAt);
    const ct = codecs.find((c) => c.file.endsWith('ctimage-512/CTImage.dcm'))!;
    const thumb = page.locator(`[data-testid="series-thumb"][data-series-uid="${ct.seriesInstanceUid}"]`);
    await thumb.scrollIntoViewIfNeeded();
    await thumb.tap();
    await expect.poll(() => page.locator('.yv-pane[data-index="0"]').getAttribute('data-series-uid')).toBe(ct.seriesInstanceUid);
    await page.waitForFunction((uid) => {
      const s = window.__yyViewer!.status()[0];
      return !!s.series?.endsWith(`|${uid}`) && !!s.firstImageAt;
    }, ct.seriesInstanceUid);
    await page.getByTestId('menu-preset').tap();
    await page.getByTestId('preset-lung').tap();
    await expect.poll(() => overlay(page, 'overlay-wl')).toBe('窗宽 W:1500 窗位 L:-600');
    await screenshot(page, 'viewer-phone-codecs');
  });

  it('保存图片 in WeChat shows the image for a long-press save (no download there)', async () => {
    await page.getByTestId('action-save').tap();
    const img = page.locator('.yv-longpress img');
    await expect.poll(() => img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await screenshot(page, 'viewer-phone-save');
  });
});
