/** GET /metrics: HTTP request counts and durations, counted with no response left out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestApp } from '../../test/app.js';
import { buildApp } from './app.js';

let t: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  t = await buildTestApp();
  // A route of this test's own: the counters are per process, shared with other apps' requests.
  app = await buildApp(t.deps, {
    register: (instance) => {
      instance.get('/_test/metrics-probe/:status', async (request, reply) =>
        reply.code(Number((request.params as { status: string }).status)).send({ ok: true }),
      );
    },
  });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** The value of `intake_<name>{…labels}` in a scrape, 0 when absent. */
function valueOf(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics', () => {
  it('counts every response by method, route pattern and status, including those of the same iteration', async () => {
    const route = 'route="/_test/metrics-probe/:status"';
    const ok = `intake_http_requests_total{method="GET",${route},status="200"}`;
    const missing = `intake_http_requests_total{method="GET",${route},status="404"}`;
    const durations = `intake_http_request_duration_seconds_count{method="GET",${route},status="200"}`;
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;

    const statuses = [200, 200, 404, 200, 200];
    const responses = await Promise.all(
      statuses.map((s) => app.inject({ method: 'GET', url: `/_test/metrics-probe/${s}` })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(statuses);
    // Scraped at once: responses counted at the end of an iteration are counted before a scrape.
    const after = await app.inject({ method: 'GET', url: '/metrics' });

    expect(after.statusCode).toBe(200);
    expect(after.headers['content-type']).toContain('text/plain');
    expect(valueOf(after.body, ok) - valueOf(before, ok)).toBe(4);
    expect(valueOf(after.body, missing) - valueOf(before, missing)).toBe(1);
    expect(valueOf(after.body, durations) - valueOf(before, durations)).toBe(4);
    // Ids never become labels: the pattern does.
    expect(after.body).not.toContain('/_test/metrics-probe/200');
  });
});
