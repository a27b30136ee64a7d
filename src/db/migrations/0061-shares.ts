/**
 * View-only sharing of a schema or an upload with another user (issue 5: "guest view-only on what
 * is shared with it"). One row per (resource, user). Deleting the user removes its shares (FK);
 * deleting the object removes the shares of it (triggers, since `resource_id` points at one of two
 * tables): an upload is deleted outright, a schema is soft-deleted (`deleted_at` set).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shares')
    .addColumn('resource_type', 'text', (c) => c.notNull().check(sql`resource_type in ('schema', 'upload')`))
    .addColumn('resource_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('shares_pkey', ['resource_type', 'resource_id', 'user_id'])
    .execute();
  // "What is shared with me" (the list endpoints' second branch) reads by user.
  await sql`create index shares_user_idx on shares (user_id, resource_type, resource_id)`.execute(db);

  await sql`create function shares_drop_of_upload() returns trigger language plpgsql as $$
    begin
      delete from shares where resource_type = 'upload' and resource_id = old.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger uploads_drop_shares after delete on uploads
    for each row execute function shares_drop_of_upload()`.execute(db);

  await sql`create function shares_drop_of_schema() returns trigger language plpgsql as $$
    begin
      delete from shares where resource_type = 'schema' and resource_id = old.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger schemas_drop_shares_on_delete after delete on schemas
    for each row execute function shares_drop_of_schema()`.execute(db);
  await sql`create trigger schemas_drop_shares_on_soft_delete after update of deleted_at on schemas
    for each row when (old.deleted_at is null and new.deleted_at is not null)
    execute function shares_drop_of_schema()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists schemas_drop_shares_on_soft_delete on schemas`.execute(db);
  await sql`drop trigger if exists schemas_drop_shares_on_delete on schemas`.execute(db);
  await sql`drop trigger if exists uploads_drop_shares on uploads`.execute(db);
  await sql`drop function if exists shares_drop_of_schema()`.execute(db);
  await sql`drop function if exists shares_drop_of_upload()`.execute(db);
  await db.schema.dropTable('shares').ifExists().execute();
}
