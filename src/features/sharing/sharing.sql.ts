/**
 * SQL fragments other features' repositories use to include what is shared with a user (view-only)
 * in their visibility rules. SQL only: no other feature is imported.
 */
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { ShareResourceType } from '../../db/tables/access.js';

type Executor = Db | Transaction<Database>;

/** True when the object whose id is in column `idColumn` (e.g. `schemas.id`) is shared with `userId`. */
export function sharedWithSql(
  type: ShareResourceType,
  idColumn: string,
  userId: string,
): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from shares sh
    where sh.resource_type = ${type} and sh.resource_id = ${sql.ref(idColumn)} and sh.user_id = ${userId})`;
}

/** The ids of the objects of `type` shared with `userId`, as a subquery (`where id in (…)`). */
export function sharedIdsQuery(executor: Executor, type: ShareResourceType, userId: string) {
  return executor
    .selectFrom('shares')
    .select('shares.resource_id')
    .where('shares.user_id', '=', userId)
    .where('shares.resource_type', '=', type);
}
