/** Reading and administering users: profiles, the admin list, updates, deletion. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import { errors } from '../../lib/app-error.js';
import { identityErrors } from './identity.errors.js';
import type { AuthContext, PublicUser, UserRole } from './identity.types.js';
import type { Sessions } from './sessions.service.js';
import type { TokenRevocation } from './token-revocation.service.js';
import * as usersRepo from './users.repository.js';
import * as eventsRepo from './security-events.repository.js';
import { actorOf, recordAudit } from '../audit/index.js';
import type { RequestMeta } from './identity.types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Public forms of rows held by the user-state cache: GET /users/me shows the same cached row on
 * every call, and its four dates need formatting only once. A changed user is a new row object.
 */
const publicForms = new WeakMap<usersRepo.UserRow, PublicUser>();

/** The public form of a cached row (see publicForms); callers must not change it. */
function cachedPublicUser(row: usersRepo.UserRow): PublicUser {
  let user = publicForms.get(row);
  if (user === undefined) {
    user = Object.freeze(toPublicUser(row));
    publicForms.set(row, user);
  }
  return user;
}

export function toPublicUser(row: usersRepo.UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    role: row.role,
    is_active: row.is_active,
    email_verified_at: row.email_verified_at?.toISOString() ?? null,
    last_login_at: row.last_login_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export interface UserListQuery {
  limit?: number;
  cursor?: string;
  email?: string;
  role?: UserRole;
  is_active?: boolean;
}

export interface UserPatch {
  first_name?: string;
  last_name?: string;
  role?: UserRole;
  is_active?: boolean;
}

/**
 * Runs inside a user's deletion transaction, before the row (and what cascades from it) goes.
 * What it returns runs after the commit: work the database cascade cannot do, such as removing
 * the stored files of the user's uploads. Other features supply these; identity knows none of them.
 */
export type UserDeletionHook = (
  trx: Kysely<Database>,
  userId: string,
) => Promise<(() => Promise<void>) | undefined>;

export interface Users {
  /** A user the caller may see: itself, or anyone for an admin (403 for others, 404 if missing). */
  get(actor: AuthContext, id: string): Promise<PublicUser>;
  list(
    actor: AuthContext,
    query: UserListQuery,
  ): Promise<{ results: PublicUser[]; next_cursor: string | null }>;
  /** Admins change names, role and activity; the owner only its names (403 for role/is_active). */
  update(actor: AuthContext, id: string, patch: UserPatch, meta?: RequestMeta): Promise<PublicUser>;
  /** Admin only; an admin cannot delete itself (409). */
  remove(actor: AuthContext, id: string, meta?: RequestMeta): Promise<void>;
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw identityErrors.invalidCursor();
  return id;
}

/**
 * Non-admins get 403 for every id that is not theirs (existing or not), so ids cannot be probed;
 * admins get 404 for a missing or malformed id.
 */
function checkAccess(actor: AuthContext, id: string): void {
  if (actor.role !== 'admin' && actor.userId !== id) throw errors.forbidden();
  if (!UUID.test(id)) throw identityErrors.userNotFound();
}

/** Holders of `view_user` (managers, admins; set by the access feature) may view anyone. */
function checkViewAccess(actor: AuthContext, id: string): void {
  if (actor.permissions?.has('view_user')) {
    if (!UUID.test(id)) throw identityErrors.userNotFound();
    return;
  }
  checkAccess(actor, id);
}

export function createUsers(
  deps: Pick<Deps, 'db' | 'dbRead'>,
  revocation: TokenRevocation,
  sessions: Sessions,
  deletionHooks: readonly UserDeletionHook[] = [],
): Users {
  return {
    async get(actor, id) {
      checkViewAccess(actor, id);
      if (id === actor.userId) {
        // One's own profile comes from the auth cache (kept fresh by invalidations): no query.
        const cached = revocation.cachedUserState(id);
        const state = cached !== undefined ? cached : await revocation.userState(id);
        if (!state) throw identityErrors.userNotFound();
        return cachedPublicUser(state.user);
      }
      const row = await usersRepo.findUserById(deps.db, id);
      if (!row) throw identityErrors.userNotFound();
      return toPublicUser(row);
    },

    async list(actor, query) {
      if (actor.role !== 'admin' && !actor.permissions?.has('view_user')) throw errors.forbidden();
      const limit = query.limit ?? 20;
      const rows = await usersRepo.listUsers(deps.dbRead, {
        limit,
        afterId: query.cursor ? decodeCursor(query.cursor) : null,
        emailContains: query.email ?? null,
        role: query.role ?? null,
        isActive: query.is_active ?? null,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        results: page.map(toPublicUser),
        next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null,
      };
    },

    async update(actor, id, patch, meta) {
      checkAccess(actor, id);
      const isAdmin = actor.role === 'admin';
      const changesAccess = patch.role !== undefined || patch.is_active !== undefined;
      if (changesAccess && !isAdmin) throw identityErrors.ownerCannotChangeRole();
      if (
        isAdmin &&
        actor.userId === id &&
        ((patch.role && patch.role !== 'admin') || patch.is_active === false)
      ) {
        throw identityErrors.cannotChangeOwnAccess();
      }
      const row = await deps.db.transaction().execute(async (trx) => {
        const before = await usersRepo.findUserById(trx, id);
        if (!before) throw identityErrors.userNotFound();
        const updated = await usersRepo.updateUser(trx, id, patch);
        if (!updated) throw identityErrors.userNotFound();
        const audit = { actor: actorOf(actor), target: { type: 'user', id }, meta: meta ?? null };
        if (patch.role !== undefined && patch.role !== before.role) {
          await recordAudit(trx, {
            ...audit,
            action: 'user.role_changed',
            details: { from: before.role, to: updated.role },
          });
        }
        if (!before.is_active && updated.is_active)
          await recordAudit(trx, { ...audit, action: 'user.reactivated' });
        if (before.is_active && updated.is_active === false) {
          await recordAudit(trx, { ...audit, action: 'user.deactivated' });
          // Deactivation ends every session at once.
          await usersRepo.bumpTokensValidAfter(trx, id);
          await sessions.revokeAll(trx, id, null);
          await eventsRepo.insertSecurityEvent(trx, {
            userId: id,
            kind: 'user_deactivated',
            details: { by: actor.userId },
            ip: null,
          });
        }
        return updated;
      });
      await revocation.invalidateUser(id);
      return toPublicUser(row);
    },

    async remove(actor, id, meta) {
      if (actor.role !== 'admin') throw errors.forbidden();
      checkAccess(actor, id);
      if (actor.userId === id) throw identityErrors.cannotChangeOwnAccess();
      const afterCommit: Array<() => Promise<void>> = [];
      const deleted = await deps.db.transaction().execute(async (trx) => {
        for (const hook of deletionHooks) {
          const then = await hook(trx, id);
          if (then) afterCommit.push(then);
        }
        const gone = await usersRepo.deleteUser(trx, id);
        if (gone) {
          await recordAudit(trx, {
            action: 'user.deleted',
            actor: actorOf(actor),
            target: { type: 'user', id },
            meta: meta ?? null,
          });
        }
        return gone;
      });
      if (!deleted) throw identityErrors.userNotFound();
      for (const then of afterCommit) await then();
      await eventsRepo.insertSecurityEvent(deps.db, {
        userId: null,
        kind: 'user_deleted',
        details: { user_id: id, by: actor.userId },
        ip: null,
      });
      await revocation.invalidateUser(id);
    },
  };
}
