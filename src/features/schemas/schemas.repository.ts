/** SQL of the schemas feature. Rows are mapped to API objects in the service. */
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import { userHoldsSql } from '../access/index.js';
import { sharedWithSql } from '../sharing/index.js';

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

/**
 * Who is looking. `allObjects` is the permission answer (`schema.all`, from the request's effective
 * permissions); null when there is no request (a background job acting for `userId`): then the
 * user's stored permissions decide, in SQL.
 */
export interface SchemaViewer {
  userId: string;
  allObjects: boolean | null;
}

/** Object rules: holders of `schema.all` see every schema; everyone else its own and those shared with it. */
function visibleTo(viewer: SchemaViewer) {
  if (viewer.allObjects === true) return sql<boolean>`true`;
  const shared = sharedWithSql('schema', 'schemas.id', viewer.userId);
  if (viewer.allObjects === false) return sql<boolean>`(schemas.owner_id = ${viewer.userId} or ${shared})`;
  return sql<boolean>`(schemas.owner_id = ${viewer.userId} or ${userHoldsSql(viewer.userId, 'schema.all')} or ${shared})`;
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
  viewer: SchemaViewer,
  options: { forUpdate?: boolean; includeDeleted?: boolean } = {},
): Promise<SchemaRow | undefined> {
  let query = executor.selectFrom('schemas').selectAll().where('id', '=', id).where(visibleTo(viewer));
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
  viewer: SchemaViewer,
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
    .where(visibleTo(viewer))
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
