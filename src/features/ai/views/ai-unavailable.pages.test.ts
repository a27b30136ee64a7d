/**
 * The AI pages when AI cannot be used: off (no ANTHROPIC_API_KEY) and with the circuit breaker
 * open. Every panel says plainly "AI review unavailable" with the reason; the rules-only mapping
 * still works. Real app, worker, PostgreSQL; a real local Messages API server for the breaker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobHandlers } from '../../../jobs/index.js';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { webSignIn, type WebSessionClient } from '../../../../test/web-session.js';
import { RELAXED_LIMITS, registerUser, STRONG_PASSWORD } from '../../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, waitForUpload } from '../../uploads/uploads.test-support.js';
import { errorBody, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic.test-support.js';

const HX = { 'hx-request': 'true' };
const MESSY_CSV = Buffer.from(
  'id,sku,email,Unit Price (EUR),Cost to customer,status\n1,SKU-10001,a@b.co,1,2,active\n',
);

/** An app with a signed-in user and one finished upload of MESSY_CSV. */
async function setUp(env: Record<string, string>) {
  const t = await buildTestApp({ ...RELAXED_LIMITS, ...env });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  const user = await registerUser(t.app);
  const web = await webSignIn(t.app, user.email, STRONG_PASSWORD, user.userId);
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const schema = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: auth,
    payload: { name: 'orders', schema: ORDERS_SCHEMA },
  });
  const body = multipartBody(
    { schema_id: schema.json<{ id: string }>().id },
    { filename: 'messy.csv', content: MESSY_CSV },
  );
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { ...auth, ...body.headers },
    payload: body.payload,
  });
  const upload = await waitForUpload(t.app, user.accessToken, created.json<{ id: string }>().id);
  return { t, web, uploadId: upload.id };
}

describe('AI off (no ANTHROPIC_API_KEY)', () => {
  let t: TestApp;
  let web: WebSessionClient;
  let uploadId: string;

  beforeAll(async () => {
    ({ t, web, uploadId } = await setUp({}));
  }, 60_000);
  afterAll(async () => t?.close());

  it('says so on every panel; the rules still suggest mappings', async () => {
    const panel = await web.get(`/uploads/${uploadId}/ai/panel`, HX);
    expect(panel.status).toBe(200);
    expect(panel.html).toContain('AI review unavailable');
    expect(panel.html).toContain('ANTHROPIC_API_KEY is not set');
    expect(panel.html).toContain('Fix column mapping');
    // The rules place "Unit Price (EUR)" (fuzzy); no AI button without AI.
    expect(panel.html).toMatch(/Unit Price \(EUR\)[\s\S]*similar name/);
    expect(panel.html).not.toContain('Ask AI');
    expect(panel.html).not.toContain('Run AI review');

    const explain = await web.post(
      `/uploads/${uploadId}/ai/explain`,
      { code: 'type', column: 'price', value: 'x' },
      HX,
    );
    expect(explain.status).toBe(200);
    expect(explain.html).toContain('AI review unavailable');
    expect(explain.html).toContain('ANTHROPIC_API_KEY');

    const review = await web.post(`/uploads/${uploadId}/ai/review`, {}, HX);
    expect(review.status).toBe(200);
    expect(review.html).toContain('AI review unavailable');

    // Without JS: a whole page, same wording.
    const page = await web.post(`/uploads/${uploadId}/ai/review`, {});
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html');
    expect(page.html).toContain('AI review unavailable');
  });
});

describe('AI with the circuit breaker open', () => {
  let t: TestApp;
  let server: FakeAnthropic;
  let web: WebSessionClient;
  let uploadId: string;

  beforeAll(async () => {
    server = await startFakeAnthropic();
    server.fallback({ status: 529, body: errorBody('overloaded_error', 'Overloaded') });
    ({ t, web, uploadId } = await setUp({
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: server.url,
      AI_MODEL: 'claude-test-model',
      AI_BREAKER_FAILURES: '1',
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('a failing service opens the breaker; the panels then say AI review is unavailable', async () => {
    const failed = await web.post(
      `/uploads/${uploadId}/ai/explain`,
      { code: 'type', column: 'price', value: 'x' },
      HX,
    );
    expect(failed.status).toBe(200);
    expect(failed.html).toContain('No suggestion');
    const panel = await web.get(`/uploads/${uploadId}/ai/panel`, HX);
    expect(panel.html).toContain('AI review unavailable');
    expect(panel.html).toContain('failed repeatedly');
    expect(panel.html).not.toContain('Run AI review');
    const calls = server.requests.length;
    const again = await web.post(
      `/uploads/${uploadId}/ai/explain`,
      { code: 'type', column: 'price', value: 'y' },
      HX,
    );
    expect(again.html).toContain('AI review unavailable');
    expect(server.requests.length).toBe(calls); // refused without a call
  }, 30_000);
});
