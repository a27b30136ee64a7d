/** SQL of the sharing feature (the `shares` table). Rows are mapped to API objects in the service. */
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { ShareResourceType } from '../../db/tables/access.js';

export type Executor = Db | Transaction<Database>;

export interface ShareRow {
  user_id: string;
  email: string;
  first_name: string;
  last_name: string;
  created_by: string | null;
  created_at: Date;
}

export interface ShareTarget {
  type: ShareResourceType;
  id: string;
}

export async function isSharedWith(
  executor: Executor,
  target: ShareTarget,
  userId: string,
): Promise<boolean> {
  const row = await executor
    .selectFrom('shares')
    .select('user_id')
    .where('resource_type', '=', target.type)
    .where('resource_id', '=', target.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The users an object is shared with (or the one share with `userId`), oldest share first. */
export async function listShares(
  executor: Executor,
  target: ShareTarget,
  userId?: string,
): Promise<ShareRow[]> {
  let query = executor
    .selectFrom('shares')
    .innerJoin('users', 'users.id', 'shares.user_id')
    .select([
      'shares.user_id',
      'users.email',
      'users.first_name',
      'users.last_name',
      'shares.created_by',
      'shares.created_at',
    ])
    .where('shares.resource_type', '=', target.type)
    .where('shares.resource_id', '=', target.id)
    .orderBy('shares.created_at')
    .orderBy('shares.user_id');
  if (userId !== undefined) query = query.where('shares.user_id', '=', userId);
  return query.execute();
}

/** Inserts the share; false when it exists already. */
export async function insertShare(
  trx: Transaction<Database>,
  target: ShareTarget,
  userId: string,
  createdBy: string,
): Promise<boolean> {
  const result = await trx
    .insertInto('shares')
    .values({ resource_type: target.type, resource_id: target.id, user_id: userId, created_by: createdBy })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function deleteShare(
  trx: Transaction<Database>,
  target: ShareTarget,
  userId: string,
): Promise<boolean> {
  const result = await trx
    .deleteFrom('shares')
    .where('resource_type', '=', target.type)
    .where('resource_id', '=', target.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A user to share with, by email (case-insensitive, like identity's unique index) or id. */
export async function findUser(
  executor: Executor,
  by: { email: string } | { id: string },
): Promise<{ id: string; kind: string; is_active: boolean } | undefined> {
  let query = executor.selectFrom('users').select(['id', 'kind', 'is_active']);
  query =
    'email' in by
      ? query.where(sql`lower(email)`, '=', by.email.trim().toLowerCase())
      : query.where('id', '=', by.id);
  return query.executeTakeFirst();
}
