// The ops page in Debian's headless Chromium through playwright-core (no downloaded browser).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpsPage {
  page: Page;
  waitForText(selector: string, text: string, timeoutMs?: number): Promise<void>;
  text(selector: string): Promise<string>;
  /** Main-frame navigations so far: a reload would add one. */
  navigations(): Promise<number>;
  screenshot(path: string | undefined): Promise<void>;
  close(): Promise<void>;
}

export async function startOpsPage(url: string): Promise<OpsPage> {
  const profile = mkdtempSync(join(tmpdir(), 'keel-chromium-'));
  // A fresh profile per run (playwright passes it to Chromium as --user-data-dir).
  const browser: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1400, height: 1100 },
  });
  const page = await browser.newPage();
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    async waitForText(selector, text, timeoutMs = 30_000) {
      try {
        const probe = `(document.querySelector(${JSON.stringify(selector)})?.textContent ?? '').includes(${JSON.stringify(text)})`;
        await page.waitForFunction(probe, undefined, { timeout: timeoutMs, polling: 100 });
      } catch (err) {
        throw new Error(
          `${selector} never showed "${text}" (page errors: ${errors.join('; ') || 'none'}): ${(err as Error).message}`,
        );
      }
    },
    text: async (selector) => (await page.textContent(selector)) ?? '',
    navigations: () => Promise.resolve(navigations),
    async screenshot(path) {
      if (path) await page.screenshot({ path, fullPage: true });
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
