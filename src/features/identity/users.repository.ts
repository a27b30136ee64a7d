/** SQL for the users table. Functions take `db` or a transaction first. */
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../../db/database.js';
import { fixedStatement, runFixed, type FixedStatement } from '../../db/prepared.js';
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

const quoted = (columns: readonly string[]): string => columns.map((c) => `"${c}"`).join(', ');
/** `$from, $from+1, …` for `count` values. */
const params = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/**
 * The login path's two statements are fixed SQL text (db/prepared.ts `runFixed`), sent by name:
 * planned once per connection, and no query builder runs per login.
 */
const FIND_BY_EMAIL = fixedStatement(`select ${quoted(USER_COLUMNS)} from "users" where lower(email) = $1`);

/** The login path's lookup (email compared lower-cased). */
export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | null> {
  const rows = await runFixed<UserRow>(db, FIND_BY_EMAIL, [email.toLowerCase()]);
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

/** The audit columns a login writes, in the statement's order (every field of NewAuditRow). */
const AUDIT_COLUMNS = [
  'id',
  'action',
  'actor_user_id',
  'actor_token_id',
  'actor_kind',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'request_id',
  'details',
] as const satisfies readonly (keyof NewAuditRow)[];
/** The refresh-token columns a login writes, in order (every field of NewRefreshToken). */
const TOKEN_COLUMNS = [
  'id',
  'token_hash',
  'family_id',
  'user_id',
  'parent_id',
  'family_expires_at',
] as const satisfies readonly (keyof NewRefreshToken)[];
// Fail to compile when a field is added to a row type but not to its list above.
const everyLoginField: [
  Exclude<keyof NewAuditRow, (typeof AUDIT_COLUMNS)[number]>,
  Exclude<keyof NewRefreshToken, (typeof TOKEN_COLUMNS)[number]>,
] extends [never, never]
  ? true
  : never = true;
void everyLoginField;

/**
 * One login's writes as one statement: the last-login time (and, with `rehash`, the new password
 * hash as $2), the audit row, the session's first refresh token. Two shapes, each prepared once.
 */
function loginStatement(rehash: boolean): FixedStatement {
  const audit = rehash ? 3 : 2;
  const token = audit + AUDIT_COLUMNS.length;
  return fixedStatement(
    `with "touched" as (update "users" set "last_login_at" = now()${rehash ? ', "password_hash" = $2' : ''} ` +
      'where "id" = $1 returning "id"), ' +
      `"audited" as (insert into "audit_events" (${quoted(AUDIT_COLUMNS)}) ` +
      `values (${params(audit, AUDIT_COLUMNS.length)}) returning "id") ` +
      `insert into "refresh_tokens" (${quoted(TOKEN_COLUMNS)}) values (${params(token, TOKEN_COLUMNS.length)})`,
  );
}
const RECORD_LOGIN = loginStatement(false);
const RECORD_LOGIN_REHASHED = loginStatement(true);

/**
 * Writes a successful login in one statement (one round trip, one commit): the last-login time
 * (and the rehashed password, if any), its audit row and the new session's first refresh token.
 * PostgreSQL runs every data-modifying CTE to completion, so all three commit or none does.
 */
export async function recordLogin(db: Executor, login: LoginWrite): Promise<void> {
  const values: unknown[] = [login.id];
  if (login.newPasswordHash !== null) values.push(login.newPasswordHash);
  for (const column of AUDIT_COLUMNS) values.push(login.audit[column]);
  for (const column of TOKEN_COLUMNS) values.push(login.refreshToken[column]);
  await runFixed(db, login.newPasswordHash !== null ? RECORD_LOGIN_REHASHED : RECORD_LOGIN, values);
}

/** SQL types of the login's columns, for the batched statement's arrays. */
const AUDIT_TYPES = {
  id: 'uuid',
  action: 'text',
  actor_user_id: 'uuid',
  actor_token_id: 'uuid',
  actor_kind: 'text',
  target_type: 'text',
  target_id: 'text',
  ip: 'text',
  user_agent: 'text',
  request_id: 'text',
  details: 'jsonb',
} as const satisfies Record<(typeof AUDIT_COLUMNS)[number], string>;
const TOKEN_TYPES = {
  id: 'uuid',
  token_hash: 'bytea',
  family_id: 'uuid',
  user_id: 'uuid',
  parent_id: 'uuid',
  family_expires_at: 'timestamptz',
} as const satisfies Record<(typeof TOKEN_COLUMNS)[number], string>;

/** `unnest($from::t1[], $from+1::t2[], …)`: one array parameter per column, zipped into rows. */
const unnestOf = (from: number, types: readonly string[]): string =>
  `unnest(${types.map((t, i) => `$${from + i}::${t}[]`).join(', ')})`;

/**
 * Several logins' writes as one statement: the same three writes as RECORD_LOGIN, each column
 * sent as an array. A user twice in the batch gets one last-login update (the same time).
 */
const RECORD_LOGINS = (() => {
  const audit = 3;
  const token = audit + AUDIT_COLUMNS.length;
  return fixedStatement(
    `with "touched" as (update "users" as u set "last_login_at" = now(), ` +
      `"password_hash" = coalesce(l."password_hash", u."password_hash") ` +
      `from (select distinct on ("id") * from unnest($1::uuid[], $2::text[]) as t("id", "password_hash") ` +
      `order by "id", "password_hash" nulls last) as l where u."id" = l."id" returning u."id"), ` +
      `"audited" as (insert into "audit_events" (${quoted(AUDIT_COLUMNS)}) ` +
      `select * from ${unnestOf(
        audit,
        AUDIT_COLUMNS.map((c) => AUDIT_TYPES[c]),
      )} returning "id") ` +
      `insert into "refresh_tokens" (${quoted(TOKEN_COLUMNS)}) ` +
      `select * from ${unnestOf(
        token,
        TOKEN_COLUMNS.map((c) => TOKEN_TYPES[c]),
      )}`,
  );
})();

/** One successful login's writes (see `recordLogin`). */
export interface LoginWrite {
  id: string;
  newPasswordHash: string | null;
  audit: NewAuditRow;
  refreshToken: NewRefreshToken;
}

/**
 * Writes several successful logins in one statement (one round trip, one commit): all of them
 * or, when any row fails (say a user deleted meanwhile), none.
 */
export async function recordLogins(db: Executor, logins: readonly LoginWrite[]): Promise<void> {
  if (logins.length === 0) return;
  const values: unknown[] = [logins.map((l) => l.id), logins.map((l) => l.newPasswordHash)];
  for (const column of AUDIT_COLUMNS) values.push(logins.map((l) => l.audit[column]));
  for (const column of TOKEN_COLUMNS) values.push(logins.map((l) => l.refreshToken[column]));
  await runFixed(db, RECORD_LOGINS, values);
}

export async function deleteUser(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
