/**
 * The append-only audit log. A trigger rejects UPDATE and DELETE on `audit_events` so no code path
 * (a bug, an injected query through the app's role) can rewrite history. The one exception is the
 * retention cleanup, which sets the transaction-local `intake.audit_retention` to `on` and may then
 * delete rows older than the retention window only. (A database superuser can still disable the
 * trigger: the guarantee is against the application, not against the DBA.)
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'uuid')
    .addColumn('actor_token_id', 'uuid')
    .addColumn('actor_kind', 'text', (c) =>
      c.notNull().check(sql`actor_kind in ('user', 'service', 'token', 'anonymous', 'system')`),
    )
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('request_id', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  // No foreign keys on purpose: deleting a user must neither fail nor rewrite its audit trail.
  await sql`create index audit_events_created_at_idx on audit_events (created_at, id)`.execute(db);
  await sql`create index audit_events_actor_idx on audit_events (actor_user_id, created_at)`.execute(db);
  await sql`create index audit_events_action_idx on audit_events (action, created_at)`.execute(db);

  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and coalesce(current_setting('intake.audit_retention', true), '') = 'on' then
        return old;
      end if;
      raise exception 'audit_events is append-only (% rejected)', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  // TRUNCATE bypasses row triggers; block it as well.
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_events').ifExists().execute();
  await sql`drop function if exists audit_events_append_only()`.execute(db);
}
