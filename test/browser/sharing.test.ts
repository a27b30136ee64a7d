/**
 * Sharing an upload in a real browser: its owner shares it from the report's Sharing card, the
 * grantee (another browser profile) reads the report with no revalidate, delete or sharing
 * controls, and loses it again when the owner removes the share.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  registerUser,
  STRONG_PASSWORD,
  type Session,
} from '../../src/features/identity/identity.test-support.js';
import {
  multipartBody,
  ORDERS_SCHEMA,
  ordersCsv,
  waitForUpload,
} from '../../src/features/uploads/uploads.test-support.js';
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
let browser: Browser;

async function signIn(p: Page, email: string): Promise<void> {
  const base = server.baseUrl;
  await p.goto(`${base}/login`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(STRONG_PASSWORD);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForURL(`${base}/`);
}

/** An upload of `owner` with some invalid rows, validated, made through the API. */
async function invalidUpload(owner: Session): Promise<string> {
  const schema = await call(server.t.app, 'POST', '/api/v1/schemas', {
    token: owner.accessToken,
    body: { name: 'Orders', schema: ORDERS_SCHEMA },
  });
  expect(schema.status, JSON.stringify(schema.body)).toBe(201);
  const body = multipartBody(
    { schema_id: schema.body.id as string },
    { filename: 'orders.csv', content: ordersCsv(20, 4) },
  );
  const res = await server.t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${owner.accessToken}`, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json<{ id: string }>().id;
  await waitForUpload(server.t.app, owner.accessToken, id);
  return id;
}

/** Script errors and CSP violations; Chromium also logs each 4xx load (the 404 at the end). */
function scriptProblems(problems: readonly string[]): string[] {
  return problems.filter((p) => !p.includes('Failed to load resource'));
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'sharing an upload in Chromium'
    : 'sharing an upload in Chromium — skipped: /usr/bin/chromium is not installed',
  () => {
    beforeAll(async () => {
      server = await startWebServer();
      browser = await launchBrowser();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('shares from the report page; the grantee reads it without controls; removing ends it', async () => {
      const owner = await registerUser(server.t.app);
      const grantee = await registerUser(server.t.app);
      const uploadId = await invalidUpload(owner);
      const report = `${server.baseUrl}/uploads/${uploadId}`;

      const page = await browser.context.newPage();
      const problems = collectPageErrors(page);
      await signIn(page, owner.email);
      await page.goto(report);
      const card = page.locator('#sharing');
      await card.getByText('Not shared with anyone').waitFor();
      await page.getByLabel('Share with (email)').fill(grantee.email);
      await page.getByRole('button', { name: 'Share view-only' }).click();
      await page.locator('[data-share-row]', { hasText: grantee.email }).waitFor();
      expect(page.url()).toBe(`${report}#sharing`);
      await screenshot(page, 'upload-sharing');

      const other = await (await browser.newContext()).newPage();
      const otherProblems = collectPageErrors(other);
      await signIn(other, grantee.email);
      const seen = await other.goto(report);
      expect(seen?.status()).toBe(200);
      await other.locator('[data-read-only]').waitFor();
      expect(await other.locator('[data-bad-cell]').count()).toBeGreaterThan(0);
      expect(await other.getByRole('link', { name: 'Download errors CSV' }).count()).toBe(1);
      expect(await other.getByRole('button', { name: 'Delete' }).count()).toBe(0);
      expect(await other.getByRole('button', { name: 'Revalidate' }).count()).toBe(0);
      expect(await other.locator('#sharing').count()).toBe(0);
      expect(await other.locator('#ai-panels').count()).toBe(0);
      await screenshot(other, 'upload-shared-read-only');

      // The owner removes the share: the grantee's next visit is "not found".
      await page.getByRole('button', { name: `Remove ${grantee.email}` }).click();
      await card.getByText('Not shared with anyone').waitFor();
      const gone = await other.goto(report);
      expect(gone?.status()).toBe(404);

      expect(scriptProblems(problems), problems.join('\n')).toEqual([]);
      expect(scriptProblems(otherProblems), otherProblems.join('\n')).toEqual([]);
    }, 120_000);
  },
);
