/**
 * Server-side web sessions. The cookie holds 256 random bits; the row holds their SHA-256, the
 * user, the role the session was issued for and the CSRF secret (synchronizer token). A session
 * ends when idle too long, at its absolute expiry, at sign-out, when the user is deactivated or
 * deleted, or when its credentials were revoked after it started (password change). A role change
 * makes the authenticator issue a new id (privilege change), keeping the user signed in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { IdentityService, UserRole } from '../../features/identity/index.js';
import * as repo from './web-sessions.repository.js';

export interface WebSession {
  readonly userId: string;
  readonly role: UserRole;
  readonly csrfToken: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

export interface StartedSession {
  /** The cookie value (never stored). */
  readonly token: string;
  readonly csrfToken: string;
}

export interface SessionMeta {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type ResolvedSession =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly session: WebSession }
  /** Valid, but the user's role changed since: the caller must switch to `started`. */
  | { readonly kind: 'rotated'; readonly session: WebSession; readonly started: StartedSession };

export interface WebSessions {
  start(user: { id: string; role: UserRole }, meta: SessionMeta): Promise<StartedSession>;
  resolve(token: string, meta: SessionMeta): Promise<ResolvedSession>;
  end(token: string): Promise<void>;
  endAllFor(userId: string): Promise<number>;
  /** Deletes expired rows (called periodically). */
  sweep(): Promise<number>;
  /** True when `given` is this session's CSRF token (constant time). */
  checkCsrf(session: WebSession, given: string | undefined): boolean;
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Writing last_seen_at on every request would cost a write per page view; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

export function createWebSessions(
  deps: Pick<Deps, 'db' | 'config'>,
  identity: Pick<IdentityService, 'revocation'>,
): WebSessions {
  const idleMs = deps.config.sessionIdleMinutes * 60_000;
  const absoluteMs = deps.config.sessionAbsoluteHours * 3_600_000;

  async function start(user: { id: string; role: UserRole }, meta: SessionMeta): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    // Identity's revocation cut-off is rounded up to the next second (see bumpTokensValidAfter); a
    // session started right after a password change must not be born before it, or it is revoked.
    const validAfterMs = ((await identity.revocation.userState(user.id))?.validAfter ?? 0) * 1000;
    await repo.insertSession(deps.db, {
      created_at: new Date(Math.max(Date.now(), validAfterMs)),
      id_hash: hashOf(token),
      user_id: user.id,
      role: user.role,
      csrf_secret: csrfToken,
      expires_at: new Date(Date.now() + absoluteMs),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    });
    return { token, csrfToken };
  }

  return {
    start,

    async resolve(token, meta) {
      if (token.length === 0 || token.length > 100) return { kind: 'none' };
      const idHash = hashOf(token);
      const row = await repo.findSession(deps.db, idHash);
      if (!row) return { kind: 'none' };
      const now = Date.now();
      const state = await identity.revocation.userState(row.user_id);
      const revoked =
        !state || !state.active || Math.floor(row.created_at.getTime() / 1000) < state.validAfter;
      if (revoked || row.expires_at.getTime() <= now || row.last_seen_at.getTime() + idleMs <= now) {
        await repo.deleteSession(deps.db, idHash);
        return { kind: 'none' };
      }
      if (state.role !== row.role) {
        // Privilege change: the old id must stop working, the user stays signed in.
        await repo.deleteSession(deps.db, idHash);
        const started = await start({ id: row.user_id, role: state.role }, meta);
        return {
          kind: 'rotated',
          started,
          session: { userId: row.user_id, role: state.role, csrfToken: started.csrfToken, createdAt: now },
        };
      }
      if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS)
        await repo.touchSession(deps.db, idHash, new Date(now));
      return {
        kind: 'ok',
        session: {
          userId: row.user_id,
          role: state.role,
          csrfToken: row.csrf_secret,
          createdAt: row.created_at.getTime(),
        },
      };
    },

    async end(token) {
      await repo.deleteSession(deps.db, hashOf(token));
    },

    endAllFor(userId) {
      return repo.deleteUserSessions(deps.db, userId);
    },

    sweep() {
      const now = Date.now();
      return repo.deleteExpired(deps.db, new Date(now), new Date(now - idleMs));
    },

    checkCsrf(session, given) {
      if (given === undefined) return false;
      const a = Buffer.from(given);
      const b = Buffer.from(session.csrfToken);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
