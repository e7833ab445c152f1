// Links in a real browser against the production server: every demo link (built fresh with the
// demo's keys) and the seeds' verbatim example URLs open their page; tampered links get a readable
// Chinese error page and a 4xx; a session for one patient reads nothing of another's.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SEED_EXAMPLE_PATHS } from '@/lib/demo/spec-subjects';
import { launchBrowser, openPage, screenshot } from './support/browser';

const base = inject('baseUrl');
let browser: Browser;
let links: { label: string; url: string }[];

beforeAll(async () => {
  browser = await launchBrowser();
  const res = await fetch(`${base}/api/demo/links`);
  links = (await res.json()).links;
});
afterAll(async () => {
  await browser?.close();
});

describe('signed links in Chromium', () => {
  it('every demo link opens its page with the patient shown masked', async () => {
    const page = await openPage(browser);
    // The seeds' examples among them are opened by the next test (one of them is one-time).
    const signed = links.filter((l) => !l.url.endsWith('/') && !l.label.startsWith('规范示例'));
    expect(signed.length).toBeGreaterThanOrEqual(9);
    for (const [i, l] of signed.entries()) {
      const res = await page.goto(l.url);
      expect(res?.status(), l.label).toBe(200);
      expect(page.url(), l.label).toMatch(/\?vs=[A-Za-z0-9_-]{16}$/);
      const name = await page.getByTestId('patient-name').or(page.getByTestId('report-patient').first()).first().textContent();
      expect(name, l.label).toMatch(/^[\u4e00-\u9fff]+\*+$/);
      await screenshot(page, `link-${i}`);
    }
  });

  it('the seeds\' example URLs open verbatim (seed 002 P1, P2, P3 ×2; seed 001 channel)', async () => {
    for (const path of [SEED_EXAMPLE_PATHS.clinicview, SEED_EXAMPLE_PATHS.examReport, SEED_EXAMPLE_PATHS.dimage]) {
      const page = await openPage(browser);
      const res = await page.goto(base + path);
      expect(res?.status(), path.slice(0, 40)).toBe(200);
      await page.getByTestId('patient-name').or(page.getByTestId('report-patient').first()).first().waitFor();
    }
    // The seed's repeat-reminder example shows the example patient's head exam.
    const reminder = await openPage(browser);
    expect((await reminder.goto(base + SEED_EXAMPLE_PATHS.repeatReminderExam))?.status()).toBe(200);
    await expect(reminder.getByTestId('repeat-confirmed').first().textContent()).resolves.toContain('头部');
    // The second P3 example (a lab item) shares the first one's sign but is another link: in the
    // same browser it opens its own reminder, not the head exam again; used, a new browser is refused.
    expect((await reminder.goto(base + SEED_EXAMPLE_PATHS.repeatReminderLab))?.status()).toBe(200);
    await expect(reminder.locator('main').first().textContent()).resolves.toContain('检验项目：微量元素六项');
    const page = await openPage(browser);
    const res = await page.goto(base + SEED_EXAMPLE_PATHS.repeatReminderLab);
    expect(res?.status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('链接已使用');
  });

  it('the recognition example says which fields its token lacks', async () => {
    const page = await openPage(browser);
    const res = await page.goto(base + SEED_EXAMPLE_PATHS.recognition);
    expect(res?.status()).toBe(400);
    await expect(page.locator('h1').textContent()).resolves.toBe('令牌缺少必需字段');
    await expect(page.locator('.fields').textContent()).resolves.toContain('visit_id');
    await screenshot(page, 'refused-recognition-example');
  });

  it('tampered links get a Chinese error page and a 4xx', async () => {
    const cv = links.find((l) => l.label.startsWith('临床调阅'))!.url;
    const cases: [string, string, number, string][] = [
      ['sign', cv.replace(/sign=([0-9a-f])/, (_, c) => `sign=${c === 'a' ? 'b' : 'a'}`), 403, '签名无效'],
      ['token', cv.replace(/token=(.)/, (_, c) => `token=${c === 'A' ? 'B' : 'A'}`), 403, '签名无效'],
      ['missing sev', cv.replace(/&sev=[^&]+/, ''), 400, '缺少参数'],
      ['edited timestamp', cv.replace(/timestamp=[^&]+/, 'timestamp=2020-01-01%2000%3A00%3A00'), 403, '签名无效'],
      ['channel', links.find((l) => l.label.startsWith('数字影像'))!.url.replace(/channel=(.)/, (_, c) => `channel=${c === 'A' ? 'B' : 'A'}`), 403, '签名无效'],
    ];
    const page = await openPage(browser);
    for (const [what, url, status, title] of cases) {
      const res = await page.goto(url);
      expect(res?.status(), what).toBe(status);
      await expect(page.locator('h1').textContent(), what).resolves.toBe(title);
    }
    await screenshot(page, 'refused-channel');
  });
});

describe('a session reads only its own patient', () => {
  it('changing an exam or lab id in a data URL gives 403; another session\'s page gives 401', async () => {
    const page = await openPage(browser);
    await page.goto(links.find((l) => l.label.startsWith('临床调阅'))!.url);
    const vs = new URL(page.url()).searchParams.get('vs')!;
    const shown = await page.getByTestId('entry-exam').count();
    const probe = await page.evaluate(async (ref) => {
      const out: Record<string, number[]> = { exam200: [], exam403: [], lab200: [], other: [] };
      for (let id = 1; id <= 120; id++) {
        const e = await fetch(`/api/view/exams/${id}?vs=${ref}`);
        (e.status === 200 ? out.exam200 : e.status === 403 ? out.exam403 : out.other).push(id);
        const l = await fetch(`/api/view/labs/${id}?vs=${ref}`);
        if (l.status === 200) out.lab200.push(id);
        else if (l.status !== 403) out.other.push(-id);
      }
      return out;
    }, vs);
    expect(probe.other).toEqual([]);
    expect(probe.exam200.length).toBe(shown);
    expect(probe.exam403.length).toBe(120 - shown);
    // The exams it may read are all the same patient's.
    const names = new Set<string>();
    for (const id of probe.exam200) names.add((await page.evaluate(async ([i, ref]) => (await (await fetch(`/api/view/exams/${i}?vs=${ref}`)).json()).accessionNumber, [id, vs] as const)) as string);
    expect(names.size).toBe(shown);

    // Without the cookie the reference alone opens nothing.
    const res = await fetch(`${base}/api/view/exams/${probe.exam200[0]}?vs=${vs}`);
    expect(res.status).toBe(401);
    const other = await openPage(browser);
    expect((await other.goto(`${base}/clinician/patient?vs=${vs}`))?.status()).toBe(401);
  });
});
