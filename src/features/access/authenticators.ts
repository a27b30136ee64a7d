/**
 * Authenticators the access feature adds to identity's list (tried before the JWT one), so API
 * tokens and JWTs share one auth path and one `request.auth`.
 */
import type { Deps } from '../../deps.js';
import { AppError, errors } from '../../lib/app-error.js';
import { createPasswordHasher, type PasswordHasher } from '../../lib/password-hasher.js';
import type { Authenticator, IdentityService } from '../identity/index.js';
import * as repo from './access.repository.js';
import { TOKEN_PREFIX, type ApiTokens } from './api-tokens.service.js';

/** `Authorization: Bearer intk_…`; any other bearer value is left to the JWT authenticator. */
export function apiTokenAuthenticator(tokens: ApiTokens): Authenticator {
  return {
    name: 'api-token',
    async authenticate(request) {
      const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
      const token = match?.[1];
      if (token === undefined || !token.startsWith(TOKEN_PREFIX)) return { kind: 'skip' };
      try {
        return { kind: 'ok', auth: await tokens.authenticate(token) };
      } catch (err) {
        if (err instanceof AppError) return { kind: 'fail', error: err };
        throw err;
      }
    },
  };
}

/**
 * `Authorization: Basic base64(email:password)`, for development only: config refuses BASIC_AUTH
 * outside INTAKE_ENV=development, and this is only added to the list when both hold. Each request
 * costs an Argon2 verification, which is fine for a developer's curl and nothing else.
 */
export function basicAuthenticator(
  deps: Pick<Deps, 'db'>,
  identity: IdentityService,
  hasher: PasswordHasher = createPasswordHasher(),
): Authenticator {
  return {
    name: 'basic',
    async authenticate(request) {
      const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '');
      if (!match) return { kind: 'skip' };
      const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const fail = { kind: 'fail', error: errors.invalidCredentials() } as const;
      if (colon < 1) return fail;
      const login = await repo.findLoginByEmail(deps.db, decoded.slice(0, colon).trim());
      if (!login || login.password_hash === null || !login.is_active || login.kind !== 'user') return fail;
      if (!(await hasher.verify(login.password_hash, decoded.slice(colon + 1)))) return fail;
      const state = await identity.revocation.userState(login.id);
      if (!state || !state.active) return fail;
      return {
        kind: 'ok',
        auth: {
          userId: login.id,
          role: state.role,
          method: 'basic',
          tokenId: `basic:${login.id}`,
          expiresAt: 0,
          sessionId: null,
          kind: 'user',
          scopes: null,
        },
      };
    },
  };
}
