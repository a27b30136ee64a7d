import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.js';
import type { TestApp } from '../../test/app.js';
import { AppError, errors } from '../lib/app-error.js';
import { buildApp } from './app.js';

/** Test-only routes that exercise each error path through the real app. */
async function registerProbeRoutes(instance: FastifyInstance): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/v1/_test/echo',
    {
      schema: {
        body: Type.Object(
          {
            email: Type.String({ format: 'email' }),
            age: Type.Integer({ minimum: 0 }),
            tags: Type.Optional(Type.Array(Type.String({ maxLength: 3 }), { maxItems: 5 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => request.body,
  );
  app.get(
    '/api/v1/_test/list',
    {
      schema: {
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => request.query,
  );
  app.get('/api/v1/_test/boom', async () => {
    throw new Error('relation "secret_table" does not exist: SELECT password_hash FROM users');
  });
  app.get('/api/v1/_test/app-error-500', async () => {
    throw new AppError(503, 'upstream_down', 'db host 10.0.0.7 refused');
  });
  app.get('/api/v1/_test/conflict', async () => {
    throw errors.conflict('That email is already registered.');
  });
  app.get('/api/v1/_test/rate', async () => {
    throw errors.rateLimited(42);
  });
  // Regression (c0302b3): routes inside an encapsulated plugin, like every feature's, must get our
  // error handler too, not Fastify's default.
  await app.register(async (child) => {
    child.get('/api/v1/_test/child-boom', async () => {
      throw new Error('secret detail from a feature plugin');
    });
    child.post(
      '/api/v1/_test/child-body',
      { schema: { body: Type.Object({ a: Type.String() }, { additionalProperties: false }) } },
      async () => ({}),
    );
  });
}

let testApp: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  testApp = await buildTestApp({ BODY_LIMIT_KB: '1' });
  app = await buildApp(testApp.deps, { register: registerProbeRoutes });
});

afterAll(async () => {
  await app?.close();
  await testApp?.close();
});

function expectErrorShape(body: unknown, code: string, requestId: string): void {
  expect(body).toEqual({
    error: code,
    message: expect.any(String),
    details: expect.any(Array),
    request_id: requestId,
  });
}

describe('error bodies', () => {
  it.each([
    ['unknown route', 404, 'not_found', 'GET', '/api/v1/nope', undefined, undefined],
    ['undecodable URL', 400, 'malformed_request', 'GET', '/api/v1/users/%zz', undefined, undefined],
    ['unknown route outside the API', 404, 'not_found', 'GET', '/nothing/here', undefined, undefined],
    [
      'malformed JSON',
      400,
      'malformed_request',
      'POST',
      '/api/v1/_test/echo',
      '{"email": ',
      'application/json',
    ],
    ['empty JSON body', 400, 'malformed_request', 'POST', '/api/v1/_test/echo', '', 'application/json'],
    [
      'unsupported type',
      415,
      'unsupported_media_type',
      'POST',
      '/api/v1/_test/echo',
      'email=a',
      'application/x-www-form-urlencoded',
    ],
    [
      'over the body limit',
      413,
      'payload_too_large',
      'POST',
      '/api/v1/_test/echo',
      JSON.stringify({ email: 'x'.repeat(2000) }),
      'application/json',
    ],
    ['AppError 409', 409, 'conflict', 'GET', '/api/v1/_test/conflict', undefined, undefined],
    [
      'unexpected error in a feature plugin',
      500,
      'internal_error',
      'GET',
      '/api/v1/_test/child-boom',
      undefined,
      undefined,
    ],
    [
      'unknown field in a feature plugin',
      422,
      'validation_error',
      'POST',
      '/api/v1/_test/child-body',
      '{"a":"x","b":1}',
      'application/json',
    ],
    ['unexpected error', 500, 'internal_error', 'GET', '/api/v1/_test/boom', undefined, undefined],
  ])('%s → %i %s', async (_name, status, code, method, url, payload, contentType) => {
    const res = await app.inject({
      method: method as 'GET' | 'POST',
      url,
      payload,
      headers: contentType ? { 'content-type': contentType } : {},
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const requestId = res.headers['x-request-id'];
    expect(typeof requestId).toBe('string');
    expectErrorShape(res.json(), code, requestId as string);
  });

  it('hides the text of unexpected errors and 5xx AppErrors', async () => {
    for (const url of ['/api/v1/_test/boom', '/api/v1/_test/app-error-500']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      expect(res.json().message).toBe('Something went wrong.');
      expect(res.body).not.toMatch(/secret_table|password_hash|SELECT|10\.0\.0\.7|at .*\.ts/);
    }
  });

  it('shows the message of 4xx AppErrors and sends their headers', async () => {
    const conflict = await app.inject({ method: 'GET', url: '/api/v1/_test/conflict' });
    expect(conflict.json().message).toBe('That email is already registered.');
    const limited = await app.inject({ method: 'GET', url: '/api/v1/_test/rate' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('42');
    expect(limited.json().error).toBe('rate_limited');
  });
});

describe('validation', () => {
  it('names every bad field, including unknown ones, in one 422', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/_test/echo',
      payload: { email: 'not-an-email', tags: ['ok', 'toolong'], role: 'admin' },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error).toBe('validation_error');
    const byField = Object.fromEntries(
      (body.details as Array<{ field: string; message: string }>).map((d) => [d.field, d.message]),
    );
    expect(byField).toMatchObject({
      'body.email': 'must be a valid email',
      'body.age': 'is required',
      'body.role': 'is not allowed',
      'body.tags.1': expect.stringContaining('3'),
    });
  });

  it('does not coerce body types ("5" is not an integer in JSON)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/_test/echo',
      payload: { email: 'a@b.co', age: '5' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details).toEqual([expect.objectContaining({ field: 'body.age' })]);
  });

  it('accepts a valid body unchanged', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/_test/echo',
      payload: { email: 'a@b.co', age: 5 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ email: 'a@b.co', age: 5 });
  });

  it('coerces querystrings, applies defaults and rejects unknown parameters', async () => {
    const ok = await app.inject({ method: 'GET', url: '/api/v1/_test/list?limit=10&active=true' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ limit: 10, active: true });
    const defaulted = await app.inject({ method: 'GET', url: '/api/v1/_test/list' });
    expect(defaulted.json()).toEqual({ limit: 20 });
    const bad = await app.inject({ method: 'GET', url: '/api/v1/_test/list?limit=abc&sort=x' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['query.limit', 'query.sort']);
  });
});

describe('X-Request-Id', () => {
  it('is on every response, success or error', async () => {
    for (const url of ['/health', '/ready', '/api/v1/nope', '/api/v1/_test/boom']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['x-request-id'], url).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('keeps a sane incoming id and replaces an unsafe one', async () => {
    const kept = await app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'x-request-id': 'edge-42.abc_X' },
    });
    expect(kept.headers['x-request-id']).toBe('edge-42.abc_X');
    expect(kept.json().request_id).toBe('edge-42.abc_X');
    for (const bad of ['a'.repeat(65), 'evil\nid', 'x y', '<script>']) {
      const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
