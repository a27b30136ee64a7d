/** SQL of the schemas feature. Rows are mapped to API objects in the service. */
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';

type Executor = Db | Transaction<Database>;

export interface SchemaRow {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  current_version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface VersionRow {
  schema_id: string;
  version: number;
  definition: Record<string, unknown>;
  created_by: string | null;
  created_at: Date;
}

/** Admins and managers see every schema (issue 5's object rules); everyone else only their own. */
function visibleTo(userId: string) {
  return sql<boolean>`(schemas.owner_id = ${userId} or exists (select 1 from users u where u.id = ${userId} and u.role in ('admin', 'manager')))`;
}

export async function insertSchema(
  trx: Transaction<Database>,
  row: { id: string; ownerId: string; name: string; description: string },
): Promise<SchemaRow> {
  return trx
    .insertInto('schemas')
    .values({
      id: row.id,
      owner_id: row.ownerId,
      name: row.name,
      description: row.description,
      current_version: 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertVersion(
  trx: Transaction<Database>,
  row: { schemaId: string; version: number; definition: unknown; createdBy: string },
): Promise<VersionRow> {
  return trx
    .insertInto('schema_versions')
    .values({
      schema_id: row.schemaId,
      version: row.version,
      definition: JSON.stringify(row.definition),
      created_by: row.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A live (not deleted) schema the user may see, optionally locked for an update. */
export async function findVisibleSchema(
  executor: Executor,
  id: string,
  userId: string,
  options: { forUpdate?: boolean; includeDeleted?: boolean } = {},
): Promise<SchemaRow | undefined> {
  let query = executor.selectFrom('schemas').selectAll().where('id', '=', id).where(visibleTo(userId));
  if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findVersion(
  executor: Executor,
  schemaId: string,
  version: number,
): Promise<VersionRow | undefined> {
  return executor
    .selectFrom('schema_versions')
    .selectAll()
    .where('schema_id', '=', schemaId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function updateSchemaHead(
  trx: Transaction<Database>,
  id: string,
  patch: { name: string; description: string; version: number },
): Promise<SchemaRow> {
  return trx
    .updateTable('schemas')
    .set({
      name: patch.name,
      description: patch.description,
      current_version: patch.version,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function softDeleteSchema(executor: Executor, id: string): Promise<boolean> {
  const result = await executor
    .updateTable('schemas')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Live schemas the user may see, by id (creation order), with their latest definitions. */
export async function listSchemas(
  executor: Executor,
  userId: string,
  options: { limit: number; afterId: string | null },
): Promise<(SchemaRow & { definition: Record<string, unknown> })[]> {
  let query = executor
    .selectFrom('schemas')
    .innerJoin('schema_versions as v', (join) =>
      join.onRef('v.schema_id', '=', 'schemas.id').onRef('v.version', '=', 'schemas.current_version'),
    )
    .selectAll('schemas')
    .select('v.definition')
    .where('schemas.deleted_at', 'is', null)
    .where(visibleTo(userId))
    .orderBy('schemas.id')
    .limit(options.limit + 1);
  if (options.afterId !== null) query = query.where('schemas.id', '>', options.afterId);
  return query.execute();
}

/** Versions of one schema, newest first. */
export async function listVersions(
  executor: Executor,
  schemaId: string,
  options: { limit: number; beforeVersion: number | null },
): Promise<VersionRow[]> {
  let query = executor
    .selectFrom('schema_versions')
    .selectAll()
    .where('schema_id', '=', schemaId)
    .orderBy('version', 'desc')
    .limit(options.limit + 1);
  if (options.beforeVersion !== null) query = query.where('version', '<', options.beforeVersion);
  return query.execute();
}
