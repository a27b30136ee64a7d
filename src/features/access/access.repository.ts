/** SQL for roles, grants and API tokens. Functions take `db` or a transaction first. */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../db/database.js';
import type { ApiTokensTable, RolesTable } from '../../db/tables/access.js';
import type { UserKind, UserRole } from '../../db/tables/identity.js';

type Executor = Kysely<Database>;
export type RoleRow = Selectable<RolesTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

export async function listRoles(db: Executor): Promise<RoleRow[]> {
  return db.selectFrom('roles').selectAll().orderBy('name').execute();
}

export async function updateRole(
  db: Executor,
  name: string,
  change: { permissions: string[]; description?: string },
): Promise<RoleRow | null> {
  return (
    (await db
      .updateTable('roles')
      .set({
        permissions: change.permissions,
        ...(change.description !== undefined ? { description: change.description } : {}),
        updated_at: sql`now()`,
      })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

export async function listGrants(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('user_grants')
    .select('permission')
    .where('user_id', '=', userId)
    .orderBy('permission')
    .execute();
  return rows.map((r) => r.permission);
}

/** Replaces a user's grants with `permissions`. */
export async function replaceGrants(db: Executor, userId: string, permissions: string[]): Promise<void> {
  await db.deleteFrom('user_grants').where('user_id', '=', userId).execute();
  if (permissions.length > 0) {
    await db
      .insertInto('user_grants')
      .values(permissions.map((permission) => ({ user_id: userId, permission })))
      .execute();
  }
}

export async function insertToken(db: Executor, row: Insertable<ApiTokensTable>): Promise<ApiTokenRow> {
  return db.insertInto('api_tokens').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findTokenByHash(db: Executor, hash: Buffer): Promise<ApiTokenRow | null> {
  return (
    (await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()) ?? null
  );
}

/** A user's live (not revoked) tokens, newest first. */
export async function listTokens(db: Executor, userId: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'desc')
    .execute();
}

/** Revokes one token of `userId` (any user's when null); returns it, or null if none matched. */
export async function revokeToken(
  db: Executor,
  id: string,
  userId: string | null,
): Promise<ApiTokenRow | null> {
  let query = db
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  if (userId !== null) query = query.where('user_id', '=', userId);
  return (await query.returningAll().executeTakeFirst()) ?? null;
}

/** Revokes every live token of a user; returns how many. */
export async function revokeUserTokens(db: Executor, userId: string): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One statement for a whole batch of last-used times (the batched touch). */
export async function touchTokens(db: Executor, uses: ReadonlyMap<string, Date>): Promise<void> {
  if (uses.size === 0) return;
  const ids = [...uses.keys()];
  const times = ids.map((id) => (uses.get(id) as Date).toISOString());
  await sql`
    update api_tokens t set last_used_at = greatest(coalesce(t.last_used_at, u.at), u.at)
    from unnest(${ids}::uuid[], ${times}::timestamptz[]) as u(id, at)
    where t.id = u.id`.execute(db);
}

export interface NewServiceOrUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: UserRole;
  kind: UserKind;
}

/** Admin-created user without a password (service accounts; users who set one later). Null if the email is taken. */
export async function insertPasswordlessUser(db: Executor, user: NewServiceOrUser) {
  return (
    (await db
      .insertInto('users')
      .values({ ...user, password_hash: null })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

/** For HTTP Basic (development only): the password hash and state behind an email. */
export async function findLoginByEmail(db: Executor, email: string) {
  return (
    (await db
      .selectFrom('users')
      .select(['id', 'password_hash', 'is_active', 'kind'])
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst()) ?? null
  );
}
