import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.js';
import type { TestApp } from '../../test/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document named after the package, with a bearer scheme', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const spec = res.json();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.info).toMatchObject({ title: 'intake', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(spec.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(spec.paths['/health'].get.responses['200']).toBeDefined();
    expect(spec.paths['/ready'].get.responses['503']).toBeDefined();
    // Hidden plumbing stays out of the spec.
    expect(spec.paths['/api/v1/openapi.json']).toBeUndefined();
    expect(Object.keys(spec.paths).some((p) => p.startsWith('/api/docs'))).toBe(false);
    // Every operation has responses, every path is absolute: a sanity check of the generated shape.
    for (const [path, ops] of Object.entries(
      spec.paths as Record<string, Record<string, { responses?: object }>>,
    )) {
      expect(path.startsWith('/')).toBe(true);
      for (const op of Object.values(ops)) expect(op.responses).toBeDefined();
    }
    expect(Type.Object({}).type).toBe('object');
    // Every $ref points into this document and resolves.
    const refs = [...res.body.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    for (const ref of refs) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(spec.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
  });

  it('lists the identity routes', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const paths = Object.keys(spec.paths);
    for (const path of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/users/me',
      '/api/v1/users',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(paths.some((p) => p.startsWith('/api/v1/users/{'))).toBe(true);
  });
});

describe('GET /api/docs', () => {
  it('serves Swagger UI from our own origin: no external URLs, assets load, CSP allows it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);

    const assets = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const url = new URL(asset, 'http://localhost/api/docs').pathname;
      const file = await t.app.inject({ method: 'GET', url });
      expect(file.statusCode, url).toBe(200);
      expect(file.body.length, url).toBeGreaterThan(100);
    }
    // The initializer points the UI at a spec on our server.
    const init = await t.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.body).toContain("url: resolveUrl('./json')");
    expect(init.body).not.toMatch(/url:\s*['"`]https?:/);
    expect(init.body).toContain('validatorUrl: null');
    const json = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.json().openapi).toBe('3.1.0');
  });

  it('is off with API_DOCS=off, while the spec stays available', async () => {
    const off = await buildTestApp({ API_DOCS: 'off' });
    try {
      expect((await off.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBe(404);
      expect((await off.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(200);
    } finally {
      await off.close();
    }
  });
});
