/**
 * The sandbox console page in headless Chromium: trigger an incoming fax from the page's form and
 * see it appear in the log, with its PDF viewable; the outbox updates live. Skipped (with a
 * message) when /usr/bin/chromium is absent; CI installs it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandboxServer } from '../../src/hoiio/sandbox/server.js';

const CHROMIUM = '/usr/bin/chromium';
/** Upper bound for the page's 1-second polling to show a change (a bound, not a timing assertion). */
const WAIT = { timeout: 15_000 };
const present = existsSync(CHROMIUM);
if (!present) console.warn(`sandbox console test skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

describe.skipIf(!present)('sandbox console page (headless Chromium)', () => {
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'sandbox-console-'));
    // A fresh user-data-dir; Playwright takes it as the persistent context's directory.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('a fax triggered from the page appears in the log with a viewable PDF', async () => {
    const server = await startSandboxServer({ port: 0, timeScale: 0.01 });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.locator('#status').textContent(), WAIT).toBe('live');
      await expect.poll(() => page.locator('#balance').textContent(), WAIT).toBe('SGD 100.000');
      expect(await page.locator('#magic').textContent()).toContain('+6560000023');

      await page.fill('#fax-from', '+65 6200 0001');
      await page.fill('#fax-pages', '3');
      await page.click('#trigger-fax button[type=submit]');
      await expect.poll(() => page.locator('#result').textContent(), WAIT).toMatch(/fax scheduled: .*AA-C-\d+/);
      const txnRef = /AA-C-\d+/.exec((await page.locator('#result').textContent()) ?? '')?.[0] as string;

      const entry = page.locator(`#inbound li[data-txn-ref="${txnRef}"]`);
      await entry.waitFor();
      await expect.poll(() => entry.textContent(), WAIT).toContain('answered');
      expect(await entry.textContent()).toContain('+6562000001');
      expect(await entry.textContent()).toContain('3 page(s)');
      const href = await entry.locator('a', { hasText: 'PDF' }).getAttribute('href');
      const pdf = await page.request.get(href as string);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  test('what an application sends shows up in the outbox without reloading', async () => {
    const server = await startSandboxServer({ port: 0, timeScale: 0.01 });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await expect.poll(() => page.locator('#status').textContent(), WAIT).toBe('live');
      const res = await fetch(`${server.url}/open/sms/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'app_id=sandbox&access_token=sandbox&dest=%2B6591112222&msg=%3Cb%3EParcel%3C%2Fb%3E+ready',
      });
      const { txn_ref } = (await res.json()) as { txn_ref: string };
      const row = page.locator(`#outbox tr[data-txn-ref="${txn_ref}"]`);
      await row.waitFor();
      await expect.poll(() => row.textContent(), WAIT).toContain('delivered');
      // Text from applications is shown as text, never interpreted as HTML.
      expect(await row.locator('b').count()).toBe(0);
      expect(await row.textContent()).toContain('<b>Parcel</b> ready');
      await page.close();
    } finally {
      await server.close();
    }
  });
});
