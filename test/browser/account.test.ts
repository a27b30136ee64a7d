/**
 * Account → API tokens and webhooks in a real browser: a token shown once with a working copy
 * button, used against the API, then revoked behind a confirmation; a webhook endpoint with its
 * secret shown once, a test delivery to a real local receiver, and its delivery log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { XSS } from './workbooks.js';

/** What the page's clipboard looks like (the tests compile without the DOM library). */
interface ClipboardHost {
  navigator: { clipboard: { readText(): Promise<string> } };
}

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
let receiver: Server;
let receiverUrl: string;
const deliveries: string[] = [];

async function signIn(p: Page, base: string, email: string): Promise<void> {
  await p.goto(`${base}/login`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(STRONG_PASSWORD);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForURL(`${base}/`);
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'account tokens and webhooks in Chromium'
    : 'account tokens and webhooks in Chromium — skipped: /usr/bin/chromium is not installed',
  () => {
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          deliveries.push(body);
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/intake`;
      server = await startWebServer({ WEBHOOK_ALLOW_PRIVATE: 'on' });
      browser = await launchBrowser();
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: server.baseUrl,
      });
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
      await new Promise((resolve) => receiver?.close(resolve));
    });

    it('creates an API token shown once, copies it, uses it, and revokes it', async () => {
      const base = server.baseUrl;
      await page.goto(`${base}/account/tokens`);
      await page.getByLabel('Name').fill(`ci ${XSS}`);
      await page.getByLabel('view_upload').check();
      await page.getByLabel('view_schema').check();
      await page.getByLabel('Expires after').selectOption('30');
      await page.getByRole('button', { name: 'Create token' }).click();
      const shown = page.locator('#new-token');
      await shown.waitFor();
      const token = (await shown.textContent())?.trim() ?? '';
      expect(token).toMatch(/^intk_[A-Za-z0-9_-]{43}$/);
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      expect(
        await page.evaluate(() => (globalThis as unknown as ClipboardHost).navigator.clipboard.readText()),
      ).toBe(token);
      await screenshot(page, 'account-token-created');

      const api = await fetch(`${base}/api/v1/schemas`, { headers: { authorization: `Bearer ${token}` } });
      expect(api.status).toBe(200);

      // Shown once: the list has the prefix only.
      await page.goto(`${base}/account/tokens`);
      expect(await page.content()).not.toContain(token);
      const row = page.locator('[data-token-row]').first();
      expect(await row.textContent()).toContain(`${token.slice(0, 13)}…`);
      expect(await row.textContent()).toContain(XSS);
      await screenshot(page, 'account-tokens');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await screenshot(page, 'account-tokens-phone');
      await page.setViewportSize({ width: 1280, height: 900 });

      // A marker that survives only if the page is not reloaded: HTMX swaps the list in place.
      await page.evaluate(() => Object.assign(globalThis, { stillHere: true }));
      await row.getByText('Revoke…').click();
      await row.getByRole('button', { name: 'Revoke now' }).click();
      await expect.poll(() => page.locator('[data-token-row]').count(), { timeout: 5000 }).toBe(0);
      expect(await page.evaluate(() => 'stillHere' in globalThis)).toBe(true);
      const after = await fetch(`${base}/api/v1/schemas`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      expect(scriptProblems(), problems.join('\n')).toEqual([]);
    }, 60_000);

    it('creates a webhook endpoint, sends a test event and lists the delivery', async () => {
      const base = server.baseUrl;
      await page.goto(`${base}/account/webhooks`);
      await page.getByLabel('URL').fill(receiverUrl);
      await page.getByLabel('Description').fill(`ops ${XSS}`);
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      const secret = page.locator('#new-secret');
      await secret.waitFor();
      expect((await secret.textContent())?.trim()).toMatch(/^whsec_/);
      await screenshot(page, 'account-webhook-created');

      await page.getByRole('link', { name: receiverUrl }).click();
      await page.getByText('No deliveries yet').waitFor();
      await page.evaluate(() => Object.assign(globalThis, { stillHere: true }));
      await page.getByRole('button', { name: 'Send test event' }).click();
      await page.locator('[data-delivery-row]').first().waitFor();
      expect(await page.evaluate(() => 'stillHere' in globalThis)).toBe(true);
      expect(await page.locator('[data-delivery-row]').first().textContent()).toMatch(
        /webhook\.test.*delivered.*200/s,
      );
      expect(deliveries.some((d) => d.includes('webhook.test'))).toBe(true);
      await screenshot(page, 'account-webhook-deliveries');
      expect(scriptProblems(), problems.join('\n')).toEqual([]);
    }, 60_000);
  },
);
