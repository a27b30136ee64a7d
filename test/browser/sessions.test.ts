/**
 * Sessions in real Chromium: a role change gives the session a new id (the old one stops
 * working); an admin deactivating a user signs that user out at once; a form posted from another
 * site is refused with the 403 page and changes nothing.
 */
import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityService } from '../../src/features/identity/index.js';
import {
  hasChromium,
  launchBrowser,
  screenshot,
  startWebServer,
  type Browser,
  type WebServer,
} from './harness.js';

const skipReason = 'Chromium is not installed at /usr/bin/chromium (CI installs it with apt: see .ci/run)';
const PASSWORD = 'correct-Horse-battery-9';

async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  return cookies.find((c) => c.name.endsWith('intake_session'))?.value ?? '';
}

describe.skipIf(!hasChromium)(`sessions in Chromium (${hasChromium ? 'chromium found' : skipReason})`, () => {
  let server: WebServer;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl = '';

  beforeAll(async () => {
    server = await startWebServer();
    const identity = createIdentityService(server.t.deps);
    await identity.accounts.createUser({ email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    await identity.accounts.createUser({
      email: 'victim@example.com',
      password: PASSWORD,
      first_name: 'Vic',
    });
    browser = await launchBrowser();
    // Another site (127.0.0.1 is not the same site as localhost): a page that posts a form to us.
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="post" action="${server.baseUrl}/account/profile">` +
          `<input name="first_name" value="Hacked"><input name="_csrf" value="guess"></form>` +
          `<script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const address = attacker.address();
    attackerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  it('refuses a cross-site form post with the 403 page', async () => {
    const context = await browser.newContext();
    const page = context.pages()[0] ?? (await context.newPage());
    await signIn(page, server.baseUrl, 'victim@example.com');
    const refused = page.waitForResponse((r) => r.url() === `${server.baseUrl}/account/profile`);
    await page.goto(attackerUrl);
    expect((await refused).status()).toBe(403);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await screenshot(page, '20-csrf-refused');
    await page.goto(`${server.baseUrl}/account`);
    await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Vic');
  });

  it('renews the session id on a role change and ends the sessions of a deactivated user', async () => {
    const victim = await browser.newContext();
    const victimPage = victim.pages()[0] ?? (await victim.newPage());
    await signIn(victimPage, server.baseUrl, 'victim@example.com');
    const before = await sessionCookie(victim);
    expect(before).not.toBe('');

    const admin = browser.context;
    const adminPage = admin.pages()[0] ?? (await admin.newPage());
    await signIn(adminPage, server.baseUrl, 'admin@example.com');
    await adminPage.goto(`${server.baseUrl}/admin/users?email=victim`);
    await adminPage.getByRole('link', { name: 'victim@example.com' }).click();
    await adminPage.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
    await adminPage.locator('#user-role').selectOption('manager');
    await adminPage.getByRole('button', { name: 'Change role' }).click();
    await adminPage.waitForLoadState();

    // Privilege change: the next request gets a new session id and the old one is dead.
    await victimPage.goto(`${server.baseUrl}/account`);
    const after = await sessionCookie(victim);
    expect(after).not.toBe('');
    expect(after).not.toBe(before);
    const old = await fetch(`${server.baseUrl}/api/v1/users/me`, {
      headers: { cookie: `intake_session=${before}` },
    });
    expect(old.status).toBe(401);
    await expect(victimPage.locator('dd', { hasText: 'manager' }).count()).resolves.toBe(1);

    // Deactivation: the victim's very next request is anonymous.
    await adminPage.getByText('Deactivate…').click();
    await adminPage.getByRole('button', { name: 'Deactivate now' }).click();
    await adminPage.locator('[data-user-status]', { hasText: 'Deactivated' }).waitFor();
    await screenshot(adminPage, '21-admin-deactivated');
    await victimPage.goto(`${server.baseUrl}/account`);
    await victimPage.waitForURL(`${server.baseUrl}/login?next=%2Faccount`);
    await screenshot(victimPage, '22-deactivated-user-signed-out');
  });
});
