/**
 * Applies the standard limits to every API request (DESIGN.md): auth routes per client IP, the
 * rest of /api/v1 per authenticated user (per IP when anonymous). Registered after the identity
 * plugin so its onRequest hook has already set `request.auth`. `request.ip` honours
 * X-Forwarded-For only when TRUST_PROXY says so (Fastify's trustProxy), so clients cannot pick
 * their own bucket.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
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

/** The authenticated user's id, if the identity plugin resolved one. */
function userIdOf(request: FastifyRequest): string | null {
  const auth = (request as { auth?: { userId?: unknown } | null }).auth;
  return auth && typeof auth.userId === 'string' ? auth.userId : null;
}

const rateLimitPlugin: FastifyPluginAsync<{ deps: Deps }> = async (app, { deps }) => {
  const limiter = createRateLimiter(deps.kv);
  const { rateLimitAuthPerMinute, rateLimitApiPerMinute } = deps.config;

  app.addHook('onRequest', async (request, reply) => {
    // The matched route pattern, so percent-encoding or a query string cannot dodge a bucket;
    // unknown routes (404) fall back to the raw path and still count.
    const path = request.routeOptions.url ?? request.url.split('?', 1)[0];
    if (!path.startsWith(API_PREFIX) || request.routeOptions.config.rateLimitExempt === true) return;
    if (path.startsWith(AUTH_PREFIX)) {
      await enforceRateLimit(limiter, reply, `auth:ip:${request.ip}`, rateLimitAuthPerMinute, WINDOW_SECONDS);
      return;
    }
    const userId = userIdOf(request);
    const key = userId === null ? `api:ip:${request.ip}` : `api:user:${userId}`;
    await enforceRateLimit(limiter, reply, key, rateLimitApiPerMinute, WINDOW_SECONDS);
  });
};

export default fp(rateLimitPlugin, { name: 'intake-rate-limit', fastify: '5.x' });
