// A doctor's path in Chromium, from links a HIS builds on its own: the patient's regional record
// → a report → its images → the repeat reminder → recognising one result and declining another
// → the decisions are there after a reload (and, on PostgreSQL, in the tables).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SPEC_SUBJECTS } from '@/lib/demo/spec-subjects';
import { launchBrowser, openPage, screenshot } from './support/browser';
import { hisLink } from './support/his';
import type {} from '@/components/viewer/testApi'; // window.__yyViewer

const base = inject('baseUrl');
const databaseUrl = inject('databaseUrl');
const idCard = SPEC_SUBJECTS.repeatReminder.idCardNo;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
});

async function rows(sql: string, params: unknown[] = []) {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

describe('a doctor\'s path', () => {
  it('clinicview: the regional record, a report, its images, a lab result', async () => {
    const url = hisLink(base, '/clinicview/index.html', { work_no: '001', org_code: '2470', med_rec_no: '', visit_id: '', accession_number: '', id_card_no: idCard, patient_name: '', placer_order_no: '' }, [['source', 'his'], ['nosearch', 'true']]);
    expect((await page.goto(url))?.status()).toBe(200);
    await expect(page.getByTestId('patient-name').textContent()).resolves.toBe('李*');
    await expect(page.getByTestId('patient-id-card').textContent()).resolves.toBe('2301**********5283');
    const exams = page.getByTestId('entry-exam');
    expect(await exams.count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('entry-lab').count()).toBeGreaterThanOrEqual(2);
    await exams.first().click();
    await page.getByTestId('report-findings').waitFor();
    expect((await page.getByTestId('report-impression').textContent())!.length).toBeGreaterThan(4);
    await screenshot(page, 'clinicview-report');
    await page.getByRole('tab', { name: /^影像/ }).click();
    await page.locator('.detail-images').waitFor();
    // The exam's images are on screen: the first image drawn, and the canvas not blank.
    await page.waitForFunction(() => !!window.__yyViewer?.status()[0]?.firstImageAt, undefined, { timeout: 30_000 });
    const lit = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.detail-images canvas.cornerstone-canvas')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let k = 0; k < d.length; k += 4) if (d[k] + d[k + 1] + d[k + 2] > 30) n++;
      return n / (d.length / 4);
    });
    expect(lit).toBeGreaterThan(0.02);
    await screenshot(page, 'clinicview-images');
    await page.getByTestId('entry-lab').first().click();
    await page.getByTestId('lab-detail').waitFor();
    expect(await page.getByTestId('lab-item').count()).toBeGreaterThan(3);
    await screenshot(page, 'clinicview-lab');
  });

  it('repeat reminder: the head exam is a confirmed repeat, and can be opened', async () => {
    const url = hisLink(base, '/clinicview/repeat-reminder.html', null, [['source', 'his'], ['clinic_type', '0'], ['user_org_code', '2470'], ['user_id', '001'], ['id_card_no', idCard], ['exam_body_part', '头部']]);
    expect((await page.goto(url))?.status()).toBe(200);
    await expect(page.getByTestId('repeat-rate').textContent()).resolves.toBe('100%');
    const confirmed = page.getByTestId('repeat-confirmed');
    expect(await confirmed.count()).toBeGreaterThanOrEqual(1);
    await expect(confirmed.first().textContent()).resolves.toContain('头部');
    await confirmed.first().getByRole('button', { name: '查看' }).click();
    await page.getByTestId('report-findings').waitFor();
    await screenshot(page, 'repeat-reminder');
  });

  it('recognition: recognise one result, decline another (a reason is required), decisions stay', async () => {
    const visit = `MZ-E2E-${Date.now()}`;
    const token = { visit_id: visit, org_code: '2470', depart_code: '0304', depart_name: '神经内科', doctor_no: '001', doctor_name: '王医生', doctor_id_card: '', card_type: '2', card_no: 'HC001', id_card_no: idCard, patient_name: '李敏', patient_sex: '2', patient_age: '39', age_unit: '岁', ip_address: '10.1.2.3', ip_mac: '00-16-3E-AA-BB-CC', req_type: '3103', observation_item: 'CT0101,DR0102' };
    const url = hisLink(base, '/clinicview/recognition.html', token, [['source', 'his']]);
    expect((await page.goto(url))?.status()).toBe(200);
    const items = page.getByTestId('recognisable');
    expect(await items.count()).toBe(2);
    // Declining without a reason is refused.
    await items.nth(1).getByRole('button', { name: '不互认' }).click();
    await expect(items.nth(1).getByRole('alert').textContent()).resolves.toContain('原因');
    await items.nth(1).getByLabel('不互认原因').selectOption('2');
    await items.nth(1).getByRole('button', { name: '不互认' }).click();
    await items.nth(1).getByTestId('decision').waitFor();
    await items.nth(0).getByLabel('引用至院内系统').check();
    await items.nth(0).getByRole('button', { name: '互认', exact: true }).click();
    await items.nth(0).getByTestId('decision').waitFor();
    await screenshot(page, 'recognition');
    await page.reload();
    const decisions = await page.getByTestId('decision').allTextContents();
    expect(decisions).toHaveLength(2);
    expect(decisions.some((d) => d.startsWith('已互认') && d.includes('已引用'))).toBe(true);
    expect(decisions.some((d) => d.startsWith('不互认：检查检验结果在疾病发展演变过程中变化较快的'))).toBe(true);
    if (databaseUrl) {
      const marks = await rows('select recognized, "reasonCode", quoted, "doctorCode", "requestingOrgCode", "requestItemCodes", ip, mac, dialect from "RecognitionMark" where "visitId" = $1 order by id', [visit]);
      expect(marks).toEqual([
        { recognized: false, reasonCode: 2, quoted: false, doctorCode: '001', requestingOrgCode: '2470', requestItemCodes: ['CT0101', 'DR0102'], ip: '10.1.2.3', mac: '00-16-3E-AA-BB-CC', dialect: 'IDCAS' },
        { recognized: true, reasonCode: null, quoted: true, doctorCode: '001', requestingOrgCode: '2470', requestItemCodes: ['CT0101', 'DR0102'], ip: '10.1.2.3', mac: '00-16-3E-AA-BB-CC', dialect: 'IDCAS' },
      ]);
    }
  });

  it.skipIf(!databaseUrl)('every view, PDF and reminder left a retrieval record', async () => {
    const kinds = await rows(`select type, "searchType", "viewerOrgCode", "doctorCode", dialect, count(*)::int as n from "RetrievalRecord" group by 1,2,3,4,5 order by 1`);
    // This path's views (other test files' links also view as 2470/001, through other dialects).
    expect(kinds.find((k) => k.type === 'VIEW' && k.dialect === 'IDCAS' && k.viewerOrgCode === '2470' && k.doctorCode === '001')?.n).toBeGreaterThanOrEqual(3);
    expect(kinds.find((k) => k.type === 'REMINDER' && k.searchType === 'REPEAT')?.n).toBeGreaterThanOrEqual(1);
  });
});
