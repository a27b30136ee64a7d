/**
 * Revocation without a database query per request in the steady state:
 * - logout puts the access token's `jti` in kv (Redis when configured) until the token expires;
 * - password change, deactivation, role change and deletion change the user's auth state in the
 *   database and publish an invalidation; every process keeps the state of recently seen users in
 *   a small in-process cache and drops an entry when told. A cache miss costs one small query.
 */
import type { Deps } from '../../deps.js';
import * as usersRepo from './users.repository.js';
import type { UserRole } from './identity.types.js';

const STATE_CHANNEL = 'identity:user-state';
/** Upper bound on staleness if an invalidation message is lost (e.g. a Redis reconnect). */
const STATE_TTL_MS = 60_000;
const STATE_MAX_ENTRIES = 50_000;

export interface UserAuthState {
  /** The whole row, so the caller's own profile (GET /users/me) needs no query either. */
  readonly user: usersRepo.UserRow;
  readonly role: UserRole;
  readonly active: boolean;
  /** Tokens with `iat` below this (epoch seconds) are revoked; 0 when none are. */
  readonly validAfter: number;
}

export interface TokenRevocation {
  /** Denylists a token id until `expiresAt` (epoch seconds). */
  denyToken(jti: string, expiresAt: number): Promise<void>;
  isTokenDenied(jti: string): Promise<boolean>;
  /** The user's current auth state, or null when the user no longer exists. */
  userState(userId: string): Promise<UserAuthState | null>;
  /**
   * `userState` from the cache alone, without waiting: undefined when it would need a query (or
   * before the invalidation subscription is up). For the hot path of every authenticated request.
   */
  cachedUserState(userId: string): UserAuthState | null | undefined;
  /** Call after changing a user's role, activity, tokens_valid_after or deleting it. */
  invalidateUser(userId: string): Promise<void>;
}

export function createTokenRevocation(deps: Pick<Deps, 'db' | 'kv' | 'config'>): TokenRevocation {
  const cache = new Map<string, { state: UserAuthState | null; until: number }>();
  // Bumped on every invalidation (of anyone), so a load that raced with one does not cache what
  // it read: it may predate the change.
  let epoch = 0;
  let subscription: Promise<void> | null = null;
  let subscribed = false;

  function forget(userId: string): void {
    cache.delete(userId);
    epoch += 1;
  }

  function subscribe(): Promise<void> {
    subscription ??= deps.kv
      .subscribe(STATE_CHANNEL, (userId) => forget(userId))
      .then(() => {
        subscribed = true;
      });
    return subscription;
  }

  return {
    async denyToken(jti, expiresAt) {
      const ttl = expiresAt - Math.floor(Date.now() / 1000) + deps.config.jwtClockSkewSeconds;
      if (ttl > 0) await deps.kv.set(`identity:denied-jti:${jti}`, '1', ttl);
    },

    async isTokenDenied(jti) {
      return (await deps.kv.get(`identity:denied-jti:${jti}`)) !== null;
    },

    async userState(userId) {
      await subscribe();
      const hit = cache.get(userId);
      if (hit && hit.until > Date.now()) return hit.state;
      const startedAt = epoch;
      // The primary, not a replica: a lagging replica could hand back a revoked state.
      const row = await usersRepo.findUserById(deps.db, userId);
      const state: UserAuthState | null = row
        ? {
            user: row,
            role: row.role,
            active: row.is_active,
            validAfter: row.tokens_valid_after ? Math.ceil(row.tokens_valid_after.getTime() / 1000) : 0,
          }
        : null;
      if (epoch === startedAt) {
        if (cache.size >= STATE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
        cache.set(userId, { state, until: Date.now() + STATE_TTL_MS });
      }
      return state;
    },

    cachedUserState(userId) {
      if (!subscribed) return undefined;
      const hit = cache.get(userId);
      return hit && hit.until > Date.now() ? hit.state : undefined;
    },

    async invalidateUser(userId) {
      await subscribe();
      forget(userId);
      await deps.kv.publish(STATE_CHANNEL, userId);
    },
  };
}
