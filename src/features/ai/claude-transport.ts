/**
 * One structured-output request to the Claude Messages API through the official SDK: a single
 * tool with an input JSON schema and `tool_choice` forcing it, the fixed instructions marked for
 * prompt caching. The SDK's own retries are off (maxRetries 0) so retries happen here, where they
 * can honour `retry-after`, be counted and feed the circuit breaker: exponential backoff with full
 * jitter on 429, 529, 5xx and `overloaded_error`; never on a timeout (the caller is waiting).
 */
import Anthropic, { APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { AiCallOutcome } from '../../db/tables/ai.js';

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly input_schema: Record<string, unknown>;
}

export interface ToolRequest {
  readonly model: string;
  /** Fixed instructions: identical across calls of one purpose, so the prompt cache can serve them. */
  readonly system: string;
  readonly tool: ToolDefinition;
  /** The variable part (JSON text). */
  readonly content: string;
  readonly maxTokens: number;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheCreationTokens: number;
}

export interface ToolResponse {
  /** The forced tool's input, or undefined when the model returned no tool_use block. */
  readonly input: unknown;
  readonly usage: TokenUsage;
  readonly attempts: number;
}

/** A request that failed for good; `outcome` is what `ai_calls` records. */
export class TransportError extends Error {
  constructor(
    readonly outcome: AiCallOutcome,
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  readonly apiKey: string;
  /** Null: the SDK's default endpoint. */
  readonly baseURL: string | null;
  readonly timeoutMs: number;
  /** Attempts per request, first included. Default 3. */
  readonly maxAttempts?: number;
  /** First backoff step. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts; a longer `retry-after` ends the retries. Default 20000 ms. */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface ClaudeTransport {
  send(request: ToolRequest): Promise<ToolResponse>;
}

const ZERO_USAGE: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheCreationTokens: 0,
};

/** `retry-after-ms`, or `retry-after` in seconds or as an HTTP date; null when absent. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after');
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function classify(err: unknown): { outcome: AiCallOutcome; retryable: boolean } {
  if (err instanceof APIConnectionTimeoutError) return { outcome: 'timeout', retryable: false };
  // A 2xx body that is not JSON: a malformed answer, which the gateway retries once.
  if (err instanceof SyntaxError) return { outcome: 'malformed', retryable: false };
  if (err instanceof APIError) {
    const type = (err.error as { error?: { type?: string } } | undefined)?.error?.type;
    if (err.status === 429) return { outcome: 'rate_limited', retryable: true };
    if (err.status === 529 || type === 'overloaded_error') return { outcome: 'overloaded', retryable: true };
    if (err.status !== undefined && err.status >= 500) return { outcome: 'error', retryable: true };
    if (err.status === undefined) return { outcome: 'error', retryable: true };
  }
  return { outcome: 'error', retryable: false };
}

export function createClaudeTransport(options: TransportOptions): ClaudeTransport {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;

  return {
    async send(request) {
      for (let attempt = 1; ; attempt++) {
        try {
          const message = await client.messages.create({
            model: request.model,
            max_tokens: request.maxTokens,
            system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
            tools: [
              {
                name: request.tool.name,
                description: request.tool.description,
                input_schema: request.tool.input_schema as Anthropic.Tool.InputSchema,
              },
            ],
            tool_choice: { type: 'tool', name: request.tool.name },
            messages: [{ role: 'user', content: request.content }],
          });
          const block = message.content.find((b) => b.type === 'tool_use' && b.name === request.tool.name);
          const u = message.usage;
          return {
            input: block && block.type === 'tool_use' ? block.input : undefined,
            usage: u
              ? {
                  inputTokens: u.input_tokens ?? 0,
                  outputTokens: u.output_tokens ?? 0,
                  cacheReadTokens: u.cache_read_input_tokens ?? 0,
                  cacheCreationTokens: u.cache_creation_input_tokens ?? 0,
                }
              : ZERO_USAGE,
            attempts: attempt,
          };
        } catch (err) {
          const { outcome, retryable } = classify(err);
          const text = err instanceof Error ? err.message : String(err);
          if (!retryable || attempt >= maxAttempts) throw new TransportError(outcome, text, attempt);
          const backoff = Math.min(maxDelay, baseDelay * 2 ** (attempt - 1)) * random();
          const hinted = err instanceof APIError ? retryAfterMs(err.headers) : null;
          // A server that asks for a longer pause than we would wait anyway: stop now, not later.
          if (hinted !== null && hinted > maxDelay) throw new TransportError(outcome, text, attempt);
          await sleep(Math.max(backoff, hinted ?? 0));
        }
      }
    },
  };
}
