/**
 * The per-identity part of the auth rate limit (the per-IP part is the HTTP layer's): at most
 * RATE_LIMIT_AUTH attempts a minute per email (register, login) or per user (refresh), counted in
 * kv so every instance shares the counters when Redis is configured.
 */
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { identityErrors } from './identity.errors.js';

const WINDOW_SECONDS = 60;

export interface EmailRateLimiter {
  /** Counts an attempt for `subject` (e.g. `email:a@b.c` or `user:<id>`); throws 429 past the limit. */
  hit(subject: string): Promise<void>;
}

export function createEmailRateLimiter(deps: Pick<Deps, 'kv' | 'config'>): EmailRateLimiter {
  const limit = deps.config.rateLimitAuthPerMinute;
  return {
    async hit(subject) {
      // Hash the subject so emails do not sit in Redis in clear text.
      const key = `identity:rl:${createHash('sha256').update(subject.toLowerCase()).digest('base64url')}`;
      const { count, resetMs } = await deps.kv.hit(key, WINDOW_SECONDS);
      if (count > limit) throw identityErrors.emailRateLimited(limit, Math.max(1, Math.ceil(resetMs / 1000)));
    },
  };
}
