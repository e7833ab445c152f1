// Debian Chromium driven by playwright-core (Playwright's own browser download cannot work here).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type LaunchOptions, type Page } from 'playwright-core';
import { root } from './server';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A Chromium whose every context reports Content-Security-Policy violations (page or worker) to
 * cspViolations; e2e/support/csp-guard.ts fails the test that caused one.
 */
export async function launchBrowser(o: LaunchOptions = {}): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, ...o, args: [...FLAGS, ...(o.args ?? [])] });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options?: BrowserContextOptions) => watchCsp(await newContext(options));
  return browser;
}

/** What the browser refused under our CSP since the last check: "url: message". */
export const cspViolations: string[] = [];

const CSP_MESSAGE = /Content Security Policy|Content-Security-Policy/i;

async function watchCsp(context: BrowserContext): Promise<BrowserContext> {
  const record = (m: ConsoleMessage) => {
    if (CSP_MESSAGE.test(m.text())) cspViolations.push(`${m.location().url || '(page)'}: ${m.text()}`);
  };
  context.on('console', record);
  context.on('page', (p) => p.on('worker', (w) => w.on('console', record)));
  // The event carries what Chromium's console line may not (the directive, the blocked URL).
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)),
  );
  return context;
}

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  return context.newPage();
}

/** Screenshots are kept as test artifacts under test-results/screenshots. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(root, 'test-results', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The window sizes pages must work at: HIS windows and iframes on the desktop, and a phone in WeChat. */
export const SIZES = {
  desktop1440: { viewport: { width: 1440, height: 900 } },
  desktop1280: { viewport: { width: 1280, height: 720 } },
  desktop1024: { viewport: { width: 1024, height: 768 } },
  phone: {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN',
  },
} satisfies Record<string, BrowserContextOptions>;
