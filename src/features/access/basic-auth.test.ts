/** HTTP Basic: development only, behind BASIC_AUTH=on; refused at start anywhere else. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { ConfigError, loadConfig } from '../../config/config.js';
import { call, RELAXED_LIMITS, registerUser } from '../identity/identity.test-support.js';

const PROD = {
  INTAKE_ENV: 'production',
  SECRET_KEY: 'x'.repeat(48),
  PUBLIC_URL: 'https://intake.example',
};

function basic(email: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` };
}

const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

describe('BASIC_AUTH configuration', () => {
  it('the process refuses to start in production (or test) with it on', () => {
    expect(() => loadConfig({ ...PROD, BASIC_AUTH: 'on' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...PROD, BASIC_AUTH: 'on' })).toThrow(/BASIC_AUTH must be off/);
    expect(() => loadConfig({ INTAKE_ENV: 'test', BASIC_AUTH: 'on' })).toThrow(/BASIC_AUTH/);
    expect(loadConfig({ ...PROD }).basicAuth).toBe(false);
    expect(loadConfig({ INTAKE_ENV: 'development', BASIC_AUTH: 'on' }).basicAuth).toBe(true);
  });
});

describe('HTTP Basic', () => {
  it('works in development with BASIC_AUTH=on, with the same permissions as the user', async () => {
    const t = await buildTestApp({ ...RELAXED_LIMITS, INTAKE_ENV: 'development', BASIC_AUTH: 'on' });
    apps.push(t);
    const s = await registerUser(t.app);
    const ok = await call(t.app, 'GET', '/api/v1/users/me/permissions', {
      headers: basic(s.email, s.password),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user_id: s.userId, auth_method: 'basic' });
    const wrong = await call(t.app, 'GET', '/api/v1/users/me', { headers: basic(s.email, 'nope-nope-nope') });
    expect(wrong.status).toBe(401);
    expect(
      (await call(t.app, 'GET', '/api/v1/admin/users', { headers: basic(s.email, s.password) })).status,
    ).toBe(403);
  });

  it('is ignored when the setting is off', async () => {
    const t = await buildTestApp({ ...RELAXED_LIMITS, INTAKE_ENV: 'development' });
    apps.push(t);
    const s = await registerUser(t.app);
    const res = await call(t.app, 'GET', '/api/v1/users/me', { headers: basic(s.email, s.password) });
    expect(res.status).toBe(401);
  });
});
