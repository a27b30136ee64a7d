/**
 * End to end in real Chromium against the real server (real port, real PostgreSQL, real worker):
 * sign up → create a schema from a sample (W2's schema pages) → upload an invalid workbook with a
 * real progress bar → watch the validation progress → see the errors → filter → download the
 * annotated workbook (read back with the engine) → create an API token (W2's token page) and use
 * it with the API → sign out. Markup in every user-controlled field must stay inert throughout.
 * Screenshots of each main page go to test-output/screenshots/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpreadsheet } from '../../src/engine/index.js';
import {
  collectPageErrors,
  hasChromium,
  launchBrowser,
  screenshot,
  startWebServer,
  type Browser,
  type WebServer,
} from './harness.js';
import { XSS, invalidWorkbook, sampleWorkbook } from './workbooks.js';

const skipReason = 'Chromium is not installed at /usr/bin/chromium (CI installs it with apt: see .ci/run)';
if (!hasChromium) console.warn(`browser tests skipped: ${skipReason}`);

/** No injected element may exist: only our two scripts, no <img> at all on our pages. */
async function expectInert(page: Page): Promise<void> {
  // Page code as strings: the test's TypeScript program has no DOM library.
  const found = await page.evaluate<{ scripts: string[]; images: number }>(`({
    scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src') ?? 'inline'),
    images: document.querySelectorAll('img').length,
  })`);
  // Our scripts are all files with a content hash in the name (no inline script ever).
  expect(
    found.scripts.filter(
      (src) => !/^\/[a-z/-]+\.[0-9a-f]{8,64}\.js$/.test(src.replace(/\.client\./, '-client.')),
    ),
  ).toEqual([]);
  expect(found.images).toBe(0);
}

describe.skipIf(!hasChromium)(
  `main flow in Chromium (${hasChromium ? 'chromium found' : skipReason})`,
  () => {
    let server: WebServer;
    let browser: Browser;
    let page: Page;
    let dir: string;
    let problems: string[];

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'intake-browser-'));
      // The worker starts later, so the test can watch an upload wait and then progress.
      server = await startWebServer({}, { worker: false });
      browser = await launchBrowser();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      problems = collectPageErrors(page);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('runs sign-up → schema → upload → report → filter → download → API token → sign-out', async () => {
      const base = server.baseUrl;

      // Sign up.
      await page.goto(`${base}/signup`);
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill(XSS);
      await page.getByLabel('Email').fill('ada@example.com');
      await page.getByLabel('Password').fill('correct-Horse-battery-9');
      await screenshot(page, '01-signup');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(`${base}/`);
      await expect(page.getByRole('heading', { name: 'Dashboard' }).isVisible()).resolves.toBe(true);

      // Create a schema from a sample, through the schema pages: infer, then edit the name.
      const sample = path.join(dir, 'orders-sample.xlsx');
      await sampleWorkbook(sample);
      await page.goto(`${base}/schemas`);
      await page.setInputFiles('#sample-file', sample);
      await page.getByRole('button', { name: 'Infer schema' }).click();
      await page.locator('#schema-name').waitFor();
      await page.locator('#schema-name').fill(`Orders ${XSS}`);
      await screenshot(page, '02-schema-editor');
      await page.locator('button[name=source][value=fields]').click();
      await page.waitForURL(/\/schemas\/[0-9a-f-]{36}/);
      await expectInert(page);

      // Upload an invalid workbook (markup in its name, a header and a cell) with the progress bar.
      const bad = path.join(dir, '<img src=x onerror=alert(3)>.xlsx');
      await invalidWorkbook(bad, 3000);
      await page.goto(`${base}/uploads/new`);
      await page.getByLabel('Schema to check against').selectOption({ label: `Orders ${XSS} (v1)` });
      await page.setInputFiles('#f-file', bad);
      await expect(page.locator('[data-file-name]').textContent()).resolves.toContain('onerror');
      // Record the highest value the upload bar shows (it is set from XHR upload progress events).
      await page.evaluate(`(() => {
      const bar = document.querySelector('progress[data-upload-progress]');
      if (!bar) throw new Error('no upload progress bar');
      new MutationObserver(() => sessionStorage.setItem('uploadProgress', String(bar.value))).observe(bar, {
        attributes: true,
      });
    })()`);
      await screenshot(page, '03-upload');
      await page.getByRole('button', { name: 'Upload and validate' }).click();
      await page.waitForURL(/\/uploads\/[0-9a-f-]{36}$/);
      const uploadId = page.url().split('/').pop() as string;
      expect(await page.evaluate(`sessionStorage.getItem('uploadProgress')`)).toBe('100');

      // Watch the validation progress: queued (no worker yet), then live until the report appears.
      await page.locator('#validation-progress').waitFor();
      await expect(page.locator('#validation-progress').textContent()).resolves.toContain(
        'Waiting for a worker',
      );
      await screenshot(page, '04-validation-progress');
      await server.startWorker();
      // HTMX polls /progress; once final the server asks for a refresh and the report renders.
      await page.locator('[data-testid=error-table]').waitFor({ timeout: 30_000 });
      await expectInert(page);
      await screenshot(page, '05-report');
      const codes = await page.locator('[data-testid=error-table] tbody td:nth-child(4)').allTextContents();
      expect(codes.length).toBe(50);
      expect(new Set(codes)).toEqual(new Set(['extra_column', 'type']));
      await expect(page.locator('[data-bad-cell]').count()).resolves.toBeGreaterThan(0);

      // Filter by code (HTMX swaps the table in place and pushes the URL).
      await page.locator('#filter-code').selectOption('extra_column');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/code=extra_column/);
      await expect.poll(async () => page.locator('[data-testid=error-table] tbody tr').count()).toBe(1);
      await expect(page.locator('[data-testid=error-table] tbody').textContent()).resolves.toContain(
        'onerror',
      );
      await expectInert(page);
      await screenshot(page, '06-report-filtered');

      // Download the annotated workbook and read it back with the engine.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download annotated workbook' }).click(),
      ]);
      const annotated = path.join(dir, 'annotated.xlsx');
      await download.saveAs(annotated);
      const opened = await openSpreadsheet(annotated, { sheet: 'Errors' });
      try {
        expect(opened.sheets.map((s) => s.name)).toContain('Orders');
        let errorRows = 0;
        for await (const batch of opened.rows()) errorRows += batch.length;
        // A header plus one line per issue: 1000 type errors and one extra column.
        expect(errorRows).toBe(1 + 1000 + 1);
      } finally {
        await opened.close();
      }

      // Create an API token on the token page and use it with the API.
      await page.goto(`${base}/account/tokens`);
      await page.getByLabel('Name').fill('ci token');
      await page.locator('input[name=scopes][value=view_upload]').check();
      await page.locator('form[action="/account/tokens"] button[type=submit]').click();
      const token = (await page.locator('#new-token').textContent())?.trim() ?? '';
      expect(token).toMatch(/^intk_/);
      await screenshot(page, '07-api-token');
      const api = await fetch(`${base}/api/v1/uploads/${uploadId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(api.status).toBe(200);
      expect(((await api.json()) as { status: string }).status).toBe('invalid');

      // Dashboard with totals and the chart, then the account page.
      await page.goto(`${base}/`);
      await expect(page.locator('svg[role=img]').count()).resolves.toBe(1);
      await screenshot(page, '08-dashboard');
      await page.goto(`${base}/account`);
      await screenshot(page, '09-account');

      // Phone width: the layout must not overflow horizontally.
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`${base}/uploads/${uploadId}`);
      // Elements sticking out past the right edge of a phone screen (none may, outside scrollers).
      const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.overflow-x-auto'))
        .map((el) => el.tagName + '.' + String(el.className).slice(0, 60))
        .slice(0, 5)`);
      expect(wide).toEqual([]);
      await expect(
        page.evaluate<number>(`document.documentElement.scrollWidth - window.innerWidth`),
      ).resolves.toBeLessThanOrEqual(0);
      await screenshot(page, '10-report-phone');
      await page.setViewportSize({ width: 1280, height: 900 });

      // Sign out: the session ends on the server; pages send us to sign in again.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/login/);
      await page.goto(`${base}/account`);
      await page.waitForURL(`${base}/login?next=%2Faccount`);
      await screenshot(page, '11-login');

      // The 404 page in the app's look.
      await page.goto(`${base}/no-such-page`);
      await expect(page.getByRole('heading', { name: 'Page not found' }).isVisible()).resolves.toBe(true);
      await screenshot(page, '12-not-found');

      expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    }, 120_000);
  },
);
