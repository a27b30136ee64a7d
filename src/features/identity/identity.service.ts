/**
 * The identity feature's one entry point for other doors (HTTP routes, the CLI): builds the key
 * ring, token services, sessions, accounts and users over `deps`. Create one per process.
 */
import type { Deps } from '../../deps.js';
import { createPasswordHasher, type PasswordHasher } from '../../lib/password-hasher.js';
import { identityErrors } from './identity.errors.js';
import type { AuthContext } from './identity.types.js';
import { createAccessTokens, type AccessTokens } from './access-token.service.js';
import { createAccounts, type Accounts } from './accounts.service.js';
import { createKeyRing, type KeyRing } from './key-ring.service.js';
import { createEmailRateLimiter } from './rate-limit.service.js';
import { createSessions, type Sessions } from './sessions.service.js';
import { createTokenRevocation, type TokenRevocation } from './token-revocation.service.js';
import { createUsers, type UserDeletionHook, type Users } from './users.service.js';

export interface IdentityService {
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly users: Users;
  readonly keys: KeyRing;
  readonly accessTokens: AccessTokens;
  readonly revocation: TokenRevocation;
  /**
   * Resolves a bearer access token to the caller, or throws 401 (`token_expired`,
   * `not_authenticated`). Steady state: no database query (keys and user state are cached).
   */
  authenticateAccessToken(token: string): Promise<AuthContext>;
}

export interface IdentityServiceOptions {
  /** Password hasher; default Argon2id m=19456 t=2 p=1. */
  hasher?: PasswordHasher;
  /** Run when an admin deletes a user (see `UserDeletionHook`), e.g. uploads removing its files. */
  userDeletionHooks?: readonly UserDeletionHook[];
}

export function createIdentityService(deps: Deps, options: IdentityServiceOptions = {}): IdentityService {
  const hasher = options.hasher ?? createPasswordHasher();
  const keys = createKeyRing(deps);
  const accessTokens = createAccessTokens(deps.config, keys);
  const revocation = createTokenRevocation(deps);
  const rateLimiter = createEmailRateLimiter(deps);
  const sessions = createSessions(deps, accessTokens, revocation, rateLimiter);
  const accounts = createAccounts(deps, hasher, sessions, revocation, rateLimiter);
  const users = createUsers(deps, revocation, sessions, options.userDeletionHooks);

  return {
    accounts,
    sessions,
    users,
    keys,
    accessTokens,
    revocation,
    async authenticateAccessToken(token) {
      const claims = await accessTokens.verify(token);
      // The user's state is nearly always cached: read it without an extra await.
      const cached = revocation.cachedUserState(claims.userId);
      const [denied, state] = await Promise.all([
        revocation.isTokenDenied(claims.jti),
        cached === undefined ? revocation.userState(claims.userId) : cached,
      ]);
      if (denied) throw identityErrors.tokenRevoked();
      if (!state || !state.active || claims.issuedAt < state.validAfter) throw identityErrors.tokenRevoked();
      return {
        userId: claims.userId,
        role: state.role,
        kind: state.user.kind,
        method: 'jwt',
        tokenId: claims.jti,
        expiresAt: claims.expiresAt,
        sessionId: claims.sessionId,
      };
    },
  };
}
