/**
 * GET /metrics in the Prometheus text format: prom-client's default process metrics, HTTP request
 * counts and durations by method, route pattern and status, and the AI feature's counters (they
 * register on the same default registry). Routes are labelled by their pattern, never the raw URL,
 * so ids cannot explode the label set. The endpoint is public like /health: restrict it at the
 * proxy (deploy/nginx.conf) when the network is not private.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import client from 'prom-client';
import { createEndOfTurnQueue } from '../../lib/end-of-turn.js';

// One set per process: prom-client refuses duplicates, and tests build many apps in one process.
if (client.register.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
  client.collectDefaultMetrics();
}

const httpRequests =
  (client.register.getSingleMetric('intake_http_requests_total') as client.Counter | undefined) ??
  new client.Counter({
    name: 'intake_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
  });

const httpDuration =
  (client.register.getSingleMetric('intake_http_request_duration_seconds') as client.Histogram | undefined) ??
  new client.Histogram({
    name: 'intake_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });

// A constant, not an inline literal, so this compiles with or without the access plugin's option.
const PUBLIC = { requires: 'public' } as const;

interface Observation {
  labels: { method: string; route: string; status: string };
  seconds: number;
}

function record({ labels, seconds }: Observation): void {
  httpRequests.inc(labels);
  httpDuration.observe(labels, seconds);
}

const plugin: FastifyPluginAsync = async (app) => {
  // Counted at the end of the event-loop iteration with the other responses finished in it
  // (src/lib/end-of-turn.ts), and before every scrape, so a scrape never misses one.
  const observations = createEndOfTurnQueue(record);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics') {
      const labels = { method: request.method, route, status: String(reply.statusCode) };
      observations.push({ labels, seconds: reply.elapsedTime / 1000 });
    }
    done();
  });

  app.get('/metrics', { config: PUBLIC, schema: { hide: true } }, async (_request, reply) => {
    observations.flush();
    const body = await client.register.metrics();
    return reply.type(client.register.contentType).send(body);
  });
};

export default fp(plugin, { name: 'intake-metrics', fastify: '5.x' });
