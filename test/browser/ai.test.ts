/**
 * AI review in a real browser, against a real local server speaking the Messages API: the report's
 * "Fix column mapping" panel loads by HTMX, "Ask AI" fills in the model's suggestion, Save confirms
 * and revalidates; "Suggest a fix" answers inline; the anomaly review lists warnings; admins see
 * AI usage on the dashboard. Screenshots: test-output/screenshots/ai-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerUser,
  STRONG_PASSWORD,
  type Session,
} from '../../src/features/identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA } from '../../src/features/uploads/uploads.test-support.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/features/ai/fake-anthropic.test-support.js';
import {
  collectPageErrors,
  hasChromium,
  launchBrowser,
  screenshot,
  startWebServer,
  type Browser,
  type WebServer,
} from './harness.js';

let server: WebServer;
let fake: FakeAnthropic;
let browser: Browser;
let page: Page;
let problems: string[];
let alice: Session;
let uploadId: string;

const MESSY_CSV = Buffer.from(
  'id,sku,email,Cost to customer,status\n' +
    '1,SKU-10001,a@example.com,10.5,active\n' +
    '2,SKU-10002,b@example.com,3,pending\n' +
    '3,SKU-10003,c@example.com,abc,closed\n' +
    '4,SKU-10004,d@example.com,990,active\n',
);

async function signIn(p: Page, email: string): Promise<void> {
  await p.goto(`${server.baseUrl}/login`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(STRONG_PASSWORD);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForURL(`${server.baseUrl}/`);
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'AI review in Chromium'
    : 'AI review in Chromium — skipped: /usr/bin/chromium is not installed',
  () => {
    beforeAll(async () => {
      fake = await startFakeAnthropic();
      server = await startWebServer({
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: fake.url,
        AI_MODEL: 'claude-test-model',
      });
      const app = server.t.app;
      alice = await registerUser(app);
      const auth = { authorization: `Bearer ${alice.accessToken}` };
      const schema = await app.inject({
        method: 'POST',
        url: '/api/v1/schemas',
        headers: auth,
        payload: { name: 'orders', schema: ORDERS_SCHEMA },
      });
      const body = multipartBody(
        { schema_id: schema.json<{ id: string }>().id },
        { filename: 'messy-orders.csv', content: MESSY_CSV },
      );
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { ...auth, ...body.headers },
        payload: body.payload,
      });
      uploadId = created.json<{ id: string }>().id;
      browser = await launchBrowser();
      page = await browser.context.newPage();
      problems = collectPageErrors(page);
      await signIn(page, alice.email);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await fake?.close();
    });

    it('fixes the column mapping with an AI suggestion, then revalidates', async () => {
      await page.goto(`${server.baseUrl}/uploads/${uploadId}`);
      await page.getByText('invalid', { exact: true }).first().waitFor({ timeout: 30_000 });
      const panel = page.locator('#ai-mapping');
      await panel.waitFor();
      await expect(panel.getByText('Cost to customer').first().isVisible()).resolves.toBe(true);

      fake.script({
        toolInput: { mappings: [{ header: 'Cost to customer', field: 'price', confidence: 0.91 }] },
      });
      await page.getByRole('button', { name: 'Ask AI about the unmatched headers' }).click();
      await page.getByText('AI, 91 %').waitFor();
      await expect(page.getByLabel('Field for header Cost to customer').inputValue()).resolves.toBe('price');
      await screenshot(page, 'ai-mapping');

      await page.getByRole('button', { name: 'Save mapping and revalidate' }).click();
      await page.waitForURL(`${server.baseUrl}/uploads/${uploadId}`);
      // The page follows the new run live and reloads when it finishes: one value error is left.
      await page.getByRole('link', { name: 'Suggest a fix' }).first().waitFor({ timeout: 30_000 });
      await expect(page.locator('#ai-mapping').count()).resolves.toBe(0);
    }, 60_000);

    it('suggests a fix inline and runs the anomaly review', async () => {
      fake.script({ toolInput: { suggestion: 'Enter the price as a number, like 12.50.' } });
      await page.getByRole('link', { name: 'Suggest a fix' }).first().click();
      await page.getByText('Enter the price as a number, like 12.50.').waitFor();

      fake.script({
        toolInput: { findings: [{ row: 5, column: 'price', reason: 'About 100 times the other prices.' }] },
      });
      await page.getByRole('button', { name: 'Run AI review' }).click();
      await page.getByText('About 100 times the other prices.').waitFor();
      await page.getByText('1 warning (not errors)').waitFor();
      await screenshot(page, 'ai-review');
      expect(problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
    }, 60_000);

    it('shows AI usage to an admin on the dashboard', async () => {
      const admin = await registerUser(server.t.app);
      await server.t.deps.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('id', '=', admin.userId)
        .execute();
      const context = await browser.newContext();
      const p = await context.newPage();
      const adminProblems = collectPageErrors(p);
      await signIn(p, admin.email);
      await p.locator('#ai-usage h2').waitFor();
      await p.getByText(/This month: \$[0-9.]+ of \$50\.00 budget/).waitFor();
      await expect(p.locator('#ai-usage').getByText('mapping').first().isVisible()).resolves.toBe(true);
      await screenshot(p, 'ai-usage');
      expect(adminProblems.filter((x) => !x.includes('Failed to load resource'))).toEqual([]);
    }, 60_000);
  },
);
