/**
 * The web shell over real HTTP against a real database: pages render, sessions start and end,
 * CSRF refuses what it must, errors render as HTML pages and HTMX fragments.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { buildTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
beforeAll(async () => {
  // What `npm test` does first (pretest), so this file also passes when run alone on a fresh clone.
  execFileSync(process.execPath, ['scripts/build-css.mjs'], { stdio: 'ignore' });
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return (first ?? '').split(';')[0] as string;
}

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field in the page');
  return match[1] as string;
}

async function signUp(email: string): Promise<{ cookie: string; csrf: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/signup',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: new URLSearchParams({ email, password: 'a-long-Passphrase-42', first_name: 'Ann' }).toString(),
  });
  expect(res.statusCode).toBe(303);
  const cookie = cookieOf(res.headers['set-cookie']);
  expect(cookie).toMatch(/^intake_session=/);
  const page = await t.app.inject({
    method: 'GET',
    url: '/account',
    headers: { cookie, accept: 'text/html' },
  });
  expect(page.statusCode).toBe(200);
  return { cookie, csrf: csrfOf(page.body) };
}

describe('web shell', () => {
  it('serves the sign-in page with a hashed stylesheet and htmx, cached for a year', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const css = /href="(\/assets\/app\.[0-9a-f]{12}\.css)"/.exec(res.body)?.[1];
    const htmx = /src="(\/assets\/htmx\.[0-9a-f]{12}\.js)"/.exec(res.body)?.[1];
    expect(css).toBeDefined();
    expect(htmx).toBeDefined();
    const asset = await t.app.inject({ method: 'GET', url: css as string });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toContain('.bg-indigo-700');
  });

  it('sends an anonymous visitor of a page to /login, and keeps the API on JSON 401', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/account', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Faccount');
    const api = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { accept: 'text/html' },
    });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ error: 'not_authenticated' });
  });

  it('renders 404 as a page, and as an alert fragment for HTMX', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/no-such-page',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('<!doctype html>');
    expect(page.body).toContain('Page not found');
    const fragment = await t.app.inject({
      method: 'GET',
      url: '/no-such-page',
      headers: { 'hx-request': 'true' },
    });
    expect(fragment.statusCode).toBe(404);
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('role="alert"');
    expect(fragment.headers['hx-retarget']).toBe('#flash');
  });

  it('signs up, uses the session on the API, refuses unsafe requests without the CSRF token, signs out', async () => {
    const { cookie, csrf } = await signUp('shell@example.com');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'shell@example.com' });

    const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie };
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/account/profile',
      headers: form,
      payload: 'first_name=X',
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('came from another site');
    const badHeader = await t.app.inject({
      method: 'POST',
      url: '/account/profile',
      headers: { ...form, 'x-csrf-token': 'nope' },
      payload: 'first_name=X',
    });
    expect(badHeader.statusCode).toBe(403);
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/account/profile',
      headers: { ...form, origin: 'http://evil.example' },
      payload: `first_name=X&_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(crossSite.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/account/profile',
      headers: form,
      payload: `first_name=Zed&last_name=Q&_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Profile saved.');

    const out = await t.app.inject({
      method: 'POST',
      url: '/logout',
      headers: form,
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('does not say whether an email has an account', async () => {
    await signUp('taken@example.com');
    const again = await t.app.inject({
      method: 'POST',
      url: '/signup',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'email=taken%40example.com&password=another-long-Pass-77',
    });
    expect(again.statusCode).toBe(422);
    expect(again.body).not.toMatch(/already exists/i);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'email=nobody%40example.com&password=whatever-123',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Email or password is wrong');
  });
});

describe('sign-in limits', () => {
  it('applies the per-IP auth limit to the sign-in form too', async () => {
    const limited = await buildTestApp({ RATE_LIMIT_AUTH: '2' });
    try {
      const post = () =>
        limited.app.inject({
          method: 'POST',
          url: '/login',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          payload: 'email=a%40example.com&password=wrong-password-1',
        });
      expect((await post()).statusCode).toBe(401);
      expect((await post()).statusCode).toBe(401);
      const third = await post();
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
      expect(third.body).toContain('Too many requests');
    } finally {
      await limited.close();
    }
  });
});

describe('password change', () => {
  it('ends the sessions started before it and keeps this browser signed in with a new id', async () => {
    const { cookie, csrf } = await signUp('rotate@example.com');
    const other = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'email=rotate%40example.com&password=a-long-Passphrase-42',
    });
    const otherCookie = String(other.headers['set-cookie']).split(';')[0] as string;
    const changed = await t.app.inject({
      method: 'POST',
      url: '/account/password',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
      payload: new URLSearchParams({
        _csrf: csrf,
        current_password: 'a-long-Passphrase-42',
        new_password: 'another-Passphrase-77',
      }).toString(),
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('Password changed.');
    const fresh = String(changed.headers['set-cookie']).split(';')[0] as string;
    expect(fresh).not.toBe(cookie);
    const me = (c: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { cookie: c } });
    expect((await me(fresh)).statusCode).toBe(200);
    expect((await me(cookie)).statusCode).toBe(401);
    expect((await me(otherCookie)).statusCode).toBe(401);
  });
});

describe('500 errors', () => {
  it('hide their text on pages and in HTMX fragments', async () => {
    const app = await buildApp(t.deps, {
      register: (scope) => {
        scope.get('/boom', async () => {
          throw new Error('select secret_column from secret_table');
        });
      },
    });
    try {
      const page = await app.inject({ method: 'GET', url: '/boom', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(500);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('Something went wrong');
      expect(page.body).not.toContain('secret');
      const fragment = await app.inject({ method: 'GET', url: '/boom', headers: { 'hx-request': 'true' } });
      expect(fragment.statusCode).toBe(500);
      expect(fragment.body).toContain('role="alert"');
      expect(fragment.body).not.toContain('secret');
      const api = await app.inject({ method: 'GET', url: '/boom' });
      expect(api.json()).toMatchObject({ error: 'internal_error', message: 'Something went wrong.' });
    } finally {
      await app.close();
    }
  });
});
