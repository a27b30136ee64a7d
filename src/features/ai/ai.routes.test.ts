/**
 * The AI routes end to end: the real app, worker and PostgreSQL, the SDK pointed at a real local
 * Messages API server that records what it received, so the tests assert on what left the app.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { makeAdmin, makeUser } from '../access/access.test-support.js';
import {
  call,
  loginUser,
  RELAXED_LIMITS,
  registerUser,
  type Session,
} from '../identity/identity.test-support.js';
import {
  startFakeAnthropic,
  type FakeAnthropic,
  type ReceivedRequest,
} from './fake-anthropic.test-support.js';

let t: TestApp;
let server: FakeAnthropic;
let alice: Session;
let bob: Session;
let schemaId: string;

const SCHEMA = {
  fields: [
    { name: 'order_id', type: 'integer' },
    { name: 'sku', type: 'string' },
    { name: 'quantity', type: 'integer' },
    { name: 'price', type: 'number' },
    { name: 'customer_email', type: 'string' },
    { name: 'city', type: 'string', title: 'Delivery city' },
  ],
};

beforeAll(async () => {
  server = await startFakeAnthropic();
  t = await buildTestApp({
    ...RELAXED_LIMITS,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: server.url,
    // Not the default: the SDK prints a deprecation warning for claude-sonnet-4-5 on every call.
    AI_MODEL: 'claude-test-model',
  });
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
  const created = await call(t.app, 'POST', '/api/v1/schemas', {
    token: alice.accessToken,
    body: { name: 'orders', schema: SCHEMA },
  });
  expect(created.status).toBe(201);
  schemaId = created.body.id as string;
}, 60_000);

afterAll(async () => {
  await t?.close();
  await server?.close();
});

beforeEach(() => server.reset());

describe('AI status', () => {
  it('says AI is on, the circuit closed, and shows the month budget', async () => {
    const r = await call(t.app, 'GET', '/api/v1/ai/status', { token: alice.accessToken });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      enabled: true,
      available: true,
      reason: null,
      model: 'claude-test-model',
      circuit: 'closed',
      sample_values: false,
      budget: { monthly_usd: 50 },
    });
  });

  it('needs the ai.use permission for model features (a guest has none)', async () => {
    const guest = await registerUser(t.app);
    await t.deps.db.updateTable('users').set({ role: 'guest' }).where('id', '=', guest.userId).execute();
    const session = await loginUser(t.app, guest.email, guest.password);
    const r = await call(t.app, 'POST', '/api/v1/ai/explain', {
      token: session.accessToken,
      body: { code: 'pattern', field: 'sku', value: 'x' },
    });
    expect(r).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(server.requests).toHaveLength(0);
  });

  it('needs a signed-in caller', async () => {
    expect((await call(t.app, 'GET', '/api/v1/ai/status')).status).toBe(401);
  });
});

describe('header mapping', () => {
  const headers = ['order_id', 'Qty', 'Unit Price (EUR)', 'Kundenstadt', 'Notizen'];

  it('resolves by rules first and sends only the unresolved headers (no samples) to the model', async () => {
    server.script({
      toolInput: {
        mappings: [
          { header: 'Kundenstadt', field: 'city', confidence: 0.88 },
          { header: 'Notizen', field: null, confidence: 0.9 },
        ],
      },
    });
    const r = await call(t.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: alice.accessToken,
      body: { schema_id: schemaId, headers, samples: { Kundenstadt: ['Lyon', 'Paris'] } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      mappings: [
        { header: 'order_id', field: 'order_id', confidence: 1, source: 'exact' },
        { header: 'Qty', field: 'quantity', confidence: expect.any(Number), source: 'fuzzy' },
        { header: 'Unit Price (EUR)', field: 'price', confidence: expect.any(Number), source: 'fuzzy' },
        { header: 'Kundenstadt', field: 'city', confidence: 0.88, source: 'model' },
      ],
      unresolved: ['Notizen'],
      model: { status: 'ok', message: null },
    });
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0] as ReceivedRequest;
    expect(sent.input.headers).toEqual([{ header: 'Kundenstadt' }, { header: 'Notizen' }]);
    expect((sent.input.fields as { name: string }[]).map((f) => f.name)).toEqual([
      'sku',
      'customer_email',
      'city',
    ]);
    expect(JSON.stringify(sent.body)).not.toContain('Paris');
  });

  it('remembers confirmed mappings per schema: the same headers never go to the model again', async () => {
    const confirmed = await call(t.app, 'POST', '/api/v1/ai/mappings/confirm', {
      token: alice.accessToken,
      body: {
        schema_id: schemaId,
        mappings: [
          { header: 'Kundenstadt', field: 'city' },
          { header: 'Notizen', field: null },
        ],
      },
    });
    expect(confirmed).toMatchObject({ status: 200, body: { saved: 2 } });
    const r = await call(t.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: alice.accessToken,
      body: { schema_id: schemaId, headers: [...headers, ' KUNDENSTADT '] },
    });
    expect(r.status).toBe(200);
    expect(r.body.unresolved).toEqual([]);
    expect(r.body.model).toEqual({ status: 'not_needed', message: null });
    expect(r.body.mappings).toEqual(
      expect.arrayContaining([
        { header: 'Kundenstadt', field: 'city', confidence: 1, source: 'remembered' },
        { header: 'Notizen', field: null, confidence: 1, source: 'remembered' },
      ]),
    );
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a mapping to a field the schema does not have (422)', async () => {
    const r = await call(t.app, 'POST', '/api/v1/ai/mappings/confirm', {
      token: alice.accessToken,
      body: { schema_id: schemaId, mappings: [{ header: 'X', field: 'no_such_field' }] },
    });
    expect(r).toMatchObject({ status: 422, body: { error: 'validation_error' } });
  });

  it("does not show another user's schema (404)", async () => {
    const r = await call(t.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: bob.accessToken,
      body: { schema_id: schemaId, headers: ['Qty'] },
    });
    expect(r).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it("follows the caller's visibility: a token without schema.all, a share, schema.all", async () => {
    const admin = await makeAdmin(t);
    const manager = await makeUser(t.app, admin, 'manager');
    const token = async (scopes: string[]) => {
      const res = await call(t.app, 'POST', '/api/v1/tokens', {
        token: manager.token,
        body: { name: scopes.join(' '), scopes },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.token as string;
    };
    // Headers the rules resolve: no model call either way.
    const body = { schema_id: schemaId, headers: ['sku', 'quantity'] };
    const suggest = (bearer: string) =>
      call(t.app, 'POST', '/api/v1/ai/mappings/suggest', { token: bearer, body });
    const confirm = (bearer: string) =>
      call(t.app, 'POST', '/api/v1/ai/mappings/confirm', {
        token: bearer,
        body: { schema_id: schemaId, mappings: [{ header: 'Menge', field: 'quantity' }] },
      });

    // The manager's session holds schema.all (its role): alice's schema is visible.
    expect((await suggest(manager.token)).status).toBe(200);
    // A token without schema.all in its scopes acts on the manager's own schemas only, though the
    // manager's stored role holds it.
    const narrow = await token(['ai.use', 'view_schema']);
    expect(await suggest(narrow)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await confirm(narrow)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const wide = await token(['ai.use', 'view_schema', 'schema.all']);
    expect((await suggest(wide)).status).toBe(200);
    // Remembering a mapping changes the schema: the token needs change_schema for that.
    expect(await confirm(wide)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const writer = await token(['ai.use', 'view_schema', 'change_schema', 'schema.all']);
    expect(await confirm(writer)).toMatchObject({ status: 200, body: { saved: 1 } });

    // Shared with bob (view-only): he may map his files against it.
    const shared = await call(t.app, 'POST', `/api/v1/schemas/${schemaId}/shares`, {
      token: alice.accessToken,
      body: { user_id: bob.userId },
    });
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    try {
      const r = await suggest(bob.accessToken);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ unresolved: [], model: { status: 'not_needed' } });
      // Remembering a mapping changes how every upload of the schema validates: not view-only.
      expect(await confirm(bob.accessToken)).toMatchObject({
        status: 403,
        body: { error: 'shared_read_only' },
      });
    } finally {
      await call(t.app, 'DELETE', `/api/v1/schemas/${schemaId}/shares/${bob.userId}`, {
        token: alice.accessToken,
      });
    }
    expect((await suggest(bob.accessToken)).status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });

  it('falls back to the rules when the model answers malformed twice', async () => {
    server.fallback({
      toolInput: { mappings: [{ header: 'Lieferant', field: 'not_a_field', confidence: 1 }] },
    });
    const r = await call(t.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: alice.accessToken,
      body: { schema_id: schemaId, headers: ['sku', 'Lieferant'] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ unresolved: ['Lieferant'], model: { status: 'failed' } });
    expect(server.requests).toHaveLength(2);
  });
});

describe('explanations', () => {
  it('sends only the value shape and caches per code/field/shape', async () => {
    server.script({ toolInput: { suggestion: 'Use the form SKU-12345 with five digits.' } });
    const first = await call(t.app, 'POST', '/api/v1/ai/explain', {
      token: alice.accessToken,
      body: { code: 'pattern', field: 'sku', value: 'SKU-12ab' },
    });
    expect(first).toMatchObject({
      status: 200,
      body: {
        value_shape: 'aaa-99aa',
        suggestion: 'Use the form SKU-12345 with five digits.',
        cached: false,
      },
    });
    expect(JSON.stringify(server.requests[0]?.body)).not.toContain('SKU-12ab');
    const second = await call(t.app, 'POST', '/api/v1/ai/explain', {
      token: alice.accessToken,
      body: { code: 'pattern', field: 'sku', value: 'XYZ-98cd' },
    });
    expect(second).toMatchObject({ status: 200, body: { cached: true } });
    expect(server.requests).toHaveLength(1);
  });
});

describe('usage and metrics', () => {
  it('is for admins: calls, tokens and cost by day, user and purpose with the budget', async () => {
    expect((await call(t.app, 'GET', '/api/v1/ai/usage', { token: alice.accessToken })).status).toBe(403);
    await t.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', bob.userId).execute();
    const admin = await loginUser(t.app, bob.email, bob.password);
    const r = await call(t.app, 'GET', '/api/v1/ai/usage', { token: admin.accessToken });
    expect(r.status).toBe(200);
    const purposes = (r.body.by_purpose as { purpose: string }[]).map((p) => p.purpose).sort();
    expect(purposes).toEqual(['explain', 'mapping']);
    expect(r.body.by_user).toEqual([expect.objectContaining({ user_id: alice.userId })]);
    expect(r.body.totals).toMatchObject({ calls: expect.any(Number), cost_usd: expect.any(Number) });
    expect((r.body.totals as { calls: number }).calls).toBeGreaterThanOrEqual(4);
    expect(r.body.budget).toMatchObject({ monthly_usd: 50 });
  });

  it('checks the usage period', async () => {
    await t.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', bob.userId).execute();
    const admin = await loginUser(t.app, bob.email, bob.password);
    const bad = await call(t.app, 'GET', '/api/v1/ai/usage?from=2026-13-45', { token: admin.accessToken });
    expect(bad.status).toBe(422);
    const reversed = await call(t.app, 'GET', '/api/v1/ai/usage?from=2026-02-01&to=2026-01-01', {
      token: admin.accessToken,
    });
    expect(reversed).toMatchObject({ status: 422, body: { error: 'validation_error' } });
    const empty = await call(t.app, 'GET', '/api/v1/ai/usage?from=2020-01-01&to=2020-01-31', {
      token: admin.accessToken,
    });
    expect(empty.body).toMatchObject({
      from: '2020-01-01',
      to: '2020-01-31',
      totals: { calls: 0, cost_usd: 0 },
      by_day: [],
      by_user: [],
      by_purpose: [],
    });
  });

  it('exposes AI and HTTP counters at /metrics', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('intake_ai_calls_total{purpose="mapping",outcome="ok"}');
    expect(r.body).toContain('intake_ai_cache_hits_total{purpose="explain"}');
    expect(r.body).toContain(
      'intake_http_requests_total{method="POST",route="/api/v1/ai/explain",status="200"}',
    );
    expect(r.body).toContain('process_cpu_user_seconds_total');
  });
});

describe('without ANTHROPIC_API_KEY', () => {
  let off: TestApp;
  let carol: Session;

  beforeAll(async () => {
    off = await buildTestApp({ ...RELAXED_LIMITS });
    carol = await registerUser(off.app);
  }, 60_000);
  afterAll(async () => {
    await off?.close();
  });

  it('status says off and why; model endpoints answer 503 ai_unavailable; rules still map', async () => {
    const status = await call(off.app, 'GET', '/api/v1/ai/status', { token: carol.accessToken });
    expect(status.body).toMatchObject({
      enabled: false,
      available: false,
      reason: expect.stringMatching(/ANTHROPIC_API_KEY/),
    });
    const explain = await call(off.app, 'POST', '/api/v1/ai/explain', {
      token: carol.accessToken,
      body: { code: 'pattern', field: 'sku', value: 'x' },
    });
    expect(explain).toMatchObject({ status: 503, body: { error: 'ai_unavailable' } });
    const schema = await call(off.app, 'POST', '/api/v1/schemas', {
      token: carol.accessToken,
      body: { name: 'o', schema: SCHEMA },
    });
    const suggest = await call(off.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: carol.accessToken,
      body: { schema_id: schema.body.id, headers: ['Qty', 'Mystery'] },
    });
    expect(suggest.body).toMatchObject({
      mappings: [{ header: 'Qty', field: 'quantity', source: 'fuzzy' }],
      unresolved: ['Mystery'],
      model: { status: 'off' },
    });
  });
});
