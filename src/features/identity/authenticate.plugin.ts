/**
 * Resolves who is calling, once per request, before any route runs (onRequest). Credentials are
 * tried by an ordered list of authenticators; the first that recognises its kind of credential
 * decides. Today: `Authorization: Bearer <access token>`. A cookie-session authenticator (with
 * its CSRF check for unsafe methods) can be added to the list without touching any route, because
 * routes only ever call `requireAuth` / `requireRole`.
 *
 * A bad credential does not fail the request here: public routes still work, and `requireAuth`
 * reports the precise reason (`token_expired`, `not_authenticated: …`).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errors } from '../../lib/app-error.js';
import type { IdentityService } from './identity.service.js';
import type { AuthContext, UserRole } from './identity.types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, or null when the request carries no (valid) credential. */
    auth: AuthContext | null;
  }
}

export type AuthOutcome =
  | { readonly kind: 'skip' }
  | { readonly kind: 'ok'; readonly auth: AuthContext }
  | { readonly kind: 'fail'; readonly error: AppError };

export interface Authenticator {
  readonly name: string;
  /** `skip` when the request carries no credential of this kind. */
  authenticate(request: FastifyRequest): Promise<AuthOutcome>;
}

const failures = new WeakMap<FastifyRequest, AppError>();

/** `Authorization: Bearer <JWT access token>`. */
export function bearerAuthenticator(service: IdentityService): Authenticator {
  return {
    name: 'bearer',
    async authenticate(request) {
      const header = request.headers.authorization;
      if (header === undefined) return { kind: 'skip' };
      const match = /^Bearer +(\S+) *$/i.exec(header);
      if (!match) {
        if (/^Bearer\b/i.test(header)) {
          return {
            kind: 'fail',
            error: errors.notAuthenticated('The Authorization header must be "Bearer <token>".'),
          };
        }
        return { kind: 'skip' };
      }
      try {
        return { kind: 'ok', auth: await service.authenticateAccessToken(match[1] as string) };
      } catch (err) {
        if (err instanceof AppError) return { kind: 'fail', error: err };
        throw err;
      }
    },
  };
}

/** The caller, or 401: the credential's own failure (`token_expired`, …) or `not_authenticated`. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (request.auth) return request.auth;
  throw failures.get(request) ?? errors.notAuthenticated();
}

/** The caller when it has one of `roles`; 401 when anonymous, 403 `forbidden` otherwise. */
export function requireRole(request: FastifyRequest, ...roles: UserRole[]): AuthContext {
  const auth = requireAuth(request);
  if (!roles.includes(auth.role)) throw errors.forbidden();
  return auth;
}

const authenticatePlugin: FastifyPluginAsync<{ authenticators: readonly Authenticator[] }> = async (
  app,
  { authenticators },
) => {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    for (const authenticator of authenticators) {
      const outcome = await authenticator.authenticate(request);
      if (outcome.kind === 'skip') continue;
      if (outcome.kind === 'ok') request.auth = outcome.auth;
      else failures.set(request, outcome.error);
      return;
    }
  });
};

export default fp(authenticatePlugin, { name: 'intake-authenticate', fastify: '5.x' });
