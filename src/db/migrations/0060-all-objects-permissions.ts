/**
 * "Everyone's objects" becomes a permission instead of a role check: `upload.all`, `schema.all`
 * and `webhook.all` (the per-action permissions a caller holds on that resource apply to every
 * user's objects, not only its own). Admin and manager held that right by role until now, so they
 * get the codenames; admin must keep every codename (PUT /api/v1/admin/roles enforces it).
 */
import { sql, type Kysely } from 'kysely';

/** Frozen copy of the codenames at the time of this migration. */
const ADDED = ['upload.all', 'schema.all', 'webhook.all'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update roles
    set permissions = array(select distinct p from unnest(permissions || ${ADDED}::text[]) as p order by p),
        updated_at = now()
    where name in ('admin', 'manager')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update roles
    set permissions = array(select p from unnest(permissions) as p where p <> all(${ADDED}::text[]) order by p),
        updated_at = now()`.execute(db);
  await sql`delete from user_grants where permission = any(${ADDED}::text[])`.execute(db);
}
