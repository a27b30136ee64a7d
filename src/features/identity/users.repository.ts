/** SQL for the users table. Functions take `db` or a transaction first. */
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../../db/database.js';
import { executePrepared } from '../../db/prepared.js';
import type { UsersTable, UserRole } from '../../db/tables/identity.js';
import type { NewAuditRow } from '../audit/index.js';
import type { NewRefreshToken } from './refresh-tokens.repository.js';

export type UserRow = Selectable<UsersTable>;
type Executor = Kysely<Database>;

export interface NewUserRow {
  id: string;
  email: string;
  password_hash: string | null;
  first_name?: string;
  last_name?: string;
  role?: UserRole;
}

/** Inserts a user, or returns null when the email (case-insensitively) is taken. */
export async function insertUser(db: Executor, user: NewUserRow): Promise<UserRow | null> {
  return (
    (await db
      .insertInto('users')
      .values(user)
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | null> {
  return (await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Every column of `users`, listed (a prepared statement must not select `*`; see db/prepared.ts). */
const USER_COLUMNS = [
  'id',
  'email',
  'password_hash',
  'first_name',
  'last_name',
  'role',
  'is_active',
  'email_verified_at',
  'last_login_at',
  'created_at',
  'updated_at',
  'tokens_valid_after',
  'kind',
] as const satisfies readonly (keyof UsersTable)[];
// Fails to compile when a column is added to UsersTable but not to the list above.
const everyUserColumn: Exclude<keyof UsersTable, (typeof USER_COLUMNS)[number]> extends never ? true : never =
  true;
void everyUserColumn;

/** The login path's lookup: a named prepared statement, planned once per connection. */
export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | null> {
  const query = db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where(sql`lower(email)`, '=', email.toLowerCase());
  const { rows } = await executePrepared(db, query);
  return rows[0] ?? null;
}

export interface UserListFilter {
  limit: number;
  afterId: string | null;
  emailContains: string | null;
  role: UserRole | null;
  isActive: boolean | null;
}

/** A page ordered by id (UUID v7, so by creation time); fetches one extra row to know if more follow. */
export async function listUsers(db: Executor, filter: UserListFilter): Promise<UserRow[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.afterId) query = query.where('id', '>', filter.afterId);
  if (filter.emailContains) {
    const pattern = `%${filter.emailContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('email', 'ilike', pattern);
  }
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.isActive !== null) query = query.where('is_active', '=', filter.isActive);
  return query.execute();
}

export async function updateUser(
  db: Executor,
  id: string,
  patch: Updateable<UsersTable>,
): Promise<UserRow | null> {
  return (
    (await db
      .updateTable('users')
      .set({ ...patch, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

/**
 * Invalidates every token issued so far: tokens carry whole-second `iat`, so the cut-off is the
 * next whole second, and tokens issued afterwards get an `iat` at or after it.
 */
export async function bumpTokensValidAfter(db: Executor, id: string): Promise<Date | null> {
  const row = await db
    .updateTable('users')
    .set({
      tokens_valid_after: sql<Date>`date_trunc('second', now()) + interval '1 second'`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning('tokens_valid_after')
    .executeTakeFirst();
  return row?.tokens_valid_after ?? null;
}

/**
 * Writes a successful login in one statement (one round trip, one commit): the last-login time
 * (and the rehashed password, if any), its audit row and the new session's first refresh token.
 * PostgreSQL runs every data-modifying CTE to completion, so all three commit or none does.
 */
export async function recordLogin(
  db: Executor,
  login: { id: string; newPasswordHash: string | null; audit: NewAuditRow; refreshToken: NewRefreshToken },
): Promise<void> {
  const statement = db
    .with('touched', (qb) =>
      qb
        .updateTable('users')
        .set(
          login.newPasswordHash
            ? { last_login_at: sql<Date>`now()`, password_hash: login.newPasswordHash }
            : { last_login_at: sql<Date>`now()` },
        )
        .where('id', '=', login.id)
        .returning('id'),
    )
    .with('audited', (qb) => qb.insertInto('audit_events').values(login.audit).returning('id'))
    .insertInto('refresh_tokens')
    .values(login.refreshToken);
  // Prepared: one of the two statements of every login (two shapes: with and without a rehash).
  await executePrepared(db, statement);
}

export async function deleteUser(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
