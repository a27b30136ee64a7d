/** Shared set-up and helpers of the sharing tests (sharing-*.routes.test.ts). */
import { afterAll, beforeAll, expect } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { registerJobHandlers } from '../../jobs/index.js';
import { makeAdmin, type Principal } from '../access/access.test-support.js';
import { call, RELAXED_LIMITS } from '../identity/identity.test-support.js';
import { multipartBody, ORDERS_SCHEMA, ordersCsv, waitForUpload } from '../uploads/uploads.test-support.js';

export const UA = { 'user-agent': 'sharing-test/1.0' };

/**
 * Starts an app with its job worker running (uploads validate) and an admin to make users with,
 * before the file's tests, and closes it after them. `current()` is valid inside the tests.
 */
export function useSharingApp(): { current(): { t: TestApp; admin: Principal } } {
  let started: { t: TestApp; admin: Principal } | undefined;
  beforeAll(async () => {
    const t = await buildTestApp({
      ...RELAXED_LIMITS,
      RATE_LIMIT_EXPORT: '100000',
      JOB_POLL_INTERVAL_MS: '500',
    });
    registerJobHandlers(t.deps.queue, t.deps);
    await t.deps.queue.start();
    started = { t, admin: await makeAdmin(t) };
  });
  afterAll(async () => {
    await started?.t.close();
  });
  return {
    current() {
      if (started === undefined) throw new Error('the sharing test app is not started');
      return started;
    },
  };
}

export async function newSchema(t: TestApp, owner: Principal, name = 'Orders'): Promise<string> {
  const res = await call(t.app, 'POST', '/api/v1/schemas', {
    token: owner.token,
    body: { name, schema: ORDERS_SCHEMA },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A validated upload of `owner`'s. */
export async function newUpload(t: TestApp, owner: Principal, schemaId: string): Promise<string> {
  const body = multipartBody({ schema_id: schemaId }, { filename: 'orders.csv', content: ordersCsv(5, 2) });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${owner.token}`, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json<{ id: string }>().id;
  await waitForUpload(t.app, owner.token, id);
  return id;
}

export function ids(body: Record<string, unknown>): string[] {
  return (body.results as { id: string }[]).map((r) => r.id);
}

export async function auditRows(t: TestApp, targetId: string) {
  return t.deps.db
    .selectFrom('audit_events')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function emailOf(t: TestApp, who: Principal): Promise<string> {
  const row = await t.deps.db
    .selectFrom('users')
    .select('email')
    .where('id', '=', who.userId)
    .executeTakeFirstOrThrow();
  return row.email;
}
