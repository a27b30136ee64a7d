/**
 * Anomaly review end to end: the real app, job worker and PostgreSQL, the SDK pointed at a real
 * local Messages API server that records what it received, so the tests assert on what left the
 * app (rows past the limit and denied columns never do) and that the upload itself is untouched.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { registerJobHandlers } from '../../jobs/index.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { multipartBody, waitForUpload } from '../uploads/uploads.test-support.js';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.test-support.js';

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

function ordersCsv(rows: number): Buffer {
  let text = 'order_id,sku,quantity,price,customer_email,city\n';
  for (let i = 1; i <= rows; i++)
    text += `${i},SKU-${1000 + i},${(i % 5) + 1},${(i % 50) + 9.5},u${i}@example.com,Lyon\n`;
  return Buffer.from(text);
}

async function uploadCsv(owner: Session, content: Buffer): Promise<string> {
  const body = multipartBody(
    { schema_id: schemaId },
    { content, filename: 'orders.csv', contentType: 'text/csv' },
  );
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${owner.accessToken}`, ...body.headers },
    payload: body.payload,
  });
  if (response.statusCode !== 202) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  const id = response.json<{ id: string }>().id;
  await waitForUpload(t.app, owner.accessToken, id);
  return id;
}

beforeAll(async () => {
  server = await startFakeAnthropic();
  t = await buildTestApp({
    ...RELAXED_LIMITS,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: server.url,
    // Not the default: the SDK prints a deprecation warning for claude-sonnet-4-5 on every call.
    AI_MODEL: 'claude-test-model',
    AI_ANOMALY_MAX_ROWS: '60',
    AI_ANOMALY_DENY_COLUMNS: 'customer_email',
    JOB_POLL_INTERVAL_MS: '500',
  });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
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

describe('anomaly review', () => {
  let uploadId: string;

  beforeAll(async () => {
    uploadId = await uploadCsv(alice, ordersCsv(150));
  }, 60_000);

  it('sends at most AI_ANOMALY_MAX_ROWS valid rows, in batches, without denied columns; stores warnings', async () => {
    server.fallback((request) => {
      const rows = request.input.rows as { row: number }[];
      return {
        toolInput: {
          findings: [{ row: rows[0]?.row, column: 'price', reason: 'Price far above its peers' }],
        },
      };
    });
    const r = await call(t.app, 'POST', `/api/v1/uploads/${uploadId}/ai-review`, {
      token: alice.accessToken,
      body: {},
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      upload_id: uploadId,
      status: 'completed',
      rows_reviewed: 60,
      columns_sent: ['order_id', 'sku', 'quantity', 'price', 'city'],
      error: null,
    });
    expect(r.body.findings).toEqual([
      { row: 2, column: 'price', reason: 'Price far above its peers', severity: 'warning' },
      { row: 52, column: 'price', reason: 'Price far above its peers', severity: 'warning' },
    ]);
    const sentRows = server.requests.flatMap(
      (q) => q.input.rows as { row: number; values: Record<string, unknown> }[],
    );
    expect(server.requests).toHaveLength(2);
    expect(sentRows).toHaveLength(60);
    expect(Math.max(...sentRows.map((row) => row.row))).toBe(61);
    expect(sentRows.every((row) => !('customer_email' in row.values))).toBe(true);
    expect(server.requests.some((q) => JSON.stringify(q.body).includes('@example.com'))).toBe(false);

    const upload = await call(t.app, 'GET', `/api/v1/uploads/${uploadId}`, { token: alice.accessToken });
    expect(upload.body).toMatchObject({ status: 'valid', error_count: 0 });
    const stored = await call(t.app, 'GET', `/api/v1/uploads/${uploadId}/ai-review`, {
      token: alice.accessToken,
    });
    expect(stored.body).toEqual(r.body);
  });

  it('sends only the requested columns', async () => {
    server.fallback({ toolInput: { findings: [] } });
    const r = await call(t.app, 'POST', `/api/v1/uploads/${uploadId}/ai-review`, {
      token: alice.accessToken,
      body: { columns: ['price', 'quantity'] },
    });
    expect(r.body).toMatchObject({ status: 'completed', columns_sent: ['quantity', 'price'], findings: [] });
    for (const q of server.requests) {
      for (const row of q.input.rows as { values: Record<string, unknown> }[]) {
        expect(Object.keys(row.values)).toEqual(['quantity', 'price']);
      }
    }
  });

  it('takes a POST without a body (all allowed columns)', async () => {
    server.fallback({ toolInput: { findings: [] } });
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${uploadId}/ai-review`,
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      status: 'completed',
      columns_sent: ['order_id', 'sku', 'quantity', 'price', 'city'],
    });
  });

  it('stops looking for valid rows after max(5000, 20 × the row limit) rows', async () => {
    let text = 'order_id,sku,quantity,price,customer_email,city\n';
    for (let i = 1; i <= 5100; i++) text += `${i},SKU-${i},1,not-a-price,u${i}@example.com,Lyon\n`;
    for (let i = 5101; i <= 5110; i++) text += `${i},SKU-${i},1,10.5,u${i}@example.com,Lyon\n`;
    const invalidId = await uploadCsv(alice, Buffer.from(text));
    const r = await call(t.app, 'POST', `/api/v1/uploads/${invalidId}/ai-review`, {
      token: alice.accessToken,
      body: {},
    });
    expect(r.body).toMatchObject({ status: 'completed', rows_reviewed: 0, findings: [] });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses unknown columns and hides the upload from others', async () => {
    const bad = await call(t.app, 'POST', `/api/v1/uploads/${uploadId}/ai-review`, {
      token: alice.accessToken,
      body: { columns: ['nope'] },
    });
    expect(bad.status).toBe(422);
    const other = await call(t.app, 'POST', `/api/v1/uploads/${uploadId}/ai-review`, {
      token: bob.accessToken,
      body: {},
    });
    expect(other.status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });
});
