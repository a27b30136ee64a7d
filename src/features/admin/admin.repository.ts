/** SQL for the admin console's user list (with kind and grants). */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { UserKind, UserRole } from '../../db/tables/identity.js';

type Executor = Kysely<Database>;

export interface AdminUserFilter {
  limit: number;
  afterId: string | null;
  email: string | null;
  role: UserRole | null;
  kind: UserKind | null;
  isActive: boolean | null;
}

const columns = [
  'users.id',
  'users.email',
  'users.first_name',
  'users.last_name',
  'users.role',
  'users.kind',
  'users.is_active',
  'users.last_login_at',
  'users.created_at',
] as const;

function withGrants(db: Executor) {
  return db
    .selectFrom('users')
    .select(columns)
    .select(
      sql<
        string[]
      >`coalesce((select array_agg(g.permission order by g.permission) from user_grants g where g.user_id = users.id), '{}')`.as(
        'grants',
      ),
    );
}

export type AdminUserRow = Awaited<ReturnType<ReturnType<typeof withGrants>['executeTakeFirstOrThrow']>>;

export async function listAdminUsers(db: Executor, f: AdminUserFilter): Promise<AdminUserRow[]> {
  let query = withGrants(db)
    .orderBy('users.id')
    .limit(f.limit + 1);
  if (f.afterId) query = query.where('users.id', '>', f.afterId);
  if (f.email)
    query = query.where(
      sql`lower(users.email)`,
      'like',
      `%${f.email.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`,
    );
  if (f.role) query = query.where('users.role', '=', f.role);
  if (f.kind) query = query.where('users.kind', '=', f.kind);
  if (f.isActive !== null) query = query.where('users.is_active', '=', f.isActive);
  return query.execute();
}

export async function findAdminUser(db: Executor, id: string): Promise<AdminUserRow | null> {
  return (await withGrants(db).where('users.id', '=', id).executeTakeFirst()) ?? null;
}
