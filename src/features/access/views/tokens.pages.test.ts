/** Account → API tokens over HTTP with a real session: create (shown once), use, list, revoke. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { markupOnly, webUser, type WebSessionClient } from '../../../../test/web-session.js';
import { RELAXED_LIMITS } from '../../identity/identity.test-support.js';

let t: TestApp;
let alice: WebSessionClient;

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
  alice = await webUser(t, 'user');
});

afterAll(async () => {
  await t?.close();
});

function tokenOf(html: string): string {
  const token = /<code id="new-token"[^>]*>(intk_[A-Za-z0-9_-]{43})<\/code>/.exec(html)?.[1];
  if (!token) throw new Error('no token on the page');
  return token;
}

describe('API token pages', () => {
  it('creates a token shown once, which then works against the API with its scopes', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/tokens',
      headers: {
        cookie: alice.cookie,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${encodeURIComponent(alice.csrf)}&name=ci&scopes=view_upload&scopes=view_schema&expiry=30`,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const token = tokenOf(res.body);
    expect(res.body).toContain('x-data="copyable"');
    expect(res.body).toContain('x-on:click="copy"');

    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/schemas',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(200);
    const outOfScope = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'x', scopes: ['view_upload'] },
    });
    expect(outOfScope.statusCode).toBe(403);

    const list = await alice.get('/account/tokens');
    expect(list.status).toBe(200);
    expect(list.html).not.toContain(token);
    expect(list.html).toContain(`${token.slice(0, 13)}…`);
    expect(list.html).toContain('view_schema, view_upload');
  });

  it('refuses scopes the user does not hold, and a token without a name, next to the form', async () => {
    const notHeld = await alice.post('/account/tokens', {
      name: 'root',
      scopes: 'admin.access',
      expiry: 'never',
    });
    expect(notHeld.status).toBe(422);
    expect(notHeld.html).toContain('role="alert"');
    const noName = await alice.post('/account/tokens', { name: ' ', scopes: 'view_upload', expiry: 'never' });
    expect(noName.status).toBe(422);
    expect(noName.html).toContain('Give the token a name');
  });

  it('revokes a token with a CSRF-checked POST; it stops working at once', async () => {
    const created = await alice.post('/account/tokens', {
      name: 'temp',
      scopes: 'view_upload',
      expiry: 'never',
    });
    const token = tokenOf(created.html);
    const row = await t.deps.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'temp')
      .executeTakeFirstOrThrow();
    const forged = await alice.post(`/account/tokens/${row.id}/revoke`, { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const crossSite = await alice.post(
      `/account/tokens/${row.id}/revoke`,
      {},
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    const revoked = await alice.post(`/account/tokens/${row.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/uploads',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.statusCode).toBe(401);
  });

  it('renders token names inert', async () => {
    await alice.post('/account/tokens', {
      name: '<script>alert(1)</script>',
      scopes: 'view_upload',
      expiry: '30',
    });
    const list = await alice.get('/account/tokens');
    expect(markupOnly(list.html)).not.toContain('<script>alert');
    expect(list.html).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('shows a guest the 403 page for creating tokens', async () => {
    const guest = await webUser(t, 'guest');
    const res = await guest.get('/account/tokens');
    expect(res.status).toBe(403);
    expect(res.html).toContain('Not allowed');
  });
});
