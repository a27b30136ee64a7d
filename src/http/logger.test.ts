import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.js';
import type { TestApp } from '../../test/app.js';
import { loadConfig } from '../config/config.js';
import { buildApp } from './app.js';
import { createLogger } from './logger.js';

/** Collects every log line the app writes. */
class MemoryStream extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

const stream = new MemoryStream();
/** Request completion lines are written at the end of the event-loop iteration (log-controller.ts). */
const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const config = loadConfig({ INTAKE_ENV: 'test', LOG_LEVEL: 'trace' });
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'trace' }, { logger: createLogger(config, stream) });
});
afterAll(async () => {
  await t?.close();
});

describe('logs', () => {
  it('are JSON with the request id on request lines', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/health?x=secret-query',
      headers: { 'x-request-id': 'log-test-1' },
    });
    expect(res.statusCode).toBe(200);
    await endOfTurn();
    const lines = stream.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = lines.find((l) => l.request_id === 'log-test-1' && l.msg === 'request completed');
    expect(completed).toMatchObject({
      level: 'info',
      req: { method: 'GET', url: '/health' },
      res: { statusCode: 200 },
    });
    // Query strings may carry one-time tokens: never logged.
    expect(stream.text).not.toContain('secret-query');
  });

  it('write completion lines at the end of the iteration, in completion order, and all of them on close', async () => {
    const app = await buildApp(t.deps, {
      register: (instance) => {
        instance.get('/_test/wait/:ms', async (request) => {
          await new Promise((resolve) => setTimeout(resolve, Number((request.params as { ms: string }).ms)));
          return { ok: true };
        });
      },
    });
    const completed = (prefix: string) =>
      stream.lines
        .map((l) => JSON.parse(l) as { msg?: string; request_id?: string; res?: { statusCode: number } })
        .filter((l) => l.msg === 'request completed' && l.request_id?.startsWith(prefix))
        .map((l) => l.request_id);
    try {
      const ids = ['order-slow', 'order-fast', 'order-mid'];
      await Promise.all(
        [60, 0, 30].map((ms, i) =>
          app.inject({ method: 'GET', url: `/_test/wait/${ms}`, headers: { 'x-request-id': ids[i] } }),
        ),
      );
      await endOfTurn();
      expect(completed('order-')).toEqual(['order-fast', 'order-mid', 'order-slow']);

      // A request that finishes right before close still gets its line, with nothing awaited after.
      const last = await app.inject({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': 'close-1' },
      });
      expect(last.statusCode).toBe(200);
      expect(completed('close-')).toEqual([]);
    } finally {
      await app.close();
    }
    expect(completed('close-')).toEqual(['close-1']);
  });

  it('never contain passwords or tokens through register, login, refresh and logout', async () => {
    const password = 'Correct-Horse-Battery-9137';
    const email = `log-${Date.now()}@example.com`;
    const headers = { authorization: '', cookie: 'session=cookie-secret-value-123' };

    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password },
      headers: { cookie: headers.cookie },
    });
    expect(registered.statusCode).toBe(201);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    expect(login.statusCode).toBe(200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: `${password}-wrong` },
    });
    expect(wrong.statusCode).toBe(401);
    const tokens = login.json() as { access_token: string; refresh_token: string };
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
    });
    expect(refreshed.statusCode).toBe(200);
    const fresh = refreshed.json() as { access_token: string; refresh_token: string };
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${fresh.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: { authorization: `Bearer ${fresh.access_token}` },
      payload: { current_password: password, new_password: `${password}-new` },
    });
    expect(changed.statusCode).toBe(204);
    // A 422 echoes nothing of the bad body into logs either.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password, extra: 'x' },
    });
    // Nor does malformed JSON (JSON.parse quotes the input in its message).
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"${email}","password":"${password}" oops}`,
    });
    expect(malformed.statusCode).toBe(400);

    await endOfTurn();
    expect(stream.lines.length).toBeGreaterThan(10);
    const secrets = [
      password,
      tokens.access_token,
      tokens.refresh_token,
      fresh.access_token,
      fresh.refresh_token,
      // The signature part alone must not appear either.
      tokens.access_token.split('.')[2],
      'cookie-secret-value-123',
    ];
    for (const secret of secrets) expect(stream.text).not.toContain(secret);
  });

  it('at warn, write no completion line for a success, and still the lines a request logs itself', async () => {
    const quiet = new MemoryStream();
    const warnConfig = loadConfig({ INTAKE_ENV: 'test', LOG_LEVEL: 'warn' });
    const w = await buildTestApp({ LOG_LEVEL: 'warn' }, { logger: createLogger(warnConfig, quiet) });
    const app = await buildApp(w.deps, {
      register: (instance) => {
        instance.get('/_test/warns', async (request) => {
          request.log.warn('a warning of its own');
          return { ok: true };
        });
      },
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/_test/warns' })).statusCode).toBe(200);
      await endOfTurn();
      const msgs = quiet.lines.map((l) => (JSON.parse(l) as { msg?: string }).msg);
      expect(msgs).toContain('a warning of its own');
      expect(msgs).not.toContain('request completed');
    } finally {
      await app.close();
      await w.close();
    }
  });

  it('log unexpected errors with their stack, which the client never sees', async () => {
    const app = await buildApp(t.deps, {
      register: (instance) => {
        instance.get('/_test/crash', async () => {
          throw new Error('kaboom-internal-detail');
        });
      },
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/_test/crash' });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('kaboom');
      const line = stream.lines
        .map(
          (l) =>
            JSON.parse(l) as {
              msg?: string;
              request_id?: string;
              err?: { message?: string; stack?: string };
            },
        )
        .find((l) => l.msg === 'unhandled error' && l.request_id === res.headers['x-request-id']);
      expect(line?.err?.message).toBe('kaboom-internal-detail');
      expect(line?.err?.stack).toContain('logger.test.ts');
    } finally {
      await app.close();
    }
  });

  it('redacts secret fields wherever code logs them', async () => {
    const app = await buildApp(t.deps, {
      register: (instance) => {
        instance.post('/_test/log-body', async (request) => {
          request.log.info({ body: request.body, headers: request.headers }, 'logging a body on purpose');
          request.log.info({ user: { credentials: { token: 'nested-token-value' } } }, 'nested');
          return { ok: true };
        });
      },
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/_test/log-body',
        headers: { authorization: 'Bearer header-token-value', cookie: 'sid=cookie-value' },
        payload: {
          password: 'pw-value',
          current_password: 'cur-value',
          new_password: 'new-value',
          refresh_token: 'rt-value',
          access_token: 'at-value',
          token: 'tok-value',
          email: 'kept@example.com',
        },
      });
      expect(res.statusCode).toBe(200);
      await endOfTurn();
      const text = stream.text;
      expect(text).toContain('kept@example.com');
      expect(text).toContain('[redacted]');
      for (const secret of [
        'pw-value',
        'cur-value',
        'new-value',
        'rt-value',
        'at-value',
        'tok-value',
        'header-token-value',
        'cookie-value',
        'nested-token-value',
      ]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });
});
