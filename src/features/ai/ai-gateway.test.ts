/**
 * The gateway on a real PostgreSQL and a real local Messages API server: validation and the one
 * retry of a malformed answer, the content-hash cache, budgets that stop calls before they are
 * made, the circuit breaker, and the `ai_calls` record of each.
 */
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import type { Config } from '../../config/config.js';
import { newId } from '../../lib/ids.js';
import { createAiGateway, type ToolCall } from './ai-gateway.service.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createClaudeTransport } from './claude-transport.js';
import { errorBody, startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.test-support.js';

let t: TestApp;
let server: FakeAnthropic;

const Output = Type.Object({ answer: Type.String() });
const TOOL = { name: 'answer', description: 'd', input_schema: Output as unknown as Record<string, unknown> };

function request(input: unknown, extra: Partial<ToolCall<typeof Output>> = {}): ToolCall<typeof Output> {
  return {
    purpose: 'explain',
    system: 'instructions',
    tool: TOOL,
    output: Output,
    input,
    kind: 'test',
    items: 1,
    maxTokens: 100,
    userId: null,
    ...extra,
  };
}

function gateway(config: Partial<Config> = {}, breaker?: CircuitBreaker) {
  const merged = { ...t.deps.config, ...config };
  return createAiGateway(
    { ...t.deps, config: merged },
    {
      transport: createClaudeTransport({
        apiKey: 'k',
        baseURL: server.url,
        timeoutMs: merged.aiTimeoutMs,
        baseDelayMs: 1,
        maxDelayMs: 50,
      }),
      ...(breaker ? { breaker } : {}),
    },
  );
}

async function callsWith(marker: string) {
  return t.deps.db.selectFrom('ai_calls').selectAll().where('error', 'like', `%${marker}%`).execute();
}

beforeAll(async () => {
  server = await startFakeAnthropic();
  t = await buildTestApp({
    ANTHROPIC_API_KEY: 'k',
    ANTHROPIC_BASE_URL: server.url,
    AI_MODEL: 'claude-test-model',
  });
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});
beforeEach(() => server.reset());

describe('AI gateway', () => {
  it('returns a valid answer and records the call with tokens and cost', async () => {
    server.script({ toolInput: { answer: 'yes' }, usage: { input_tokens: 1000, output_tokens: 100 } });
    const uploadId = newId();
    const result = await gateway().call(request({ q: 'first' }, { uploadId }));
    expect(result).toEqual({ output: { answer: 'yes' }, cached: false });
    const rows = await t.deps.db
      .selectFrom('ai_calls')
      .selectAll()
      .where('upload_id', '=', uploadId)
      .execute();
    expect(rows).toHaveLength(1);
    // 1000 × $3/M + 100 × $15/M = $0.0045
    expect(rows[0]).toMatchObject({
      outcome: 'ok',
      input_tokens: 1000,
      output_tokens: 100,
      cost_usd: '0.004500',
      attempts: 1,
    });
  });

  it('serves the same purpose + model + input from the cache without a call', async () => {
    server.script({ toolInput: { answer: 'cached one' } });
    const g = gateway();
    await g.call(request({ q: 'cache me' }));
    const again = await g.call(request({ q: 'cache me' }));
    expect(again).toEqual({ output: { answer: 'cached one' }, cached: true });
    expect(server.requests).toHaveLength(1);
    server.script({ toolInput: { answer: 'other purpose' } });
    await g.call(request({ q: 'cache me' }, { purpose: 'mapping' }));
    expect(server.requests).toHaveLength(2);
  });

  it('retries a malformed answer once and accepts the second', async () => {
    server.script({ toolInput: { wrong: 1 } }, { toolInput: { answer: 'fixed' } });
    const result = await gateway().call(request({ q: 'malformed once' }));
    expect(result.output).toEqual({ answer: 'fixed' });
    expect(server.requests).toHaveLength(2);
  });

  it('treats a body that is not JSON as a malformed answer: one retry', async () => {
    server.script(
      { raw: '{"type":"message","content":[{"type":"tool_use"' },
      { toolInput: { answer: 'parsed' } },
    );
    await expect(gateway().call(request({ q: 'broken json' }))).resolves.toMatchObject({
      output: { answer: 'parsed' },
    });
    expect(server.requests).toHaveLength(2);
  });

  it('fails the feature after two malformed answers (ai_failed), recording both', async () => {
    const check = (o: { answer: string }) => (o.answer === 'bad' ? 'bad answer marker-m2' : null);
    server.script(
      { toolInput: { answer: 'bad' } },
      { toolInput: { answer: 'bad' } },
      { toolInput: { answer: 'x' } },
    );
    await expect(gateway().call(request({ q: 'malformed twice' }, { check }))).rejects.toMatchObject({
      code: 'ai_failed',
      status: 502,
    });
    expect(server.requests).toHaveLength(2);
    const rows = await callsWith('marker-m2');
    expect(rows.map((r) => r.outcome)).toEqual(['malformed', 'malformed']);
  });

  it('does not make a call the monthly budget cannot cover (no request reaches the server)', async () => {
    await expect(
      gateway({ aiMonthlyBudgetUsd: 0 }).call(request({ q: 'over budget' })),
    ).rejects.toMatchObject({
      code: 'ai_budget_exceeded',
    });
    expect(server.requests).toHaveLength(0);
    const spent = Number(
      (
        await t.deps.db
          .selectFrom('ai_calls')
          .select((eb) => eb.fn.sum<string>('cost_usd').as('s'))
          .executeTakeFirst()
      )?.s ?? 0,
    );
    // Enough for a tiny call, not for one whose worst case (max_tokens output) passes the remainder.
    const g = gateway({ aiMonthlyBudgetUsd: spent + 0.002 });
    server.script({ toolInput: { answer: 'small' }, usage: { input_tokens: 10, output_tokens: 5 } });
    await g.call(request({ q: 'fits' }, { maxTokens: 50 }));
    await expect(g.call(request({ q: 'does not fit' }, { maxTokens: 200 }))).rejects.toMatchObject({
      code: 'ai_budget_exceeded',
    });
    expect(server.requests).toHaveLength(1);
  });

  it("stops an upload's calls at its token allowance", async () => {
    const uploadId = newId();
    const g = gateway({ aiUploadMaxTokens: 500 });
    server.script({ toolInput: { answer: 'a' }, usage: { input_tokens: 300, output_tokens: 100 } });
    await g.call(request({ q: 'upload 1' }, { uploadId }));
    await expect(g.call(request({ q: 'upload 2' }, { uploadId }))).rejects.toMatchObject({
      code: 'ai_budget_exceeded',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('keeps at most AI_CONCURRENCY requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    server.fallback(() => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => inFlight--, 80);
      return { delayMs: 80, toolInput: { answer: 'ok' } };
    });
    const g = gateway({ aiConcurrency: 2 });
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => g.call(request({ q: `parallel ${i}` }))));
    expect(server.requests).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it("reserves an upload's allowance for calls in flight, so parallel batches cannot overspend it", async () => {
    const uploadId = newId();
    // Each call's worst case is its estimate + 100 max tokens; the allowance fits two, not five.
    const g = gateway({ aiUploadMaxTokens: 360 });
    server.fallback({
      delayMs: 50,
      toolInput: { answer: 'p' },
      usage: { input_tokens: 1, output_tokens: 1 },
    });
    const settled = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((i) => g.call(request({ q: `batch ${i}` }, { uploadId }))),
    );
    const refused = settled.filter((r) => r.status === 'rejected');
    expect(settled.length - refused.length).toBe(2);
    expect(refused.every((r) => (r.reason as { code?: string }).code === 'ai_budget_exceeded')).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('opens the breaker after repeated failures, refuses without calling, then half-opens and closes', async () => {
    let now = 1_000_000;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 10_000, now: () => now });
    const g = gateway({}, breaker);
    server.fallback({ status: 529, body: errorBody('overloaded_error', 'Overloaded') });
    for (const q of ['b1', 'b2']) {
      await expect(g.call(request({ q }))).rejects.toMatchObject({ code: 'ai_failed' });
    }
    expect(g.status()).toMatchObject({ circuit: 'open', reason: expect.stringMatching(/unavailable/i) });
    const before = server.requests.length;
    await expect(g.call(request({ q: 'b3' }))).rejects.toMatchObject({ code: 'ai_unavailable', status: 503 });
    expect(server.requests).toHaveLength(before);

    now += 10_001;
    expect(g.status().circuit).toBe('half_open');
    server.fallback({ toolInput: { answer: 'back' } });
    await expect(g.call(request({ q: 'b4' }))).resolves.toMatchObject({ output: { answer: 'back' } });
    expect(g.status()).toMatchObject({ circuit: 'closed', reason: null });
  });

  it('is off without a key', async () => {
    const g = createAiGateway({ ...t.deps, config: { ...t.deps.config, anthropicApiKey: null } });
    expect(g.status()).toMatchObject({ enabled: false, reason: expect.stringMatching(/ANTHROPIC_API_KEY/) });
    await expect(g.call(request({ q: 'off' }))).rejects.toMatchObject({
      code: 'ai_unavailable',
      status: 503,
    });
    expect(server.requests).toHaveLength(0);
  });
});
