/**
 * The header mapping an upload was validated with (the schema's confirmed mappings at the time),
 * so re-reading its rows and reviewing them later use the same mapping and "valid" means the same
 * everywhere, even after someone changes the schema's mappings.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('header_mapping', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('header_mapping').execute();
}
