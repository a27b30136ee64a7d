/** AI review: call log, response cache, confirmed header mappings, anomaly reviews and findings. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ai_calls')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    // Calls outlive their user and upload: the spend stays accounted.
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('upload_id', 'uuid')
    .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_read_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_creation_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_usd', sql`numeric(12,6)`, (c) => c.notNull().defaultTo(0))
    .addColumn('latency_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('request_bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await sql`create index ai_calls_created_at_idx on ai_calls (created_at)`.execute(db);
  await sql`create index ai_calls_upload_id_idx on ai_calls (upload_id) where upload_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('ai_cache')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('output', 'jsonb', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_hit_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('schema_header_mappings')
    .addColumn('schema_id', 'uuid', (c) => c.notNull().references('schemas.id').onDelete('cascade'))
    .addColumn('header_key', 'text', (c) => c.notNull())
    .addColumn('header', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('confirmed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('schema_header_mappings_pkey', ['schema_id', 'header_key'])
    .execute();

  await db.schema
    .createTable('ai_reviews')
    .addColumn('upload_id', 'uuid', (c) => c.primaryKey().references('uploads.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('rows_reviewed', 'integer', (c) => c.notNull())
    .addColumn('columns_sent', 'jsonb', (c) => c.notNull())
    .addColumn('findings_count', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ai_findings')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('uploads.id').onDelete('cascade'))
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('column', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().defaultTo('warning'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index ai_findings_upload_id_idx on ai_findings (upload_id, row)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ai_findings', 'ai_reviews', 'schema_header_mappings', 'ai_cache', 'ai_calls']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
