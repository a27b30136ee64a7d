/**
 * Applies the standard limits to every API request (DESIGN.md): auth routes per client IP, the
 * rest of /api/v1 per authenticated user (per IP when anonymous). Registered after the identity
 * plugin so its onRequest hook has already set `request.auth`. `request.ip` honours
 * X-Forwarded-For only when TRUST_PROXY says so (Fastify's trustProxy), so clients cannot pick
 * their own bucket.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { createRateLimiter, enforceRateLimit } from '../rate-limit.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on a route under /api/v1 that must not count against the API limits (docs, probes). */
    rateLimitExempt?: boolean;
  }
}

const WINDOW_SECONDS = 60;
const API_PREFIX = '/api/v1/';
const AUTH_PREFIX = '/api/v1/auth/';

const rateLimitPlugin: FastifyPluginAsync<{ deps: Deps }> = async (app, { deps }) => {
  const limiter = createRateLimiter(deps.kv);
  const { rateLimitAuthPerMinute, rateLimitApiPerMinute } = deps.config;

  app.addHook('onRequest', async (request, reply) => {
    // The matched route pattern, so percent-encoding or a query string cannot dodge a bucket;
    // unknown routes (404) fall back to the raw path and still count.
    const path = request.routeOptions.url ?? request.url.split('?', 1)[0];
    // CORS preflights are sent by browsers on their own; they must not eat the caller's budget.
    if (request.method === 'OPTIONS') return;
    if (!path.startsWith(API_PREFIX) || request.routeOptions.config.rateLimitExempt === true) return;
    if (path.startsWith(AUTH_PREFIX)) {
      await enforceRateLimit(limiter, reply, `auth:ip:${request.ip}`, rateLimitAuthPerMinute, WINDOW_SECONDS);
      return;
    }
    // `request.auth` is set by the identity plugin's onRequest hook, which runs before this one.
    const userId = request.auth?.userId;
    const key = userId === undefined ? `api:ip:${request.ip}` : `api:user:${userId}`;
    await enforceRateLimit(limiter, reply, key, rateLimitApiPerMinute, WINDOW_SECONDS);
  });
};

export default fp(rateLimitPlugin, { name: 'intake-rate-limit', fastify: '5.x' });
