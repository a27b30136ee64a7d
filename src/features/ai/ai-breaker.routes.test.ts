/**
 * The circuit breaker as the API shows it: repeated failures open it, the status endpoint says
 * "AI review unavailable", calls are refused without reaching the service (mapping falls back to
 * the rules), and after the cool-down one good answer closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { errorBody, startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.test-support.js';

let t: TestApp;
let server: FakeAnthropic;
let user: Session;

beforeAll(async () => {
  server = await startFakeAnthropic();
  t = await buildTestApp({
    ...RELAXED_LIMITS,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: server.url,
    AI_MODEL: 'claude-test-model',
    AI_BREAKER_FAILURES: '2',
    AI_BREAKER_COOLDOWN_MS: '400',
  });
  user = await registerUser(t.app);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const explain = (value: string) =>
  call(t.app, 'POST', '/api/v1/ai/explain', {
    token: user.accessToken,
    body: { code: 'pattern', field: 'sku', value },
  });

describe('AI circuit breaker over HTTP', () => {
  it('opens, reports "AI review unavailable", refuses without calling, and closes after the cool-down', async () => {
    server.fallback({ status: 500, body: errorBody('api_error', 'boom') });
    // A 500 is retried (3 attempts) before the call counts as one failure.
    expect(await explain('a1')).toMatchObject({ status: 502, body: { error: 'ai_failed' } });
    expect(await explain('b2b')).toMatchObject({ status: 502, body: { error: 'ai_failed' } });
    const made = server.requests.length;
    expect(made).toBe(6);

    const status = await call(t.app, 'GET', '/api/v1/ai/status', { token: user.accessToken });
    expect(status.body).toMatchObject({
      enabled: true,
      available: false,
      circuit: 'open',
      reason: expect.stringMatching(/^AI review unavailable/),
    });
    const refused = await explain('c3c3');
    expect(refused).toMatchObject({ status: 503, body: { error: 'ai_unavailable' } });
    expect(refused.headers['retry-after']).toBeDefined();

    const schema = await call(t.app, 'POST', '/api/v1/schemas', {
      token: user.accessToken,
      body: { name: 's', schema: { fields: [{ name: 'quantity', type: 'integer' }] } },
    });
    const suggest = await call(t.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: user.accessToken,
      body: { schema_id: schema.body.id, headers: ['Qty', 'Mystery'] },
    });
    expect(suggest.body).toMatchObject({
      mappings: [{ header: 'Qty', field: 'quantity' }],
      unresolved: ['Mystery'],
      model: { status: 'unavailable', message: expect.stringMatching(/AI review unavailable/) },
    });
    expect(server.requests).toHaveLength(made);

    await new Promise((resolve) => setTimeout(resolve, 450));
    const halfOpen = await call(t.app, 'GET', '/api/v1/ai/status', { token: user.accessToken });
    expect(halfOpen.body).toMatchObject({ circuit: 'half_open', available: true });
    server.fallback({ toolInput: { suggestion: 'Use SKU-12345.' } });
    expect(await explain('d4')).toMatchObject({ status: 200, body: { suggestion: 'Use SKU-12345.' } });
    const closed = await call(t.app, 'GET', '/api/v1/ai/status', { token: user.accessToken });
    expect(closed.body).toMatchObject({ circuit: 'closed', available: true, reason: null });
  });
});
