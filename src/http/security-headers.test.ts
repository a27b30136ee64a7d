import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.js';
import type { TestApp } from '../../test/app.js';

const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function start(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await buildTestApp(env);
  apps.push(app);
  return app;
}

describe('security headers', () => {
  it('sets CSP, nosniff, frame-ancestors and Referrer-Policy on success and error responses', async () => {
    const { app } = await start();
    for (const url of ['/health', '/api/v1/nope']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      // HSTS only in production: over plain HTTP in development it would lock browsers out.
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });
});

describe('HSTS', () => {
  it('is sent in production only', async () => {
    const { app } = await start({ INTAKE_ENV: 'production', PUBLIC_URL: 'https://intake.example' });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });
});

describe('CORS', () => {
  it('sends no CORS headers for any origin when the allow-list is empty (default)', async () => {
    const { app } = await start();
    const res = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users/me',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows listed origins and refuses others', async () => {
    const { app } = await start({ CORS_ORIGINS: 'https://app.example, https://admin.example' });
    const allowed = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://app.example' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('X-Request-Id');

    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/users/me',
      headers: {
        origin: 'https://admin.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://admin.example');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('PATCH');

    const refused = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});
