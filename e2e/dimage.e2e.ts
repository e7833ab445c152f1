// /dimage/index.html as a patient and a doctor meet it: the privacy check (last four phone digits)
// before anything is shown, the report beside the images on a PC and below them on a phone,
// mode=imageOnly without the report, Isai with the AI-findings slot; links built here, as the
// hospital's report printer would.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './support/browser';
import { dimageLink } from './support/dimage';
import { hisLink } from './support/his';
import type {} from '@/components/viewer/testApi'; // window.__yyViewer

const base = inject('baseUrl');
const exam = inject('patientExam');
const codecs = inject('codecSeries');

const link = (o: Parameters<typeof dimageLink>[2] = {}) => dimageLink(base, { hospital: exam.hospital, accession: exam.accession, date: exam.studyDate }, o);

async function imagesShown(page: Page) {
  await page.waitForFunction(() => !!window.__yyViewer?.status()[0]?.firstImageAt, undefined, { timeout: 30_000 });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('/dimage/index.html', () => {
  it('asks a patient for the last four phone digits first; a wrong answer shows nothing, the right one the images and report', async () => {
    const page = await openPage(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    expect((await page.goto(link({ privacyCheck: true })))?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: '身份验证' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('.dimage-report, .yv-root').count()).toBe(0);
    const wrong = exam.phoneLast4 === '0000' ? '1111' : '0000';
    await page.getByLabel('手机号后四位').fill(wrong);
    await page.getByRole('button', { name: '确定' }).click();
    await expect(page.locator('.privacy-check .error').innerText()).resolves.toContain('号码不正确');
    expect(await page.locator('.dimage-report, .yv-root').count()).toBe(0);
    await screenshot(page, 'dimage-privacy-wrong');
    await page.getByLabel('手机号后四位').fill(exam.phoneLast4);
    await page.getByRole('button', { name: '确定' }).click();
    await imagesShown(page);
    // On a phone the report comes below the images.
    const images = (await page.locator('.dimage-images').boundingBox())!;
    const report = (await page.locator('.dimage-report').boundingBox())!;
    expect(report.y).toBeGreaterThanOrEqual(images.y + images.height - 1);
    expect(report.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'dimage-phone');
    await page.close();
  });

  it('five wrong answers close the session with a Chinese page', async () => {
    const page = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(link({ privacyCheck: true }));
    const wrong = exam.phoneLast4 === '0000' ? '1111' : '0000';
    let status = 0;
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('手机号后四位').fill(wrong);
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/view/privacy-check')), page.getByRole('button', { name: '确定' }).click()]);
      status = res.status();
      await page.waitForLoadState();
    }
    expect(status).toBe(403);
    await expect(page.getByRole('heading').first().innerText()).resolves.toBe('验证失败次数过多');
    await page.close();
  });

  it('on a PC the report is beside the images; Isai shows the AI slot; the cloud film; mode=imageOnly hides the report', async () => {
    const page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await page.goto(link({ showAi: true }));
    await imagesShown(page);
    const images = (await page.locator('.dimage-images').boundingBox())!;
    const report = (await page.locator('.dimage-report').boundingBox())!;
    expect(report.x).toBeGreaterThanOrEqual(images.x + images.width - 1);
    expect(Math.abs(report.y - images.y)).toBeLessThan(20);
    await expect(page.getByRole('heading', { name: 'AI 辅助分析' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'dimage-desktop');

    await page.goto(link());
    await imagesShown(page);
    expect(await page.locator('.ai-slot').count()).toBe(0);
    expect(await page.locator('.dimage-report').count()).toBe(1);

    // 云胶片: key images as a film sheet, each one rendered, and the way back into the viewer.
    await page.getByRole('link', { name: '查看云胶片' }).click();
    await page.getByRole('heading', { name: '云胶片' }).waitFor();
    const films = page.getByTestId('film-image');
    expect(await films.count()).toBeGreaterThan(0);
    for (const img of await films.all()) {
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    }
    await screenshot(page, 'film');
    await page.getByRole('link', { name: '打开影像浏览器' }).click();
    await imagesShown(page);

    await page.goto(link({ imageOnly: true }));
    await imagesShown(page);
    expect(await page.locator('.dimage-report').count()).toBe(0);
    const only = (await page.locator('.dimage-images').boundingBox())!;
    expect(only.width).toBeGreaterThan(1300);
    await page.close();
  });

  it('a clinician\'s exam report → cloud film → a tapped film image opens the viewer on that series', async () => {
    const page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    const token = { work_no: '001', org_code: '2470', med_rec_no: '', visit_id: '', accession_number: 'E2E-CODECS', id_card_no: '', patient_name: '', placer_order_no: '' };
    expect((await page.goto(hisLink(base, '/clinicview/exam-report.html', token, [['perform_org_code', '2470'], ['accession_number', 'E2E-CODECS']])))?.status()).toBe(200);
    await page.getByRole('link', { name: '查看云胶片' }).click();
    await page.getByRole('heading', { name: '云胶片' }).waitFor();
    const target = codecs.find((c) => c.file.endsWith('ct_small/CT_small.dcm'))!;
    const img = page.locator(`[data-testid="film-image"][data-series-uid="${target.seriesInstanceUid}"]`).first();
    await img.scrollIntoViewIfNeeded();
    await img.click();
    await imagesShown(page);
    await expect.poll(() => page.locator('.yv-pane[data-index="0"]').getAttribute('data-series-uid')).toBe(target.seriesInstanceUid);
    // …and the strip shows its thumbnail, scrolled into sight.
    const thumb = page.locator(`[data-testid="series-thumb"][data-series-uid="${target.seriesInstanceUid}"]`);
    await expect.poll(async () => {
      const [t, s] = [await thumb.boundingBox(), await page.locator('.yv-series').boundingBox()];
      return !!t && !!s && t.y >= s.y && t.y + t.height <= s.y + s.height;
    }).toBe(true);
    await screenshot(page, 'film-to-viewer');
    await page.close();
  });
});
