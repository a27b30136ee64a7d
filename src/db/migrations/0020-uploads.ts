/** Uploads: the uploaded files with their latest validation result, and the stored issues. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // No foreign key to schemas: an upload keeps its report when its schema is deleted.
    .addColumn('schema_id', 'uuid', (c) => c.notNull())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('xlsx', 'csv')`))
    .addColumn('sheet', 'text')
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('annotated_key', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'validating', 'valid', 'invalid', 'failed')`),
    )
    .addColumn('run_id', 'uuid', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result_attempt', 'integer')
    .addColumn('progress_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_total', 'bigint')
    .addColumn('rows_valid', 'bigint')
    .addColumn('rows_invalid', 'bigint')
    .addColumn('error_count', 'bigint')
    .addColumn('errors_by_code', 'jsonb')
    .addColumn('errors_stored', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // The list: own uploads, newest first, by id (UUID v7 sorts by creation time).
  await db.schema.createIndex('uploads_user_id_id_idx').on('uploads').columns(['user_id', 'id']).execute();
  // Idempotency-Key is scoped to the user: one upload per (user, key).
  await sql`create unique index uploads_user_idempotency_key on uploads (user_id, idempotency_key)
            where idempotency_key is not null`.execute(db);

  await db.schema
    .createTable('upload_errors')
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('uploads.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('column', 'text')
    .addColumn('cell', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    // The primary key makes a replayed attempt fail loudly instead of duplicating issues.
    .addPrimaryKeyConstraint('upload_errors_pkey', ['upload_id', 'attempt', 'seq'])
    .execute();
  await db.schema
    .createIndex('upload_errors_code_idx')
    .on('upload_errors')
    .columns(['upload_id', 'attempt', 'code', 'seq'])
    .execute();
  await db.schema
    .createIndex('upload_errors_column_idx')
    .on('upload_errors')
    .columns(['upload_id', 'attempt', 'column', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('upload_errors').ifExists().execute();
  await db.schema.dropTable('uploads').ifExists().execute();
}
