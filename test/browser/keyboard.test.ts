/**
 * Keyboard and labels in Chromium: a skip link first, a visible focus ring, forms submit with
 * Enter and show their errors as alerts, and every control on the main pages has a label.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, startWebServer, type Browser, type WebServer } from './harness.js';

const skipReason = 'Chromium is not installed at /usr/bin/chromium (CI installs it with apt: see .ci/run)';

/** Controls without a label or aria-label (page code as a string: no DOM types in the test). */
function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML.slice(0, 120))`);
}

describe.skipIf(!hasChromium)(
  `keyboard and labels in Chromium (${hasChromium ? 'chromium found' : skipReason})`,
  () => {
    let server: WebServer;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      server = await startWebServer();
      browser = await launchBrowser();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('works from the keyboard with visible focus and labelled controls', async () => {
      const base = server.baseUrl;
      await page.goto(`${base}/login`);
      await page.keyboard.press('Tab');
      await expect(page.evaluate(`document.activeElement.textContent.trim()`)).resolves.toBe(
        'Skip to content',
      );
      await page.getByLabel('Email').focus();
      const ring = await page.evaluate<string>(`getComputedStyle(document.activeElement).boxShadow`);
      expect(ring).not.toBe('none');
      await page.keyboard.type('nobody@example.com');
      await page.keyboard.press('Tab');
      await page.keyboard.type('wrong-password-1');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Email or password is wrong');
      expect(await unlabelled(page)).toEqual([]);

      await page.goto(`${base}/signup`);
      expect(await unlabelled(page)).toEqual([]);
      await page.getByLabel('Email').fill('keys@example.com');
      await page.getByLabel('Password').fill('123');
      await page.getByLabel('Password').press('Enter');
      // The weak password is reported next to its field, tied to it by aria-describedby.
      await expect(page.getByLabel('Password').getAttribute('aria-invalid')).resolves.toBe('true');
      await page.getByLabel('Password').fill('correct-Horse-battery-9');
      await page.getByLabel('Password').press('Enter');
      await page.waitForURL(`${base}/`);
      for (const path of ['/', '/uploads/new', '/account']) {
        await page.goto(`${base}${path}`);
        expect(await unlabelled(page)).toEqual([]);
      }
    });
  },
);
