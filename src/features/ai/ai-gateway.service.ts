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
import { TypeCompiler } from '@sinclair/typebox/compiler';
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
/** Characters per token for the worst-case estimate: low on purpose, so the estimate errs high. */
const CHARS_PER_TOKEN = 3;

export function startOfMonthUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
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
      onChange: (state) => {
        aiMetrics.circuitOpen.set(state === 'open' ? 1 : 0);
        logger.warn({ circuit: state }, 'AI circuit breaker changed state');
      },
    });
  const limiter = new ConcurrencyLimiter(config.aiConcurrency);
  // Worst-case cost of calls in flight in this process, so concurrent calls cannot overspend.
  let reservedUsd = 0;
  const reservedTokens = new Map<string, number>();

  function costOf(u: TokenUsage): number {
    // Cache reads bill at 0.1× and cache writes at 1.25× the input price (Anthropic pricing).
    const input = u.inputTokens + u.cacheReadTokens * 0.1 + u.cacheCreationTokens * 1.25;
    return (input * config.aiPriceInputPerMtok + u.outputTokens * config.aiPriceOutputPerMtok) / 1_000_000;
  }

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
    const cost = costOf(usage);
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

  /** Refuses (and records) a call that could pass the month's budget or the upload's allowance. */
  async function checkBudgets(call: ToolCall<TSchema>, estimateIn: number): Promise<number> {
    const worstUsd =
      (estimateIn * config.aiPriceInputPerMtok + call.maxTokens * config.aiPriceOutputPerMtok) / 1_000_000;
    const spent = Number(await repo.spentSince(db, startOfMonthUtc()));
    const remaining = config.aiMonthlyBudgetUsd - spent - reservedUsd;
    if (worstUsd > remaining) {
      await record(call, 'budget_exceeded', { error: 'monthly budget' });
      throw aiErrors.budgetExceeded(
        `The monthly AI budget (USD ${config.aiMonthlyBudgetUsd}) does not cover this request; ` +
          `USD ${Math.max(0, remaining).toFixed(4)} remains.`,
      );
    }
    if (call.uploadId) {
      const used = (await repo.tokensForUpload(db, call.uploadId)) + (reservedTokens.get(call.uploadId) ?? 0);
      if (used + estimateIn + call.maxTokens > config.aiUploadMaxTokens) {
        await record(call, 'budget_exceeded', { error: 'upload token budget' });
        throw aiErrors.budgetExceeded(
          `This upload's AI allowance (${config.aiUploadMaxTokens} tokens) does not cover another request; ${used} used.`,
        );
      }
    }
    return worstUsd;
  }

  async function call<S extends TSchema>(request: ToolCall<S>): Promise<ToolResult<Static<S>>> {
    const generic = request as unknown as ToolCall<TSchema>;
    if (!transport) throw aiErrors.disabled();
    const content = JSON.stringify(request.input);
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([request.purpose, config.aiModel, request.system, request.tool, content]))
      .digest('hex');
    const validator = TypeCompiler.Compile(request.output);
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
    const estimateIn = Math.ceil(
      (request.system.length + content.length + JSON.stringify(request.tool).length) / CHARS_PER_TOKEN,
    );
    let worstUsd: number;
    try {
      worstUsd = await checkBudgets(generic, estimateIn);
    } catch (err) {
      breaker.release();
      throw err;
    }
    reservedUsd += worstUsd;
    const uploadId = request.uploadId ?? null;
    if (uploadId)
      reservedTokens.set(uploadId, (reservedTokens.get(uploadId) ?? 0) + estimateIn + request.maxTokens);
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
      reservedUsd -= worstUsd;
      if (uploadId) {
        const left = (reservedTokens.get(uploadId) ?? 0) - estimateIn - request.maxTokens;
        if (left > 0) reservedTokens.set(uploadId, left);
        else reservedTokens.delete(uploadId);
      }
    }
  }

  /** Spent this month and what remains of the budget, in USD. */
  async function budget(): Promise<{ monthly_usd: number; spent_usd: number; remaining_usd: number }> {
    const spent = Number(await repo.spentSince(db, startOfMonthUtc()));
    return {
      monthly_usd: config.aiMonthlyBudgetUsd,
      spent_usd: Math.round(spent * 1e6) / 1e6,
      remaining_usd: Math.max(0, Math.round((config.aiMonthlyBudgetUsd - spent) * 1e6) / 1e6),
    };
  }

  return { call, status, budget, breaker };
}

export type AiGateway = ReturnType<typeof createAiGateway>;
