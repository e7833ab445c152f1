import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from './support/browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('home page', () => {
  it('says what Yingyun is and shows the loaded demo region', async () => {
    const page = await openPage(browser);
    const res = await page.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain('影云');
    const table = page.locator('table');
    await expect(table.textContent()).resolves.toContain('云州市第一人民医院');
    // The patient counter shows the demo's patients, not zero.
    const patients = await page.locator('text=患者').locator('xpath=following-sibling::div').first().textContent();
    expect(Number(patients?.replace(/,/g, ''))).toBeGreaterThanOrEqual(24);
    await screenshot(page, 'home');
  });

  it('reports health: database, migrations, writable file store', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.database.migrations.pending).toEqual([]);
    expect(body.database.migrations.applied.length).toBeGreaterThan(0);
    expect(body.fileStore.ok).toBe(true);
  });
});
