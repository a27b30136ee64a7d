/**
 * The admin console in a real browser: an admin deactivates a signed-in user, who is then signed
 * out; service accounts; the roles grid; the audit log with filters; the 403 page for others.
 */
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
let adminPage: Page;
let problems: string[];
let adminEmail: string;

async function signIn(p: Page, base: string, email: string): Promise<void> {
  await p.goto(`${base}/login`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(STRONG_PASSWORD);
  await p.getByRole('button', { name: /sign in/i }).click();
  await p.waitForURL(`${base}/`);
}

describe.skipIf(!hasChromium)(
  hasChromium
    ? 'admin console in Chromium'
    : 'admin console in Chromium — skipped: /usr/bin/chromium is not installed',
  () => {
    beforeAll(async () => {
      server = await startWebServer();
      browser = await launchBrowser();
      const admin = await registerUser(server.t.app);
      adminEmail = admin.email;
      await server.t.deps.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('id', '=', admin.userId)
        .execute();
      adminPage = await browser.context.newPage();
      problems = collectPageErrors(adminPage);
      adminPage.on('response', (r) => {
        if (r.status() === 404 && !r.url().endsWith('/favicon.ico')) notFound.push(`404: ${r.url()}`);
      });
      await signIn(adminPage, server.baseUrl, admin.email);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('deactivates a signed-in user, who is then signed out', async () => {
      const base = server.baseUrl;
      const victim = await registerUser(server.t.app);
      const other = await browser.newContext();
      const victimPage = await other.newPage();
      await signIn(victimPage, base, victim.email);
      await victimPage.goto(`${base}/account`);
      expect(victimPage.url()).toBe(`${base}/account`);

      await adminPage.goto(`${base}/admin`);
      await adminPage.getByLabel('Email contains').fill(victim.email);
      await adminPage.getByRole('button', { name: 'Search' }).click();
      await adminPage.waitForURL(/email=/);
      expect(await adminPage.locator('[data-user-row]').count()).toBe(1);
      await screenshot(adminPage, 'admin-users');
      await adminPage.getByRole('link', { name: victim.email }).click();
      await adminPage.getByText('Deactivate…').click();
      await screenshot(adminPage, 'admin-user-deactivate');
      await adminPage.getByRole('button', { name: 'Deactivate now' }).click();
      await adminPage.getByText('Saved.').waitFor();
      expect(await adminPage.locator('[data-user-status]').textContent()).toBe('Deactivated');

      await victimPage.goto(`${base}/account`);
      await victimPage.waitForURL(/\/login/);
      await other.close();
    }, 60_000);

    it('creates a service account with a token, edits roles, filters the audit log', async () => {
      const base = server.baseUrl;
      await adminPage.goto(`${base}/admin/users`);
      await adminPage.locator('#new-user').getByLabel('Email').fill('etl-robot@example.test');
      await adminPage.locator('#new-user').getByRole('button', { name: 'Create' }).click();
      await adminPage.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
      await adminPage.getByLabel('Token name').fill('nightly');
      await adminPage.getByLabel('view_schema').check();
      await adminPage.getByRole('button', { name: 'Create token' }).click();
      const token = (await adminPage.locator('#new-token').textContent())?.trim() ?? '';
      expect(token).toMatch(/^intk_/);
      expect(
        (await fetch(`${base}/api/v1/schemas`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);

      await adminPage.goto(`${base}/admin/roles`);
      const cell = adminPage.getByLabel('guest: view_schema');
      const wasChecked = await cell.isChecked();
      await cell.setChecked(!wasChecked);
      await adminPage.getByRole('button', { name: 'Save roles' }).click();
      await adminPage.getByText('Roles saved').waitFor();
      expect(await adminPage.getByLabel('guest: view_schema').isChecked()).toBe(!wasChecked);
      await screenshot(adminPage, 'admin-roles');

      await adminPage.goto(`${base}/admin/audit`);
      await adminPage.getByLabel('Action').fill('user.*');
      await adminPage.getByLabel('Actor (email or id)').fill(adminEmail);
      await adminPage.getByRole('button', { name: 'Filter' }).click();
      await adminPage.waitForURL(/action=user/);
      const actions = await adminPage.locator('[data-audit-row] td:nth-child(2)').allTextContents();
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.every((a) => a.startsWith('user.'))).toBe(true);
      expect(actions).toContain('user.deactivated');
      await screenshot(adminPage, 'admin-audit');
      await adminPage.setViewportSize({ width: 390, height: 844 });
      await adminPage.reload();
      await screenshot(adminPage, 'admin-audit-phone');
      await adminPage.setViewportSize({ width: 1280, height: 900 });
      expect(scriptProblems(), problems.join('\n')).toEqual([]);
    }, 60_000);

    it('asks before a roles change that leaves a role with nothing, and saves only when confirmed', async () => {
      const base = server.baseUrl;
      const guestRole = async () =>
        (
          await server.t.deps.db
            .selectFrom('roles')
            .select('permissions')
            .where('name', '=', 'guest')
            .executeTakeFirstOrThrow()
        ).permissions;
      await adminPage.goto(`${base}/admin/roles`);
      const held = [...(await guestRole())];
      expect(held.length).toBeGreaterThan(0);
      const untickGuest = async () => {
        for (const p of held) await adminPage.getByLabel(`guest: ${p}`, { exact: true }).uncheck();
        await adminPage.getByRole('button', { name: 'Save roles' }).click();
        await adminPage.getByRole('button', { name: 'Confirm and save' }).waitFor();
      };

      await untickGuest();
      const prompt = adminPage.locator('#confirm-roles');
      expect(await prompt.textContent()).toContain('guest loses every permission');
      expect(await adminPage.getByLabel(`guest: ${held[0]}`, { exact: true }).isChecked()).toBe(false);
      expect(await guestRole()).toEqual(held);
      await screenshot(adminPage, 'admin-roles-confirm');
      await prompt.getByRole('link', { name: 'Cancel' }).click();
      await adminPage.waitForURL(`${base}/admin/roles`);
      expect(await adminPage.getByLabel(`guest: ${held[0]}`, { exact: true }).isChecked()).toBe(true);

      await untickGuest();
      await adminPage.getByRole('button', { name: 'Confirm and save' }).click();
      await adminPage.getByText('Roles saved').waitFor();
      expect(await guestRole()).toEqual([]);

      // Giving them back removes nothing, so it needs no confirmation.
      for (const p of held) await adminPage.getByLabel(`guest: ${p}`, { exact: true }).check();
      await adminPage.getByRole('button', { name: 'Save roles' }).click();
      await adminPage.getByText('Roles saved').waitFor();
      expect([...(await guestRole())].sort()).toEqual([...held].sort());
      expect(scriptProblems(), problems.join('\n')).toEqual([]);
    }, 60_000);

    it('shows a non-admin the 403 page in the app’s look', async () => {
      const base = server.baseUrl;
      const user = await registerUser(server.t.app);
      const context = await browser.newContext();
      const p = await context.newPage();
      await signIn(p, base, user.email);
      const res = await p.goto(`${base}/admin/users`);
      expect(res?.status()).toBe(403);
      await p.getByRole('heading', { name: 'Not allowed' }).waitFor();
      expect(await p.getByRole('link', { name: 'Admin' }).count()).toBe(0);
      await screenshot(p, 'admin-403');
      await context.close();
    }, 60_000);
  },
);
