/**
 * Every model call goes through here, in this order: off without a key → content-hash cache (a hit
 * makes no call) → circuit breaker → budgets (a call whose worst case could pass the month's
 * remainder or the upload's token allowance is not made) → concurrency limit → transport (retries,
 * backoff, timeout) → response validated against the tool's TypeBox schema plus the caller's own
 * check; a malformed answer is retried once, then the feature fails → recorded in `ai_calls`
 * (every attempt that reached the service, and every refusal) → cached.
 *
 * What was sent is logged by size and kind only, never the content.
 */
import { createHash } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Deps } from '../../deps.js';
import type { AiCallOutcome } from '../../db/tables/ai.js';
import { newId } from '../../lib/ids.js';
import { aiErrors } from './ai.errors.js';
import { aiMetrics } from './ai.metrics.js';
import * as repo from './ai.repository.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import {
  createClaudeTransport,
  TransportError,
  type ClaudeTransport,
  type TokenUsage,
  type ToolDefinition,
} from './claude-transport.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { createBudgetGuard } from './ai-budget.js';

export type AiPurpose = 'mapping' | 'anomaly' | 'explain';

export interface ToolCall<S extends TSchema> {
  readonly purpose: AiPurpose;
  readonly system: string;
  readonly tool: ToolDefinition;
  /** The TypeBox schema of the tool's input (what the model must return). */
  readonly output: S;
  /** A further check of a schema-valid answer: an error text makes it malformed. */
  readonly check?: (output: Static<S>) => string | null;
  /** The variable input, sent as JSON. */
  readonly input: unknown;
  /** What the input is, for the log (e.g. "headers", "rows"). */
  readonly kind: string;
  /** How many items the input holds (headers, rows), for the log. */
  readonly items: number;
  readonly maxTokens: number;
  readonly userId: string | null;
  readonly uploadId?: string | null;
}

export interface ToolResult<T> {
  readonly output: T;
  readonly cached: boolean;
}

export interface AiStatus {
  readonly enabled: boolean;
  /** Why AI is off or unavailable; null when usable. */
  readonly reason: string | null;
  readonly model: string;
  readonly circuit: BreakerState;
}

export interface AiGatewayOptions {
  /** Injected transport (tests); default: the SDK transport from config. */
  readonly transport?: ClaudeTransport;
  readonly breaker?: CircuitBreaker;
}

type GatewayDeps = Pick<Deps, 'db' | 'config' | 'logger'>;

const UNAVAILABLE =
  'AI review unavailable: the model service failed repeatedly; it is retried after a pause.';
/** UTF-8 bytes per token for the worst-case estimate: low on purpose, so the estimate errs high. */
const BYTES_PER_TOKEN = 3;

// Output schemas are module constants of each service: compile each once.
const validators = new WeakMap<TSchema, TypeCheck<TSchema>>();
function compiled<S extends TSchema>(schema: S): TypeCheck<S> {
  let check = validators.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    validators.set(schema, check);
  }
  return check as TypeCheck<S>;
}

export function createAiGateway(deps: GatewayDeps, options: AiGatewayOptions = {}) {
  const { config, db, logger } = deps;
  const key = config.anthropicApiKey;
  const transport =
    options.transport ??
    (key
      ? createClaudeTransport({
          apiKey: key,
          baseURL: config.anthropicBaseUrl,
          timeoutMs: config.aiTimeoutMs,
        })
      : null);
  const breaker =
    options.breaker ??
    new CircuitBreaker({
      failureThreshold: config.aiBreakerFailures,
      cooldownMs: config.aiBreakerCooldownMs,
      onChange: (state) => {
        aiMetrics.circuitOpen.set(state === 'open' ? 1 : 0);
        logger.warn({ circuit: state }, 'AI circuit breaker changed state');
      },
    });
  const limiter = new ConcurrencyLimiter(config.aiConcurrency);
  const budgets = createBudgetGuard(db, config);

  function status(): AiStatus {
    const circuit = breaker.state;
    const reason = !transport
      ? 'AI review is off: ANTHROPIC_API_KEY is not set on this deployment.'
      : circuit === 'open'
        ? UNAVAILABLE
        : null;
    return { enabled: transport !== null, reason, model: config.aiModel, circuit };
  }

  async function record(
    call: ToolCall<TSchema>,
    outcome: AiCallOutcome,
    fields: {
      usage?: TokenUsage;
      latencyMs?: number;
      attempts?: number;
      bytes?: number;
      error?: string;
    } = {},
  ): Promise<void> {
    const usage = fields.usage ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    };
    const cost = budgets.costOf(usage);
    await repo.insertCall(db, {
      id: newId(),
      model: config.aiModel,
      purpose: call.purpose,
      user_id: call.userId,
      upload_id: call.uploadId ?? null,
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_tokens: usage.cacheReadTokens,
      cache_creation_tokens: usage.cacheCreationTokens,
      cost_usd: cost.toFixed(6),
      latency_ms: Math.round(fields.latencyMs ?? 0),
      attempts: fields.attempts ?? 0,
      outcome,
      request_bytes: fields.bytes ?? 0,
      error: fields.error?.slice(0, 500) ?? null,
    });
    aiMetrics.calls.inc({ purpose: call.purpose, outcome });
    if (usage.inputTokens) aiMetrics.tokens.inc({ purpose: call.purpose, kind: 'input' }, usage.inputTokens);
    if (usage.outputTokens)
      aiMetrics.tokens.inc({ purpose: call.purpose, kind: 'output' }, usage.outputTokens);
    if (usage.cacheReadTokens)
      aiMetrics.tokens.inc({ purpose: call.purpose, kind: 'cache_read' }, usage.cacheReadTokens);
    if (usage.cacheCreationTokens)
      aiMetrics.tokens.inc({ purpose: call.purpose, kind: 'cache_creation' }, usage.cacheCreationTokens);
    if (cost > 0) aiMetrics.cost.inc({ purpose: call.purpose }, cost);
    if (fields.latencyMs !== undefined)
      aiMetrics.latency.observe({ purpose: call.purpose }, fields.latencyMs / 1000);
  }

  async function call<S extends TSchema>(request: ToolCall<S>): Promise<ToolResult<Static<S>>> {
    const generic = request as unknown as ToolCall<TSchema>;
    if (!transport) throw aiErrors.disabled();
    const content = JSON.stringify(request.input);
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([request.purpose, config.aiModel, request.system, request.tool, content]))
      .digest('hex');
    const validator = compiled(request.output);
    const cachedOutput = await repo.findCached(db, cacheKey);
    if (cachedOutput !== undefined && validator.Check(cachedOutput)) {
      aiMetrics.cacheHits.inc({ purpose: request.purpose });
      return { output: cachedOutput, cached: true };
    }

    if (!breaker.tryAcquire()) {
      await record(generic, 'circuit_open', { error: 'circuit open' });
      throw aiErrors.unavailable(UNAVAILABLE, Math.ceil(breaker.retryAfterMs() / 1000));
    }
    const bytes = Buffer.byteLength(request.system) + Buffer.byteLength(content);
    // UTF-8 bytes, not characters: non-Latin text costs more tokens per character.
    const estimateIn = Math.ceil((bytes + Buffer.byteLength(JSON.stringify(request.tool))) / BYTES_PER_TOKEN);
    let reserved;
    try {
      reserved = await budgets.reserve({
        estimateIn,
        maxTokens: request.maxTokens,
        uploadId: request.uploadId ?? null,
      });
    } catch (err) {
      breaker.release();
      throw err;
    }
    if (!reserved.ok) {
      breaker.release();
      await record(generic, 'budget_exceeded', { error: `${reserved.scope} budget` });
      throw aiErrors.budgetExceeded(reserved.message);
    }
    const { reservation } = reserved;
    try {
      // One retry for a malformed answer; transport failures have had their own retries.
      for (let round = 1; round <= 2; round++) {
        logger.info(
          {
            purpose: request.purpose,
            model: config.aiModel,
            kind: request.kind,
            items: request.items,
            bytes,
          },
          'AI request',
        );
        const started = performance.now();
        let response;
        try {
          response = await limiter.run(() =>
            transport.send({
              model: config.aiModel,
              system: request.system,
              tool: request.tool,
              content,
              maxTokens: request.maxTokens,
            }),
          );
        } catch (err) {
          if (!(err instanceof TransportError)) throw err;
          if (err.outcome === 'malformed') {
            // Unparseable JSON: the service answered, badly. Same one retry as a schema-invalid answer.
            breaker.release();
            await record(generic, 'malformed', {
              latencyMs: performance.now() - started,
              attempts: err.attempts,
              bytes,
              error: err.message,
            });
            logger.warn(
              { purpose: request.purpose, problem: 'unparseable JSON', round },
              'malformed AI answer',
            );
            continue;
          }
          breaker.onFailure();
          await record(generic, err.outcome, {
            latencyMs: performance.now() - started,
            attempts: err.attempts,
            bytes,
            error: err.message,
          });
          throw aiErrors.failed(`The AI service did not answer (${err.outcome}).`);
        }
        const latencyMs = performance.now() - started;
        breaker.onSuccess();
        const problem = validator.Check(response.input)
          ? (request.check?.(response.input) ?? null)
          : (validator.Errors(response.input).First()?.message ?? 'no tool answer');
        await record(generic, problem === null ? 'ok' : 'malformed', {
          usage: response.usage,
          latencyMs,
          attempts: response.attempts,
          bytes,
          ...(problem === null ? {} : { error: problem }),
        });
        if (problem === null) {
          await repo.storeCached(db, {
            key: cacheKey,
            purpose: request.purpose,
            model: config.aiModel,
            output: response.input,
          });
          return { output: response.input as Static<S>, cached: false };
        }
        logger.warn({ purpose: request.purpose, problem, round }, 'malformed AI answer');
      }
      throw aiErrors.failed('The AI service gave a malformed answer twice.');
    } finally {
      budgets.release(reservation);
    }
  }

  /** Spent this month and what remains of the budget, in USD. */
  const budget = () => budgets.summary();

  return { call, status, budget, breaker };
}

export type AiGateway = ReturnType<typeof createAiGateway>;
