/**
 * The report page at scale: an upload with 100,000 stored errors. The error table walks an index
 * from the cursor, so a deep page costs about what the first does; this measures both (and the
 * filtered variant) and fails if any page takes more than a few seconds.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { registerJobHandlers } from '../../../jobs/index.js';
import { multipartBody } from '../uploads.test-support.js';

const ROWS = 100_000;
let t: TestApp;
let cookie = '';
let id = '';

beforeAll(async () => {
  t = await buildTestApp({ JOB_POLL_INTERVAL_MS: '500', DATABASE_POOL_SIZE: '5' });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  const res = await t.app.inject({
    method: 'POST',
    url: '/signup',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: 'email=scale%40example.com&password=a-long-Passphrase-42',
  });
  cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  const account = await t.app.inject({ method: 'GET', url: '/account', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(account.body)?.[1] as string;
  const schema = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: {
      name: 'Scale',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'status', type: 'string', constraints: { enum: ['active', 'closed'] } },
          { name: 'note', type: 'string', constraints: { maxLength: 3 } },
        ],
      },
    },
  });
  const lines = ['id,status,note'];
  // Every row has an enum error; every 10th also a maxLength one: 110,000 errors, 100,000 stored.
  for (let i = 1; i <= ROWS; i++) lines.push(`${i},bad,${i % 10 === 0 ? 'toolong' : 'ok'}`);
  const body = multipartBody(
    { schema_id: schema.json<{ id: string }>().id },
    { content: Buffer.from(lines.join('\n')), filename: 'scale.csv' },
  );
  const upload = await t.app.inject({
    method: 'POST',
    url: `/uploads?_csrf=${encodeURIComponent(csrf)}`,
    headers: { ...body.headers, cookie, accept: 'text/html' },
    payload: body.payload,
  });
  id = String(upload.headers.location).split('/')[2] as string;
  for (let i = 0; i < 1200; i++) {
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: { cookie } });
    if (['valid', 'invalid', 'failed'].includes(r.json<{ status: string }>().status)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 180_000);
afterAll(async () => {
  await t?.deps.queue.stop({ graceful: false, timeoutMs: 1000 });
  await t?.close();
});

async function timed(url: string): Promise<{ ms: number; body: string }> {
  // Once to warm up (the first worker-thread read of the file), then measured.
  await t.app.inject({ method: 'GET', url, headers: { cookie } });
  const start = performance.now();
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
  const ms = performance.now() - start;
  expect(res.statusCode).toBe(200);
  return { ms, body: res.body };
}

describe('report page with 100,000 stored errors', () => {
  it('serves the first page, a deep page and a filtered deep page in bounded time', async () => {
    const first = await timed(`/uploads/${id}`);
    expect(first.body).toContain('Only the first 100,000 of 110,000 errors were stored');
    const deep = await timed(`/uploads/${id}?cursor=95000`);
    expect(deep.body).toMatch(/<td class="py-2 pr-3 tabular-nums">8\d{4}<\/td>/);
    const filtered = await timed(`/uploads/${id}?code=max_length&cursor=90000`);
    const rows = [...filtered.body.matchAll(/font-mono text-xs">([^<]+)</g)].map((m) => m[1]);
    expect(new Set(rows)).toEqual(new Set(['max_length']));
    console.log(
      `report page, 100k stored errors: first ${first.ms.toFixed(0)} ms, cursor 95000 ${deep.ms.toFixed(0)} ms, ` +
        `code filter + cursor 90000 ${filtered.ms.toFixed(0)} ms`,
    );
    for (const ms of [first.ms, deep.ms, filtered.ms]) expect(ms).toBeLessThan(3000);
  }, 60_000);
});
