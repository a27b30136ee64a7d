/**
 * What leaves the deployment and what reaches the logs: sample values only when AI_SAMPLE_VALUES
 * is on, at most 5 per header and 80 characters each; the log names size and kind, never content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../http/logger.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.test-support.js';

const lines: string[] = [];
let t: TestApp;
let server: FakeAnthropic;
let user: Session;

beforeAll(async () => {
  server = await startFakeAnthropic();
  const logger = createLogger(loadConfig({ INTAKE_ENV: 'test', LOG_LEVEL: 'trace' }), {
    write: (line: string) => void lines.push(line),
  });
  t = await buildTestApp(
    {
      ...RELAXED_LIMITS,
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: server.url,
      AI_MODEL: 'claude-test-model',
      AI_SAMPLE_VALUES: 'on',
    },
    { logger },
  );
  user = await registerUser(t.app);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

describe('AI privacy', () => {
  it('sends at most 5 samples of at most 80 characters, and logs only size and kind', async () => {
    const schema = await call(t.app, 'POST', '/api/v1/schemas', {
      token: user.accessToken,
      body: { name: 's', schema: { fields: [{ name: 'city', type: 'string' }] } },
    });
    server.script({
      toolInput: { mappings: [{ header: 'Wohnort-Geheim', field: 'city', confidence: 0.9 }] },
    });
    const samples = ['Bern', `Long-${'x'.repeat(200)}`, 'Genf', 'Chur', 'Zug', 'Sixth-Secret-Sample'];
    const r = await call(t.app, 'POST', '/api/v1/ai/mappings/suggest', {
      token: user.accessToken,
      body: {
        schema_id: schema.body.id,
        headers: ['Wohnort-Geheim'],
        samples: { 'Wohnort-Geheim': samples },
      },
    });
    expect(r.body).toMatchObject({
      mappings: [{ header: 'Wohnort-Geheim', field: 'city', source: 'model' }],
    });
    expect(server.requests[0]?.input.headers).toEqual([
      { header: 'Wohnort-Geheim', samples: ['Bern', `Long-${'x'.repeat(75)}`, 'Genf', 'Chur', 'Zug'] },
    ]);

    // Request completion lines are written at the end of the event-loop iteration.
    await new Promise((resolve) => setImmediate(resolve));
    const log = lines.join('\n');
    const request = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'AI request');
    expect(request).toMatchObject({
      purpose: 'mapping',
      kind: 'headers+samples',
      items: 1,
      bytes: expect.any(Number),
    });
    for (const secret of ['Wohnort-Geheim', 'Bern', 'Sixth-Secret-Sample']) expect(log).not.toContain(secret);
  });
});
