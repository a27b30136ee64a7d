/**
 * Prometheus metrics of the AI feature, on prom-client's default registry (served at /metrics).
 * Created once per process: prom-client refuses a second metric with the same name, and several
 * apps (tests) may share one process.
 */
import client from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): client.Counter {
  return (
    (client.register.getSingleMetric(name) as client.Counter | undefined) ??
    new client.Counter({ name, help, labelNames })
  );
}

export const aiMetrics = {
  calls: counter('intake_ai_calls_total', 'Model calls by purpose and outcome (cache hits excluded).', [
    'purpose',
    'outcome',
  ]),
  tokens: counter('intake_ai_tokens_total', 'Tokens used by purpose and kind.', ['purpose', 'kind']),
  cost: counter('intake_ai_cost_usd_total', 'Model cost in USD by purpose.', ['purpose']),
  cacheHits: counter('intake_ai_cache_hits_total', 'Answers served from the response cache.', ['purpose']),
  latency:
    (client.register.getSingleMetric('intake_ai_call_duration_seconds') as client.Histogram | undefined) ??
    new client.Histogram({
      name: 'intake_ai_call_duration_seconds',
      help: 'Model call duration (retries included) by purpose.',
      labelNames: ['purpose'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 40, 80],
    }),
  circuitOpen:
    (client.register.getSingleMetric('intake_ai_circuit_open') as client.Gauge | undefined) ??
    new client.Gauge({ name: 'intake_ai_circuit_open', help: '1 while the AI circuit breaker is open.' }),
};
