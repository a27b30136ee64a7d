/**
 * Sessions: a refresh-token family per login, rotated on every use (OAuth 2.0 Security BCP).
 * Refresh tokens are 256 random bits, stored only as SHA-256, with an absolute family expiry that
 * rotation never extends. A rotated token presented again within the grace window (two tabs
 * racing) gets a fresh child in the same family; later reuse revokes the family and is recorded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../../deps.js';
import { identityErrors } from './identity.errors.js';
import type { AuthContext, RequestMeta, TokenPair, UserRole } from './identity.types.js';
import type { AccessTokens } from './access-token.service.js';
import type { TokenRevocation } from './token-revocation.service.js';
import type { EmailRateLimiter } from './rate-limit.service.js';
import * as refreshRepo from './refresh-tokens.repository.js';
import * as eventsRepo from './security-events.repository.js';
import { actorOf, recordAudit } from '../audit/index.js';

type Executor = Deps['db'];

export interface Sessions {
  /** Starts a new family for a user who just proved who they are. */
  start(user: { id: string; role: UserRole }): Promise<TokenPair>;
  /**
   * Starts a new family whose first refresh-token row the caller inserts with its own writes;
   * `issue` signs the pair once that row is committed. `notBefore` is the user's revocation
   * cut-off (unix seconds) as the caller read it.
   */
  prepareStart(user: { id: string; role: UserRole }): {
    row: refreshRepo.NewRefreshToken;
    issue(notBefore: number): Promise<TokenPair>;
  };
  /** Exchanges a refresh token for a new pair. */
  refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair>;
  /** Ends the caller's session: denylists its access token and revokes its refresh family(ies). */
  logout(auth: AuthContext, refreshToken: string | null, meta?: RequestMeta): Promise<void>;
  /** Revokes every family of a user, except `keepFamilyId`. */
  revokeAll(db: Executor, userId: string, keepFamilyId: string | null): Promise<void>;
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function createSessions(
  deps: Pick<Deps, 'db' | 'config' | 'logger'>,
  accessTokens: AccessTokens,
  revocation: TokenRevocation,
  rateLimiter: EmailRateLimiter,
): Sessions {
  const { config } = deps;

  async function pair(
    userId: string,
    role: UserRole,
    familyId: string,
    refreshToken: string,
    knownNotBefore?: number,
  ): Promise<TokenPair> {
    // A token must not predate the user's revocation cut-off, or it would be born revoked.
    const notBefore = knownNotBefore ?? (await revocation.userState(userId))?.validAfter;
    const access = await accessTokens.sign({ userId, role, sessionId: familyId, notBefore });
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      expires_in: access.expiresIn,
      token_type: 'Bearer',
    };
  }

  async function insertChild(
    db: Executor,
    parent: refreshRepo.RefreshTokenRow,
  ): Promise<{ id: string; token: string }> {
    const child = newRefreshToken();
    const id = uuidv7();
    await refreshRepo.insertRefreshToken(db, {
      id,
      token_hash: child.hash,
      family_id: parent.family_id,
      user_id: parent.user_id,
      parent_id: parent.id,
      family_expires_at: parent.family_expires_at,
    });
    return { id, token: child.token };
  }

  function prepareStart(user: { id: string; role: UserRole }): {
    row: refreshRepo.NewRefreshToken;
    issue(notBefore?: number): Promise<TokenPair>;
  } {
    const { token, hash } = newRefreshToken();
    const familyId = uuidv7();
    return {
      row: {
        id: uuidv7(),
        token_hash: hash,
        family_id: familyId,
        user_id: user.id,
        parent_id: null,
        family_expires_at: new Date(Date.now() + config.refreshTokenTtlSeconds * 1000),
      },
      issue: (notBefore) => pair(user.id, user.role, familyId, token, notBefore),
    };
  }

  /** The role to put in the new access token, or an error when the user may no longer log in. */
  async function requireActive(userId: string): Promise<UserRole> {
    const state = await revocation.userState(userId);
    if (!state || !state.active) throw identityErrors.invalidRefreshToken();
    return state.role;
  }

  return {
    async start(user) {
      const { row, issue } = prepareStart(user);
      await refreshRepo.insertRefreshToken(deps.db, row);
      return issue();
    },

    prepareStart,

    async refresh(refreshToken, meta) {
      const hash = hashRefreshToken(refreshToken);
      // The one atomic conditional UPDATE: of concurrent callers exactly one claims the token; the
      // others wait on its row lock and then see it rotated. Nothing in this transaction may take a
      // second pool connection, or racing callers holding the rest of the pool would deadlock it.
      const claimed = await deps.db.transaction().execute(async (trx) => {
        const row = await refreshRepo.claimRefreshToken(trx, hash);
        if (!row) return null;
        await rateLimiter.hit(`user:${row.user_id}`);
        const child = await insertChild(trx, row);
        await refreshRepo.setReplacedBy(trx, row.id, child.id);
        return { row, token: child.token };
      });
      if (claimed) {
        const role = await requireActive(claimed.row.user_id);
        return pair(claimed.row.user_id, role, claimed.row.family_id, claimed.token);
      }

      const found = await refreshRepo.findRefreshToken(deps.db, hash, config.refreshReuseGraceSeconds);
      if (!found || found.revoked_at || found.family_revoked || found.family_expired || !found.rotated_at) {
        throw identityErrors.invalidRefreshToken();
      }
      await rateLimiter.hit(`user:${found.user_id}`);
      if (found.within_grace) {
        const role = await requireActive(found.user_id);
        const child = await insertChild(deps.db, found);
        return pair(found.user_id, role, found.family_id, child.token);
      }
      // Reuse of a token rotated long ago: someone else may hold the family. End it.
      const revoked = await deps.db.transaction().execute(async (trx) => {
        const count = await refreshRepo.revokeFamily(trx, found.family_id);
        await recordAudit(trx, {
          action: 'auth.refresh_reuse_detected',
          actor: { userId: found.user_id, kind: 'user' },
          target: { type: 'session', id: found.family_id },
          meta,
          details: { token_id: found.id, revoked_tokens: count },
        });
        return count;
      });
      await eventsRepo.insertSecurityEvent(deps.db, {
        userId: found.user_id,
        kind: 'refresh_reuse_detected',
        details: {
          family_id: found.family_id,
          token_id: found.id,
          revoked_tokens: revoked,
          user_agent: meta.userAgent ?? null,
        },
        ip: meta.ip,
      });
      deps.logger.warn(
        { userId: found.user_id, familyId: found.family_id },
        'refresh token reuse detected; family revoked',
      );
      throw identityErrors.invalidRefreshToken();
    },

    async logout(auth, refreshToken, meta) {
      await revocation.denyToken(auth.tokenId, auth.expiresAt);
      await deps.db.transaction().execute(async (trx) => {
        if (auth.sessionId) await refreshRepo.revokeFamily(trx, auth.sessionId, auth.userId);
        await recordAudit(trx, {
          action: 'auth.logout',
          actor: actorOf(auth),
          target: { type: 'session', id: auth.sessionId },
          meta: meta ?? null,
        });
      });
      if (refreshToken) {
        const found = await refreshRepo.findRefreshToken(deps.db, hashRefreshToken(refreshToken), 0);
        if (found && found.user_id === auth.userId && found.family_id !== auth.sessionId) {
          await refreshRepo.revokeFamily(deps.db, found.family_id, auth.userId);
        }
      }
    },

    async revokeAll(db, userId, keepFamilyId) {
      await refreshRepo.revokeUserFamilies(db, userId, keepFamilyId);
    },
  };
}
