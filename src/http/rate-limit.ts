/**
 * Fixed-window rate limits on top of the key-value store: Redis when configured, so every instance
 * shares one counter per key; in process otherwise. Responses carry the IETF draft headers
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds); over the limit is a 429
 * `rate_limited` with `Retry-After`.
 */
import type { FastifyReply } from 'fastify';
import type { KeyValueStore } from '../cache/kv.js';
import { errors } from '../lib/app-error.js';

export interface RateLimitResult {
  /** False once `limit` is exceeded within the window. */
  allowed: boolean;
  limit: number;
  /** Requests left in the window (never negative). */
  remaining: number;
  /** Whole seconds until the window resets (at least 1). */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one request against `key` and says whether it is within `limit` per `windowSeconds`. */
  check(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
}

/** Counter keys live under this prefix in the store. */
const KEY_PREFIX = 'rl:';

export function createRateLimiter(kv: KeyValueStore): RateLimiter {
  return {
    async check(key, limit, windowSeconds) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
      const { count, resetMs } = await kv.hit(KEY_PREFIX + key, windowSeconds);
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
      };
    },
  };
}

/** Sets the RateLimit-* headers for `result`, and throws 429 `rate_limited` when it is over. */
export function applyRateLimitResult(reply: FastifyReply, result: RateLimitResult): void {
  reply.header('ratelimit-limit', result.limit);
  reply.header('ratelimit-remaining', result.remaining);
  reply.header('ratelimit-reset', result.resetSeconds);
  if (!result.allowed) throw errors.rateLimited(result.resetSeconds);
}

/**
 * Checks `key` and applies the result to `reply` in one step; for hooks and for features with
 * their own limits (e.g. per-email on login). Throws 429 when over the limit.
 */
export async function enforceRateLimit(
  limiter: RateLimiter,
  reply: FastifyReply,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  const result = await limiter.check(key, limit, windowSeconds);
  applyRateLimitResult(reply, result);
  return result;
}
