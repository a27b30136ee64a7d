/**
 * The permission answer as SQL, for queries that run without a request (background jobs resolving
 * an upload's schema for its owner): the user's role permissions ∪ its grants, as stored. With a
 * request, use `actsOnAllObjects(auth, …)` instead: it also narrows by an API token's scopes.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Permission } from './permissions.js';

export function userHoldsSql(userId: string, permission: Permission): RawBuilder<boolean> {
  return sql<boolean>`(exists (select 1 from users hu join roles hr on hr.name = hu.role
      where hu.id = ${userId} and ${permission} = any(hr.permissions))
    or exists (select 1 from user_grants hg where hg.user_id = ${userId} and hg.permission = ${permission}))`;
}
