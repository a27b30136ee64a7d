import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { registerJobHandlers } from '../../jobs/index.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { startReceiver, type Receiver } from './webhooks.test-support.js';

const FAST_JOBS = {
  ...RELAXED_LIMITS,
  JOB_POLL_INTERVAL_MS: '500',
  JOB_RETRY_DELAY: '0',
  JOB_MAINTENANCE_INTERVAL: '1',
  WEBHOOK_RETRY_SCHEDULE: '1,1',
  WEBHOOK_TIMEOUT_MS: '2000',
};

const SCHEMA = { fields: [{ name: 'id', type: 'integer' }] };

let t: TestApp;
let alice: Session;
const receivers: Receiver[] = [];

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function createEndpoint(token: string, url: string, eventTypes: string[] = ['schema.updated']) {
  const res = await call(t.app, 'POST', '/api/v1/webhooks', {
    token,
    body: { url, event_types: eventTypes, description: 'test' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; url: string };
}

async function deliveries(token: string, endpointId: string) {
  const res = await call(t.app, 'GET', `/api/v1/webhooks/${endpointId}/deliveries`, { token });
  expect(res.status).toBe(200);
  return res.body.results as {
    status: string;
    attempts: number;
    response_status: number | null;
    last_error: string | null;
    event_type: string;
  }[];
}

async function waitForDelivery(token: string, endpointId: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await deliveries(token, endpointId);
    if (list.length > 0 && list.every((d) => d.status === status)) return list;
    if (Date.now() > deadline) throw new Error(`deliveries never became ${status}: ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Creates a schema and updates it `updates` times: each update is one `schema.updated` event. */
async function updateSchema(token: string, updates: number): Promise<string> {
  const created = await call(t.app, 'POST', '/api/v1/schemas', {
    token,
    body: { name: 'S', schema: SCHEMA },
  });
  const id = created.body.id as string;
  for (let i = 0; i < updates; i += 1) {
    const res = await call(t.app, 'PUT', `/api/v1/schemas/${id}`, {
      token,
      body: { name: `S${i + 2}`, schema: SCHEMA },
    });
    expect(res.status).toBe(200);
  }
  return id;
}

function verify(secret: string, request: { body: string; headers: Record<string, string> }) {
  return new Webhook(secret).verify(request.body, request.headers) as {
    type: string;
    data: Record<string, unknown>;
  };
}

beforeAll(async () => {
  t = await buildTestApp(FAST_JOBS);
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  alice = await registerUser(t.app);
});

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

afterAll(async () => {
  await t?.close();
});

describe('webhook endpoints', () => {
  it('creates an endpoint with a whsec_ secret shown once; lists, reads and deletes it', async () => {
    const r = await receiver();
    const created = await createEndpoint(alice.accessToken, r.url);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const list = await call(t.app, 'GET', '/api/v1/webhooks', { token: alice.accessToken });
    const listed = (list.body.results as Record<string, unknown>[]).find((e) => e.id === created.id);
    expect(listed).toMatchObject({ url: r.url, event_types: ['schema.updated'], description: 'test' });
    expect(listed).not.toHaveProperty('secret');
    const one = await call(t.app, 'GET', `/api/v1/webhooks/${created.id}`, { token: alice.accessToken });
    expect(one.body).not.toHaveProperty('secret');

    // The secret is stored sealed, never in clear.
    const row = await t.deps.db
      .selectFrom('webhook_endpoints')
      .select('secret_encrypted')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted.includes(Buffer.from(created.secret.slice(6)))).toBe(false);

    const bob = await registerUser(t.app);
    expect(
      (await call(t.app, 'GET', `/api/v1/webhooks/${created.id}`, { token: bob.accessToken })).status,
    ).toBe(404);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/webhooks/${created.id}`, { token: bob.accessToken })).status,
    ).toBe(404);
    expect(
      (await call(t.app, 'DELETE', `/api/v1/webhooks/${created.id}`, { token: alice.accessToken })).status,
    ).toBe(204);
    expect(
      (await call(t.app, 'GET', `/api/v1/webhooks/${created.id}`, { token: alice.accessToken })).status,
    ).toBe(404);
  });

  it.each([
    ['ftp://example.com/hook', /http/],
    ['not a url', /not valid/],
    ['http://user:pw@example.com/hook', /user name or password/],
  ])('refuses %s with 422 unsafe_url', async (url, message) => {
    const res = await call(t.app, 'POST', '/api/v1/webhooks', {
      token: alice.accessToken,
      body: { url, event_types: ['upload.received'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'url', code: 'unsafe_url' })]);
    expect(res.body.message).toMatch(message);
  });

  it('refuses unknown event types and an empty list', async () => {
    for (const event_types of [['user.deleted'], []]) {
      const res = await call(t.app, 'POST', '/api/v1/webhooks', {
        token: alice.accessToken,
        body: { url: 'https://example.com/hook', event_types },
      });
      expect(res.status).toBe(422);
    }
  });
});

describe('POST /api/v1/webhooks/{id}/test', () => {
  it('delivers a signed webhook.test event that verifies with standardwebhooks', async () => {
    const r = await receiver();
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    const res = await call(t.app, 'POST', `/api/v1/webhooks/${endpoint.id}/test`, {
      token: alice.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'delivered',
      attempts: 1,
      response_status: 200,
      event_type: 'webhook.test',
    });
    const [request] = r.requests;
    expect(request?.headers['webhook-id']).toMatch(/^msg_/);
    expect(request?.headers['content-type']).toBe('application/json');
    const payload = verify(endpoint.secret, request!);
    expect(payload).toMatchObject({ type: 'webhook.test', data: { endpoint_id: endpoint.id } });
    // A wrong secret does not verify.
    const other = new Webhook(Buffer.alloc(32, 1).toString('base64'));
    expect(() => other.verify(request!.body, request!.headers)).toThrow();
  });

  it('records a failed test when the receiver answers 500 (no retries for a test)', async () => {
    const r = await receiver();
    r.fallback = 500;
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    const res = await call(t.app, 'POST', `/api/v1/webhooks/${endpoint.id}/test`, {
      token: alice.accessToken,
    });
    expect(res.body).toMatchObject({
      status: 'failed',
      attempts: 1,
      response_status: 500,
      last_error: 'receiver answered HTTP 500',
    });
  });
});

describe('event delivery through the outbox and the job queue', () => {
  it('delivers schema.updated with a valid signature and logs the delivery', async () => {
    const r = await receiver();
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    const schemaId = await updateSchema(alice.accessToken, 1);
    const [request] = await r.waitForRequests(1);
    const payload = verify(endpoint.secret, request!);
    expect(payload).toMatchObject({ type: 'schema.updated', data: { schema_id: schemaId, version: 2 } });
    const [delivery] = await waitForDelivery(alice.accessToken, endpoint.id, 'delivered');
    expect(delivery).toMatchObject({ event_type: 'schema.updated', attempts: 1, response_status: 200 });
  });

  it('retries after a 500 with the same webhook-id, then delivers', async () => {
    const r = await receiver();
    r.script = [500];
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    await updateSchema(alice.accessToken, 1);
    const requests = await r.waitForRequests(2);
    expect(requests.map((q) => q.status)).toEqual([500, 200]);
    expect(requests[0]?.headers['webhook-id']).toBe(requests[1]?.headers['webhook-id']);
    verify(endpoint.secret, requests[1]!);
    const [delivery] = await waitForDelivery(alice.accessToken, endpoint.id, 'delivered');
    expect(delivery).toMatchObject({ attempts: 2, response_status: 200, last_error: null });
  });

  it('gives up after the retry schedule and marks the delivery failed', async () => {
    const r = await receiver();
    r.fallback = 503;
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    await updateSchema(alice.accessToken, 1);
    const [delivery] = await waitForDelivery(alice.accessToken, endpoint.id, 'failed');
    // One attempt plus one per entry of WEBHOOK_RETRY_SCHEDULE (1,1).
    expect(delivery).toMatchObject({
      attempts: 3,
      response_status: 503,
      last_error: 'receiver answered HTTP 503',
    });
    expect(r.requests).toHaveLength(3);
    const failedOnly = await call(t.app, 'GET', `/api/v1/webhooks/${endpoint.id}/deliveries?status=failed`, {
      token: alice.accessToken,
    });
    expect(failedOnly.body.results).toHaveLength(1);
    const deliveredOnly = await call(
      t.app,
      'GET',
      `/api/v1/webhooks/${endpoint.id}/deliveries?status=delivered`,
      {
        token: alice.accessToken,
      },
    );
    expect(deliveredOnly.body.results).toHaveLength(0);
  });

  it('keeps order per endpoint and subject: event N+1 waits until N is delivered', async () => {
    const r = await receiver();
    r.script = [500];
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    await updateSchema(alice.accessToken, 2);
    const requests = await r.waitForRequests(3);
    const versions = requests.map((q) => (verify(endpoint.secret, q).data as { version: number }).version);
    expect(versions).toEqual([2, 2, 3]);
    expect(requests.map((q) => q.status)).toEqual([500, 200, 200]);
    await waitForDelivery(alice.accessToken, endpoint.id, 'delivered');
  });

  it('fails a delivery whose job cannot run (unreadable secret) instead of stalling its chain', async () => {
    const r = await receiver();
    const endpoint = await createEndpoint(alice.accessToken, r.url);
    // As after a SECRET_KEY change: the sealed secret no longer opens.
    await t.deps.db
      .updateTable('webhook_endpoints')
      .set({ secret_encrypted: Buffer.alloc(60, 7) })
      .where('id', '=', endpoint.id)
      .execute();
    await updateSchema(alice.accessToken, 2);
    const list = await waitForDelivery(alice.accessToken, endpoint.id, 'failed', 30_000);
    expect(list).toHaveLength(2);
    expect(list[0]?.last_error).toMatch(/^the delivery could not be sent: /);
    expect(r.requests).toHaveLength(0);
  });

  it('sends user.created to admin endpoints only', async () => {
    const r = await receiver();
    const admin = await registerUser(t.app);
    await t.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    const endpoint = await createEndpoint(admin.accessToken, r.url, ['user.created']);
    const plain = await receiver();
    await createEndpoint(alice.accessToken, plain.url, ['user.created']);
    const newcomer = await registerUser(t.app);
    // The admin's own registration may be dispatched after its endpoint exists: look for the newcomer.
    const deadline = Date.now() + 20_000;
    let payload: { type: string; data: Record<string, unknown> } | undefined;
    while (!payload && Date.now() < deadline) {
      payload = r.requests
        .map((q) => verify(endpoint.secret, q))
        .find((p) => p.data.user_id === newcomer.userId);
      if (!payload) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(payload).toMatchObject({
      type: 'user.created',
      data: { user_id: newcomer.userId, email: newcomer.email },
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(plain.requests).toHaveLength(0);
  });
});
