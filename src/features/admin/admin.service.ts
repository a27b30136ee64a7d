/**
 * The admin console's rules: user administration (including service accounts and their tokens)
 * on top of identity's services, roles and grants through access. Routes check `admin.access`.
 */
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../../deps.js';
import { AppError, errors } from '../../lib/app-error.js';
import type { AccessService, PublicApiToken } from '../access/index.js';
import { actorOf, recordAudit, type RequestAuditMeta as AuditMeta } from '../audit/index.js';
import { recordEvent } from '../events/index.js';
import type { AuthContext, IdentityService } from '../identity/index.js';
import * as repo from './admin.repository.js';
import * as accessRepo from '../access/access.repository.js';
import type { AdminUserQuery, NewAdminUserBody, PatchAdminUserBody } from './admin.schemas.js';

export interface AdminUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: 'admin' | 'manager' | 'user' | 'guest';
  kind: 'user' | 'service';
  is_active: boolean;
  grants: string[];
  last_login_at: string | null;
  created_at: string;
}

function toAdminUser(row: repo.AdminUserRow): AdminUser {
  return {
    id: row.id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    role: row.role,
    kind: row.kind,
    is_active: row.is_active,
    grants: row.grants,
    last_login_at: row.last_login_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AdminService {
  /** One user or service account (404 when missing). */
  getUser(id: string): Promise<AdminUser>;
  listUsers(query: AdminUserQuery): Promise<{ results: AdminUser[]; next_cursor: string | null }>;
  createUser(actor: AuthContext, input: NewAdminUserBody, meta: AuditMeta): Promise<AdminUser>;
  updateUser(actor: AuthContext, id: string, patch: PatchAdminUserBody, meta: AuditMeta): Promise<AdminUser>;
  createServiceToken(
    actor: AuthContext,
    id: string,
    input: { name: string; scopes: string[]; expires_at?: string | null },
    meta: AuditMeta,
  ): Promise<PublicApiToken & { token: string }>;
}

export function createAdminService(
  deps: Deps,
  identity: IdentityService,
  access: AccessService,
): AdminService {
  async function requireUser(id: string): Promise<repo.AdminUserRow> {
    const row = UUID.test(id) ? await repo.findAdminUser(deps.db, id) : null;
    if (!row) throw errors.notFound('User');
    return row;
  }

  return {
    getUser: async (id) => toAdminUser(await requireUser(id)),

    async listUsers(query) {
      let afterId: string | null = null;
      if (query.cursor) {
        afterId = Buffer.from(query.cursor, 'base64url').toString('utf8');
        if (!UUID.test(afterId))
          throw errors.validation('The cursor is not valid.', [
            { field: 'cursor', message: 'Not a cursor.' },
          ]);
      }
      const limit = query.limit ?? 20;
      const rows = await repo.listAdminUsers(deps.dbRead, {
        limit,
        afterId,
        email: query.email ?? null,
        role: query.role ?? null,
        kind: query.kind ?? null,
        isActive: query.is_active ?? null,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        results: page.map(toAdminUser),
        next_cursor: rows.length > limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
      };
    },

    async createUser(actor, input, meta) {
      if (input.kind === 'service' && input.password !== undefined) {
        throw errors.validation('A service account has no password; it uses API tokens.', [
          { field: 'password', code: 'not_allowed', message: 'Not allowed for kind "service".' },
        ]);
      }
      if (input.password !== undefined) {
        // identity validates the password and writes user.created in its transaction.
        const created = await identity.accounts.createUser(
          {
            email: input.email,
            password: input.password,
            first_name: input.first_name,
            last_name: input.last_name,
            role: input.role,
          },
          { actor: actorOf(actor), meta },
        );
        return toAdminUser(await requireUser(created.id));
      }
      const row = await deps.db.transaction().execute(async (trx) => {
        const inserted = await accessRepo.insertPasswordlessUser(trx, {
          id: uuidv7(),
          email: input.email.trim(),
          first_name: input.first_name?.trim() ?? '',
          last_name: input.last_name?.trim() ?? '',
          role: input.role,
          kind: input.kind,
        });
        if (!inserted) return null;
        await recordEvent(trx, {
          type: 'user.created',
          userId: inserted.id,
          subjectId: inserted.id,
          data: { user_id: inserted.id, email: inserted.email, role: inserted.role },
        });
        await recordAudit(trx, {
          action: 'user.created',
          actor: actorOf(actor),
          target: { type: 'user', id: inserted.id },
          meta,
          details: { email: inserted.email, role: inserted.role, kind: inserted.kind },
        });
        return inserted;
      });
      if (!row) throw errors.conflict('A user with this email already exists.');
      return toAdminUser(await requireUser(row.id));
    },

    async updateUser(actor, id, patch, meta) {
      const before = await requireUser(id);
      if (patch.grants) access.assertPermissions('grants', patch.grants);
      if (patch.role !== undefined || patch.is_active !== undefined) {
        // identity applies the change, ends sessions on deactivation and audits it, in one transaction.
        await identity.users.update(
          actor,
          id,
          {
            ...(patch.role !== undefined ? { role: patch.role } : {}),
            ...(patch.is_active !== undefined ? { is_active: patch.is_active } : {}),
          },
          meta,
        );
      }
      const deactivated = before.is_active && patch.is_active === false;
      if (deactivated || patch.grants) {
        await deps.db.transaction().execute(async (trx) => {
          if (deactivated) {
            // Tokens already fail (identity's user state says inactive); revoking them keeps them
            // dead if the account is ever reactivated.
            const revoked = await access.tokens.revokeAllOf(trx, id);
            await recordAudit(trx, {
              action: 'admin.tokens_revoked',
              actor: actorOf(actor),
              target: { type: 'user', id },
              meta,
              details: { revoked, reason: 'deactivated' },
            });
          }
          if (patch.grants) {
            const grants = [...new Set(patch.grants)].sort();
            await accessRepo.replaceGrants(trx, id, grants);
            await recordAudit(trx, {
              action: 'admin.grants_changed',
              actor: actorOf(actor),
              target: { type: 'user', id },
              meta,
              details: { from: before.grants, to: grants },
            });
          }
        });
        if (deactivated) await access.tokens.forgetUser(id);
        if (patch.grants) await access.permissions.grantsChanged(id);
      }
      return toAdminUser(await requireUser(id));
    },

    async createServiceToken(actor, id, input, meta) {
      const target = await requireUser(id);
      if (target.kind !== 'service') {
        throw new AppError(
          409,
          'conflict',
          'Tokens are created here for service accounts only; users create their own.',
        );
      }
      if (!target.is_active) throw new AppError(409, 'conflict', 'The service account is deactivated.');
      access.assertPermissions('scopes', input.scopes);
      return access.tokens.create(actor, id, input, meta);
    },
  };
}
