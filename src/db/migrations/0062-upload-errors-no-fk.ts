/**
 * `upload_errors.upload_id` loses its foreign key. The key's check (a lookup and a row lock on
 * `uploads` for every stored issue) cost PostgreSQL ~0.15–0.2 s of CPU per 50k issues during COPY,
 * on the same two cores the engine validates on.
 *
 * Its guarantee stays, from two cheaper places:
 * - deleting uploads (the API and web delete, the cascade from deleting a user, any future path)
 *   deletes their issues in the same statement, by this statement-level trigger: one
 *   `DELETE … USING` over the transition table per statement, the same index work as the
 *   cascade's per-row deletes;
 * - the issue COPY (upload-errors.copy.ts) locks the upload row `FOR KEY SHARE` once per chunk
 *   transaction, as the key did once per row, so a chunk cannot commit issues of an upload that
 *   is being or has been deleted.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table upload_errors drop constraint if exists upload_errors_upload_id_fkey`.execute(db);
  // Issues left by a delete that raced a chunk before this migration would be orphans: none should
  // exist (the key forbade them), but make sure.
  await sql`delete from upload_errors e where not exists (select 1 from uploads u where u.id = e.upload_id)`.execute(
    db,
  );
  await sql`create function upload_errors_drop_of_uploads() returns trigger language plpgsql as $$
    begin
      delete from upload_errors e using gone where e.upload_id = gone.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger uploads_drop_upload_errors after delete on uploads
    referencing old table as gone
    for each statement execute function upload_errors_drop_of_uploads()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists uploads_drop_upload_errors on uploads`.execute(db);
  await sql`drop function if exists upload_errors_drop_of_uploads()`.execute(db);
  await sql`delete from upload_errors e where not exists (select 1 from uploads u where u.id = e.upload_id)`.execute(
    db,
  );
  await sql`alter table upload_errors add constraint upload_errors_upload_id_fkey
    foreign key (upload_id) references uploads (id) on delete cascade`.execute(db);
}
