/**
 * API tokens: `intk_` + 256 random bits (base64url), shown once, stored as SHA-256 (a token has
 * far too much entropy to need a slow hash). Resolving one costs no query in the steady state: the
 * token row is cached in process and dropped on revocation (here and, via `deps.kv`, everywhere);
 * expiry and the owner's state (identity's cache: deactivation applies at once) are checked on
 * every request. `last_used_at` is collected in memory and written in one batched UPDATE every
 * API_TOKEN_TOUCH_INTERVAL seconds, never once per request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../../deps.js';
import { errors } from '../../lib/app-error.js';
import { recordAudit, actorOf, type AuditMeta } from '../audit/index.js';
import type { AuthContext, IdentityService } from '../identity/index.js';
import { accessErrors } from './access.errors.js';
import * as repo from './access.repository.js';

export const TOKEN_PREFIX = 'intk_';
const TOKEN_PATTERN = /^intk_[A-Za-z0-9_-]{43}$/;
const CHANNEL = 'access:token-revoked';
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PublicApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface NewApiToken {
  name: string;
  scopes: string[];
  expires_at?: string | null;
}

export interface ApiTokens {
  /** Creates a token for `ownerId`; the plain token is in the result and nowhere else, ever. */
  create(
    actor: AuthContext,
    ownerId: string,
    input: NewApiToken,
    meta: AuditMeta,
  ): Promise<PublicApiToken & { token: string }>;
  list(userId: string): Promise<PublicApiToken[]>;
  /** Revokes the caller's own token (404 for anyone else's). */
  revoke(actor: AuthContext, id: string, meta: AuditMeta): Promise<void>;
  /** Revokes every token of a user (deactivation) inside `trx`; call `forgetUser` after commit. */
  revokeAllOf(trx: Deps['db'], userId: string): Promise<number>;
  forgetUser(userId: string): Promise<void>;
  /** Resolves `intk_…` to the caller, or throws 401. */
  authenticate(token: string): Promise<AuthContext>;
  /** Writes pending last-used times now (also runs on the interval and at close). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function toPublicToken(row: repo.ApiTokenRow): PublicApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    expires_at: row.expires_at?.toISOString() ?? null,
  };
}

export function createApiTokens(deps: Deps, identity: IdentityService): ApiTokens {
  const cache = new Map<string, { row: repo.ApiTokenRow; until: number }>();
  const pendingUses = new Map<string, Date>();
  let epoch = 0;
  let subscription: Promise<void> | null = null;
  let flushing: Promise<void> | null = null;

  const timer = setInterval(() => {
    void flush().catch((err: unknown) => deps.logger.warn({ err }, 'could not record API token use'));
  }, deps.config.apiTokenTouchIntervalSeconds * 1000);
  timer.unref();

  function forget(message: string): void {
    epoch += 1;
    if (message.startsWith('user:')) {
      const userId = message.slice('user:'.length);
      for (const [key, entry] of cache) if (entry.row.user_id === userId) cache.delete(key);
    } else {
      cache.delete(message);
    }
  }

  function subscribe(): Promise<void> {
    subscription ??= deps.kv.subscribe(CHANNEL, forget);
    return subscription;
  }

  async function announce(message: string): Promise<void> {
    await subscribe();
    forget(message);
    await deps.kv.publish(CHANNEL, message);
  }

  async function flush(): Promise<void> {
    if (flushing) return flushing;
    if (pendingUses.size === 0) return;
    const batch = new Map(pendingUses);
    pendingUses.clear();
    flushing = repo
      .touchTokens(deps.db, batch)
      .catch((err: unknown) => {
        // Put them back (unless newer uses arrived) so the next flush retries.
        for (const [id, at] of batch) if (!pendingUses.has(id)) pendingUses.set(id, at);
        throw err;
      })
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  async function lookup(hash: Buffer): Promise<repo.ApiTokenRow | null> {
    await subscribe();
    const key = hash.toString('hex');
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.row;
    const startedAt = epoch;
    // The primary: a lagging replica could still show a revoked token as live.
    const row = await repo.findTokenByHash(deps.db, hash);
    if (row && !row.revoked_at && epoch === startedAt) {
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
      cache.set(key, { row, until: Date.now() + CACHE_TTL_MS });
    }
    return row;
  }

  return {
    async create(actor, ownerId, input, meta) {
      let expiresAt: Date | null = null;
      if (input.expires_at) {
        expiresAt = new Date(input.expires_at);
        if (Number.isNaN(expiresAt.getTime())) throw errors.validation('expires_at is not a valid time.');
        if (expiresAt.getTime() <= Date.now()) throw accessErrors.expiryInPast();
      }
      const secret = randomBytes(32).toString('base64url');
      const token = `${TOKEN_PREFIX}${secret}`;
      const row = await deps.db.transaction().execute(async (trx) => {
        const inserted = await repo.insertToken(trx, {
          id: uuidv7(),
          user_id: ownerId,
          name: input.name.trim(),
          prefix: token.slice(0, TOKEN_PREFIX.length + 8),
          token_hash: hashApiToken(token),
          scopes: [...new Set(input.scopes)].sort(),
          created_by: actor.userId,
          expires_at: expiresAt,
        });
        await recordAudit(trx, {
          action: 'token.created',
          actor: actorOf(actor),
          target: { type: 'api_token', id: inserted.id },
          meta,
          details: {
            owner_id: ownerId,
            name: inserted.name,
            prefix: inserted.prefix,
            scopes: inserted.scopes,
          },
        });
        return inserted;
      });
      return { ...toPublicToken(row), token };
    },

    async list(userId) {
      const rows = await repo.listTokens(deps.db, userId);
      // Uses not yet flushed are still news to the caller.
      return rows.map((row) => {
        const used = pendingUses.get(row.id);
        return toPublicToken(
          used && (!row.last_used_at || used > row.last_used_at) ? { ...row, last_used_at: used } : row,
        );
      });
    },

    async revoke(actor, id, meta) {
      if (!UUID.test(id)) throw accessErrors.tokenNotFound();
      const row = await deps.db.transaction().execute(async (trx) => {
        const revoked = await repo.revokeToken(trx, id, actor.userId);
        if (!revoked) return null;
        await recordAudit(trx, {
          action: 'token.revoked',
          actor: actorOf(actor),
          target: { type: 'api_token', id },
          meta,
          details: { owner_id: revoked.user_id, prefix: revoked.prefix },
        });
        return revoked;
      });
      if (!row) throw accessErrors.tokenNotFound();
      await announce(row.token_hash.toString('hex'));
    },

    revokeAllOf: (trx, userId) => repo.revokeUserTokens(trx, userId),
    forgetUser: (userId) => announce(`user:${userId}`),

    async authenticate(token) {
      if (!TOKEN_PATTERN.test(token)) throw accessErrors.invalidApiToken('malformed token');
      const row = await lookup(hashApiToken(token));
      if (!row) throw accessErrors.invalidApiToken('unknown token');
      if (row.revoked_at) throw accessErrors.invalidApiToken('revoked');
      if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw accessErrors.apiTokenExpired();
      const state = await identity.revocation.userState(row.user_id);
      if (!state || !state.active) throw accessErrors.invalidApiToken('revoked');
      pendingUses.set(row.id, new Date());
      return {
        userId: row.user_id,
        role: state.role,
        method: 'api_token',
        tokenId: row.id,
        expiresAt: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : 0,
        sessionId: null,
        kind: state.user.kind,
        scopes: row.scopes,
      };
    },

    flush,

    async close() {
      clearInterval(timer);
      await flush().catch((err: unknown) => deps.logger.warn({ err }, 'could not record API token use'));
    },
  };
}
