/** The SDK transport against a real local Messages API server: structure, retries, timeouts. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClaudeTransport, retryAfterMs, TransportError, type ToolRequest } from './claude-transport.js';
import { errorBody, startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.test-support.js';

let server: FakeAnthropic;
const sleeps: number[] = [];

const REQUEST: ToolRequest = {
  model: 'claude-test-model',
  system: 'fixed instructions',
  tool: { name: 'record', description: 'd', input_schema: { type: 'object', properties: {} } },
  content: JSON.stringify({ headers: ['a'] }),
  maxTokens: 100,
};

function transport(timeoutMs = 2000) {
  return createClaudeTransport({
    apiKey: 'test-key',
    baseURL: server.url,
    timeoutMs,
    baseDelayMs: 1,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

beforeAll(async () => {
  server = await startFakeAnthropic();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  sleeps.length = 0;
});

describe('claude transport', () => {
  it('forces the tool, marks the fixed instructions for prompt caching and returns the tool input and usage', async () => {
    server.script({
      toolInput: { ok: true },
      usage: { input_tokens: 50, output_tokens: 7, cache_read_input_tokens: 40 },
    });
    const response = await transport().send(REQUEST);
    expect(response).toEqual({
      input: { ok: true },
      usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 40, cacheCreationTokens: 0 },
      attempts: 1,
    });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key'] ?? request?.headers.authorization).toMatch(/test-key/);
    expect(request?.body.tool_choice).toEqual({ type: 'tool', name: 'record' });
    expect(request?.body.system).toEqual([
      { type: 'text', text: 'fixed instructions', cache_control: { type: 'ephemeral' } },
    ]);
    expect(request?.input).toEqual({ headers: ['a'] });
  });

  it('honours retry-after on 429, then succeeds', async () => {
    server.script(
      { status: 429, headers: { 'retry-after': '3' }, body: errorBody('rate_limit_error', 'slow down') },
      { toolInput: { ok: 1 } },
    );
    const response = await transport().send(REQUEST);
    expect(response.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
  });

  it('retries 529 overloaded with exponential backoff and gives up after 3 attempts', async () => {
    server.fallback({ status: 529, body: errorBody('overloaded_error', 'Overloaded') });
    const err = await transport()
      .send(REQUEST)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ outcome: 'overloaded', attempts: 3 });
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('stops at once when retry-after is longer than it would ever wait', async () => {
    server.script({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: errorBody('rate_limit_error', 'x'),
    });
    await expect(transport().send(REQUEST)).rejects.toMatchObject({ outcome: 'rate_limited', attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('times out a slow answer and does not retry it', async () => {
    server.script({ delayMs: 1500, toolInput: {} });
    await expect(transport(300).send(REQUEST)).rejects.toMatchObject({ outcome: 'timeout', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a client error (400)', async () => {
    server.script({ status: 400, body: errorBody('invalid_request_error', 'bad') });
    await expect(transport().send(REQUEST)).rejects.toMatchObject({ outcome: 'error', attempts: 1 });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers())).toBeNull();
  });
});
