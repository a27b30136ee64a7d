/**
 * Schemas in a real browser: create from a sample (inference), edit rows (add, reorder, remove)
 * with the raw JSON view in sync both ways, the engine's message on a bad save, versions, and the
 * template workbook download.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, STRONG_PASSWORD } from '../../src/features/identity/identity.test-support.js';
import {
  collectPageErrors,
  hasChromium,
  launchBrowser,
  screenshot,
  startWebServer,
  type Browser,
  type WebServer,
} from './harness.js';
import { sampleWorkbook, XSS_IMG } from './workbooks.js';

let server: WebServer;
const notFound: string[] = [];
/**
 * Script errors and CSP violations. Chromium also logs every 4xx response as a console error
 * ("Failed to load resource"): the 422 of a refused form is expected, and 404s are listed apart.
 */
function scriptProblems(): string[] {
  return [...problems.filter((p) => !p.includes('Failed to load resource')), ...notFound];
}
let browser: Browser;
let page: Page;
let problems: string[];
let dir: string;

async function signIn(p: Page, base: string, email: string): Promise<void> {
  await p.goto(`${base}/login`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(STRONG_PASSWORD);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForURL(`${base}/`);
}

async function jsonView(
  p: Page,
): Promise<{ fields: { name: string; type: string; constraints?: Record<string, unknown> }[] }> {
  return JSON.parse(await p.locator('#schema-json').inputValue());
}

describe.skipIf(!hasChromium)(
  hasChromium ? 'schemas in Chromium' : 'schemas in Chromium — skipped: /usr/bin/chromium is not installed',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'intake-browser-schemas-'));
      server = await startWebServer();
      browser = await launchBrowser();
      page = await browser.context.newPage();
      problems = collectPageErrors(page);
      page.on('response', (r) => {
        if (r.status() === 404 && !r.url().endsWith('/favicon.ico')) notFound.push(`404: ${r.url()}`);
      });
      const user = await registerUser(server.t.app);
      await signIn(page, server.baseUrl, user.email);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('creates a schema from a sample, edits its rows with the JSON in sync, and saves versions', async () => {
      const base = server.baseUrl;
      const sample = path.join(dir, `${XSS_IMG}orders.xlsx`.replace(/[/\\]/g, '_'));
      await sampleWorkbook(sample);
      await page.goto(`${base}/schemas`);
      await screenshot(page, 'schemas-list-empty');
      await page.locator('#sample-file').setInputFiles(sample);
      await page.getByRole('button', { name: 'Infer schema' }).click();
      await page.getByText('Draft inferred from').waitFor();
      // The file name is shown as text, never as markup.
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.locator('[data-field-row]').count()).toBe(4);
      expect((await jsonView(page)).fields.map((f) => f.name)).toEqual(['id', 'email', 'amount', 'city']);
      await screenshot(page, 'schema-editor-inferred');

      // Add a field: the JSON follows as you type.
      await page.getByRole('button', { name: 'Add field' }).click();
      const newName = page.locator('[data-field-row]').nth(4).locator('[data-prop="name"]');
      await expect
        .poll(() =>
          newName.evaluate(
            (el) =>
              (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement ===
              el,
          ),
        )
        .toBe(true);
      await newName.fill('note');
      expect((await jsonView(page)).fields.at(-1)?.name).toBe('note');
      // Move it up above city, then remove it.
      await page.getByRole('button', { name: 'Move up field 5' }).click();
      expect((await jsonView(page)).fields.map((f) => f.name)).toEqual([
        'id',
        'email',
        'amount',
        'note',
        'city',
      ]);
      await page.getByRole('button', { name: 'Remove field 4' }).click();
      expect((await jsonView(page)).fields.map((f) => f.name)).toEqual(['id', 'email', 'amount', 'city']);

      // Editing the JSON rebuilds the rows; broken JSON is reported, not applied.
      const json = await jsonView(page);
      await page.locator('#schema-json').fill('{ "fields": [');
      await page.getByText('Not valid JSON yet').waitFor();
      json.fields[0].constraints = { ...json.fields[0].constraints, minimum: 1, maximum: 1000 };
      await page.locator('#schema-json').fill(JSON.stringify(json, null, 2));
      await expect.poll(() => page.locator('#field-0-maximum').inputValue()).toBe('1000');
      expect(await page.locator('[data-field-row]').count()).toBe(4);

      // A constraint the engine refuses: its message is shown next to the form, nothing is saved.
      await page.locator('#field-0-pattern').fill('^[0-9]+$');
      await page.getByLabel('Name', { exact: true }).first().fill('Orders');
      await page.getByRole('button', { name: 'Save schema' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/fields\[0\]\.constraints/);
      await screenshot(page, 'schema-editor-engine-error');

      await page.locator('#field-0-pattern').fill('');
      await page.getByRole('button', { name: 'Save schema' }).click();
      await page.waitForURL(/\/schemas\/[0-9a-f-]{36}$/);
      expect(await page.locator('#field-0-maximum').inputValue()).toBe('1000');
      await screenshot(page, 'schema-editor');

      // A second version from the raw JSON view.
      const v2 = await jsonView(page);
      v2.fields[3].constraints = { enum: ['Lyon', 'Oslo'] };
      await page.locator('#schema-json').fill(JSON.stringify(v2));
      await page.getByRole('button', { name: 'Save from JSON' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('#field-3-enum').inputValue()).toBe('Lyon, Oslo');
      await page.getByRole('link', { name: 'Versions' }).click();
      await page.getByText('Version 2').waitFor();
      await screenshot(page, 'schema-versions');

      // The template workbook has the schema's header row.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Template workbook' }).first().click(),
      ]);
      const file = path.join(dir, 'template.xlsx');
      await download.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const header = (wb.worksheets[0].getRow(1).values as unknown[]).slice(1);
      expect(header).toEqual(['id', 'email', 'amount', 'city']);

      // Share it view-only with a colleague from the schema page.
      const schemaUrl = page.url();
      const colleague = await registerUser(server.t.app);
      await page.goto(schemaUrl.replace(/\/versions.*$/, ''));
      await page.getByLabel('Share with (email)').fill(colleague.email);
      await page.getByRole('button', { name: 'Share view-only' }).click();
      await page.locator('[data-share-row]', { hasText: colleague.email }).waitFor();
      await screenshot(page, 'schema-sharing');

      await page.goto(`${base}/schemas`);
      await screenshot(page, 'schemas-list');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/schemas/new`);
      await screenshot(page, 'schema-editor-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(scriptProblems(), problems.join('\n')).toEqual([]);
    }, 120_000);

    it('works without scripts: the blank row adds a field', async () => {
      // Same session, every script blocked: the page must still work as a plain form.
      const p = await browser.context.newPage();
      await p.route('**/*.js', (route) => route.abort());
      await p.goto(`${server.baseUrl}/schemas/new`);
      await p.locator('#schema-name').fill('No script');
      await p.locator('#field-0-name').fill('code');
      await p.getByRole('button', { name: 'Save schema' }).click();
      await p.waitForURL(/\/schemas\/[0-9a-f-]{36}$/);
      expect(await p.locator('#field-0-name').inputValue()).toBe('code');
      await p.close();
    }, 60_000);
  },
);
