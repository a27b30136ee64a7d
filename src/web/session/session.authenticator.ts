/**
 * The cookie-session authenticator, placed in identity's `authenticators` list so pages and API
 * routes apply the same `requires` declarations and permissions to browser users. A request with
 * an Authorization header is left to the bearer authenticators (and is exempt from CSRF checks).
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import type { Authenticator } from '../../features/identity/index.js';
import { readSessionCookie, sessionCookieName } from './session-cookie.js';
import type { StartedSession, WebSession, WebSessions } from './web-sessions.service.js';

interface RequestSession {
  readonly token: string;
  readonly session: WebSession;
  /** Set when the session id was replaced during this request (privilege change). */
  readonly rotated: StartedSession | null;
}

const bound = new WeakMap<FastifyRequest, RequestSession>();

/** The web session that authenticated this request, if any. */
export function requestSessionOf(request: FastifyRequest): RequestSession | undefined {
  return bound.get(request);
}

export function sessionAuthenticator(
  sessions: WebSessions,
  config: Pick<Config, 'cookieSecure'>,
): Authenticator {
  const name = sessionCookieName(config);
  return {
    name: 'web-session',
    async authenticate(request) {
      if (request.headers.authorization !== undefined) return { kind: 'skip' };
      const token = readSessionCookie(request, name);
      if (token === undefined || token === '') return { kind: 'skip' };
      const meta = { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
      const outcome = await sessions.resolve(token, meta);
      // An unknown or ended session is simply anonymous: pages then send the visitor to /login.
      if (outcome.kind === 'none') return { kind: 'skip' };
      const rotated = outcome.kind === 'rotated' ? outcome.started : null;
      bound.set(request, { token: rotated?.token ?? token, session: outcome.session, rotated });
      return {
        kind: 'ok',
        auth: {
          userId: outcome.session.userId,
          role: outcome.session.role,
          method: 'session',
          tokenId: `session:${outcome.session.userId}`,
          expiresAt: 0,
          sessionId: null,
        },
      };
    },
  };
}
