/**
 * The access feature's entry point: permission resolution, API tokens, roles and grants, and the
 * authenticators identity tries before its JWT one. Create one per process (buildApp does).
 */
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit, type AuditMeta } from '../audit/index.js';
import type { AuthContext, Authenticator, IdentityService } from '../identity/index.js';
import { accessErrors } from './access.errors.js';
import * as repo from './access.repository.js';
import { apiTokenAuthenticator, basicAuthenticator } from './authenticators.js';
import { createApiTokens, type ApiTokens } from './api-tokens.service.js';
import { ALL_PERMISSIONS, unknownPermissions } from './permissions.js';
import { createPermissionResolver, type PermissionResolver } from './permissions.service.js';

export interface PublicRole {
  name: string;
  description: string;
  permissions: string[];
  updated_at: string;
}

export interface RoleChange {
  name: string;
  permissions: string[];
  description?: string;
}

/**
 * A roles change removing more than this many permissions in total, or leaving a role that had
 * some with none, is refused (409 `confirmation_required`) unless sent with `confirm`: an empty
 * form must not silently strip every permission.
 */
export const UNCONFIRMED_REMOVALS_MAX = 5;

/** What each role of `changes` would lose, for the confirmation step. */
export interface RoleLoss {
  role: string;
  removed: string[];
  emptied: boolean;
}

export interface AccessService {
  readonly permissions: PermissionResolver;
  readonly tokens: ApiTokens;
  /** For identity's `authenticators` option: API tokens, and Basic when enabled (development). */
  readonly authenticators: readonly Authenticator[];
  /** 422 naming `field` unless every value is a known codename. */
  assertPermissions(field: string, values: readonly string[]): void;
  listRoles(): Promise<PublicRole[]>;
  /**
   * Replaces the permissions of the given roles in one transaction (audited, then broadcast).
   * Without `confirm`, a large removal (see UNCONFIRMED_REMOVALS_MAX) is a 409 naming the losses.
   */
  updateRoles(
    actor: AuthContext,
    changes: readonly RoleChange[],
    meta: AuditMeta,
    options?: { confirm?: boolean },
  ): Promise<PublicRole[]>;
  grantsOf(userId: string): Promise<string[]>;
  close(): Promise<void>;
}

function toPublicRole(row: repo.RoleRow): PublicRole {
  return {
    name: row.name,
    description: row.description,
    permissions: [...row.permissions].sort(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function createAccess(deps: Deps, identity: IdentityService): AccessService {
  const permissions = createPermissionResolver(deps);
  const tokens = createApiTokens(deps, identity);
  const basicOn = deps.config.basicAuth && deps.config.env === 'development';
  const authenticators: Authenticator[] = [apiTokenAuthenticator(tokens)];
  if (basicOn) authenticators.push(basicAuthenticator(deps, identity));

  function assertPermissions(field: string, values: readonly string[]): void {
    const unknown = unknownPermissions(values);
    if (unknown.length > 0) throw accessErrors.unknownPermissions(field, unknown);
  }

  return {
    permissions,
    tokens,
    authenticators,
    assertPermissions,

    async listRoles() {
      return (await repo.listRoles(deps.db)).map(toPublicRole);
    },

    async updateRoles(actor, changes, meta, options = {}) {
      for (const [i, change] of changes.entries())
        assertPermissions(`roles[${i}].permissions`, change.permissions);
      // The admin role always holds everything: no API call can leave nobody able to undo it.
      if (changes.some((c) => c.name === 'admin' && ALL_PERMISSIONS.some((p) => !c.permissions.includes(p))))
        throw accessErrors.adminRoleLocked();
      const rows = await deps.db.transaction().execute(async (trx) => {
        if (!options.confirm) {
          const current = new Map((await repo.listRoles(trx)).map((r) => [r.name, r.permissions]));
          const losses: RoleLoss[] = [];
          for (const change of changes) {
            const before = current.get(change.name) ?? [];
            const removed = before.filter((p) => !change.permissions.includes(p)).sort();
            const emptied = before.length > 0 && change.permissions.length === 0;
            if (removed.length > 0) losses.push({ role: change.name, removed, emptied });
          }
          const total = losses.reduce((n, l) => n + l.removed.length, 0);
          if (total > UNCONFIRMED_REMOVALS_MAX || losses.some((l) => l.emptied))
            throw accessErrors.confirmationRequired(losses);
        }
        for (const change of changes) {
          const permissionsList = [...new Set(change.permissions)].sort();
          const updated = await repo.updateRole(trx, change.name, {
            permissions: permissionsList,
            ...(change.description !== undefined ? { description: change.description } : {}),
          });
          if (!updated) throw accessErrors.roleNotFound(change.name);
          await recordAudit(trx, {
            action: 'admin.role_updated',
            actor: actorOf(actor),
            target: { type: 'role', id: change.name },
            meta,
            details: { permissions: permissionsList },
          });
        }
        return repo.listRoles(trx);
      });
      await permissions.rolesChanged();
      return rows.map(toPublicRole);
    },

    grantsOf: async (userId) => [...(await permissions.grantsOf(userId))].sort(),

    close: () => tokens.close(),
  };
}
