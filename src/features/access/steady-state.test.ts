/**
 * The authorisation path costs no database query per request in the steady state (issue 5):
 * counted at the pg driver (every query any pool in this process sends), over real HTTP.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { call, RELAXED_LIMITS, registerUser } from '../identity/identity.test-support.js';

let t: TestApp;
let queries = 0;
const original = pg.Client.prototype.query;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, API_TOKEN_TOUCH_INTERVAL: '3600' });
  pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
    queries += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
});

afterAll(async () => {
  pg.Client.prototype.query = original;
  await t?.close();
});

describe('steady state', () => {
  it('JWT and API-token requests to a protected route send no query once caches are warm', async () => {
    const s = await registerUser(t.app);
    const created = await call(t.app, 'POST', '/api/v1/tokens', {
      token: s.accessToken,
      body: { name: 'bench', scopes: ['view_upload'] },
    });
    const apiToken = created.body.token as string;
    // Warm-up: the first call of each kind may load the user state, roles, grants and the token.
    for (const token of [s.accessToken, apiToken]) {
      expect((await call(t.app, 'GET', '/api/v1/users/me/permissions', { token })).status).toBe(200);
    }
    const before = queries;
    for (let i = 0; i < 25; i++) {
      for (const token of [s.accessToken, apiToken]) {
        expect((await call(t.app, 'GET', '/api/v1/users/me/permissions', { token })).status).toBe(200);
      }
    }
    expect(queries - before).toBe(0);
    // The counter does count: a route that reads the database moves it.
    await call(t.app, 'GET', '/api/v1/tokens', { token: s.accessToken });
    expect(queries - before).toBeGreaterThan(0);
  });
});
