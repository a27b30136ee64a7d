/**
 * Schemas: a user's named Table Schemas with immutable versions. The engine's parser decides what
 * is valid (422 with its message). Object rules: owners act on their own schemas, holders of
 * `schema.all` (managers, admins) on everyone's; a schema shared with a user is view-only for it.
 * Deleting hides a schema; its versions stay for the uploads that used them.
 */
import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import { isEngineError, parseSchema, type TableSchema } from '../../engine/index.js';
import { isUuid, newId } from '../../lib/ids.js';
import { actsOnAllObjects } from '../access/index.js';
import { actorOf, recordAudit, type AuditMeta } from '../audit/index.js';
import { recordEvent } from '../events/index.js';
import type { AuthContext } from '../identity/index.js';
import { sharingErrors } from '../sharing/index.js';
import { schemaErrors } from './schemas.errors.js';
import * as repo from './schemas.repository.js';

export interface SchemaResource {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  version: number;
  schema: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface SchemaVersionResource {
  version: number;
  schema: Record<string, unknown>;
  created_by: string | null;
  created_at: string;
}

export interface SchemaInput {
  name: string;
  description?: string;
  schema: Record<string, unknown>;
}

export interface Page<T> {
  results: T[];
  next_cursor: string | null;
}

/** What the uploads feature validates with. */
export interface ResolvedSchemaVersion {
  schemaId: string;
  version: number;
  name: string;
  schema: TableSchema;
}

type Executor = Db | Transaction<Database>;

/** The engine's verdict on a definition: the parsed schema, or 422 with its message. */
export function checkDefinition(definition: unknown): TableSchema {
  try {
    return parseSchema(definition);
  } catch (err) {
    if (isEngineError(err)) throw schemaErrors.invalidSchema(err.message);
    throw err;
  }
}

function toResource(row: repo.SchemaRow, definition: Record<string, unknown>): SchemaResource {
  return {
    id: row.id,
    owner_id: row.owner_id,
    name: row.name,
    description: row.description,
    version: row.current_version,
    schema: definition,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function toVersion(row: repo.VersionRow): SchemaVersionResource {
  return {
    version: row.version,
    schema: row.definition,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
  };
}

function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) throw schemaErrors.invalidCursor();
  return id;
}

function decodeVersionCursor(cursor: string): number {
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 1) throw schemaErrors.invalidCursor();
  return n;
}

/** The caller as the repository's visibility rules see it. */
function viewerOf(auth: AuthContext): repo.SchemaViewer {
  return { userId: auth.userId, allObjects: actsOnAllObjects(auth, 'schema') };
}

/**
 * The version to validate with: the latest when `version` is omitted (null for a deleted schema),
 * or that exact version (still resolvable after a delete, for the uploads that used it). Null when
 * missing or not visible to `userId` (its own, shared with it, or any with `schema.all`).
 * `allObjects` is the request's answer (`actsOnAllObjects(auth, 'schema')`, which an API token's
 * scopes narrow); omitted (background work, no request), the user's stored permissions decide.
 */
export async function getSchemaVersion(
  db: Executor,
  query: { schemaId: string; version?: number; userId: string; allObjects?: boolean },
): Promise<ResolvedSchemaVersion | null> {
  if (!isUuid(query.schemaId) || !isUuid(query.userId)) return null;
  const viewer = { userId: query.userId, allObjects: query.allObjects ?? null };
  const row = await repo.findVisibleSchema(db, query.schemaId, viewer, {
    includeDeleted: query.version !== undefined,
  });
  if (!row) return null;
  const version = query.version ?? row.current_version;
  const versionRow = await repo.findVersion(db, row.id, version);
  if (!versionRow) return null;
  return { schemaId: row.id, version, name: row.name, schema: parseSchema(versionRow.definition) };
}

export function createSchemasService(deps: { db: Db; dbRead: Db }) {
  async function load(auth: AuthContext, id: string, executor: Executor = deps.db) {
    if (!isUuid(id)) throw schemaErrors.notFound();
    const row = await repo.findVisibleSchema(executor, id, viewerOf(auth));
    if (!row) throw schemaErrors.notFound();
    return row;
  }

  /** Seen only because it is shared with the caller: view-only (403, since it knows the id). */
  function assertMayChange(auth: AuthContext, row: repo.SchemaRow): void {
    if (row.owner_id !== auth.userId && !actsOnAllObjects(auth, 'schema'))
      throw sharingErrors.readOnly('schema');
  }

  return {
    /** For sharing: the schema if the caller may change it (404 unseen, 403 only shared with it). */
    async findChangeable(auth: AuthContext, id: string): Promise<{ id: string; ownerId: string }> {
      const row = await load(auth, id);
      assertMayChange(auth, row);
      return { id: row.id, ownerId: row.owner_id };
    },

    async create(auth: AuthContext, input: SchemaInput, meta?: AuditMeta): Promise<SchemaResource> {
      checkDefinition(input.schema);
      return deps.db.transaction().execute(async (trx) => {
        const row = await repo.insertSchema(trx, {
          id: newId(),
          ownerId: auth.userId,
          name: input.name,
          description: input.description ?? '',
        });
        const version = await repo.insertVersion(trx, {
          schemaId: row.id,
          version: 1,
          definition: input.schema,
          createdBy: auth.userId,
        });
        await recordAudit(trx, {
          action: 'schema.created',
          actor: actorOf(auth),
          target: { type: 'schema', id: row.id },
          meta,
          details: { name: row.name, version: 1 },
        });
        return toResource(row, version.definition);
      });
    },

    async list(auth: AuthContext, query: { limit?: number; cursor?: string }): Promise<Page<SchemaResource>> {
      const limit = query.limit ?? 20;
      const rows = await repo.listSchemas(deps.dbRead, viewerOf(auth), {
        limit,
        afterId: query.cursor ? decodeIdCursor(query.cursor) : null,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        results: page.map((r) => toResource(r, r.definition)),
        next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null,
      };
    },

    async get(auth: AuthContext, id: string, version?: number): Promise<SchemaResource> {
      const row = await load(auth, id);
      const wanted = version ?? row.current_version;
      const versionRow = await repo.findVersion(deps.db, row.id, wanted);
      if (!versionRow) throw schemaErrors.versionNotFound(wanted);
      return { ...toResource(row, versionRow.definition), version: wanted };
    },

    /** Every update adds a version (and a `schema.updated` event), even if only the name changed. */
    async update(
      auth: AuthContext,
      id: string,
      input: SchemaInput,
      meta?: AuditMeta,
    ): Promise<SchemaResource> {
      checkDefinition(input.schema);
      if (!isUuid(id)) throw schemaErrors.notFound();
      return deps.db.transaction().execute(async (trx) => {
        const current = await repo.findVisibleSchema(trx, id, viewerOf(auth), { forUpdate: true });
        if (!current) throw schemaErrors.notFound();
        assertMayChange(auth, current);
        const version = current.current_version + 1;
        const versionRow = await repo.insertVersion(trx, {
          schemaId: id,
          version,
          definition: input.schema,
          createdBy: auth.userId,
        });
        const row = await repo.updateSchemaHead(trx, id, {
          name: input.name,
          description: input.description ?? current.description,
          version,
        });
        await recordEvent(trx, {
          type: 'schema.updated',
          userId: row.owner_id,
          subjectId: row.id,
          data: { schema_id: row.id, name: row.name, version },
        });
        await recordAudit(trx, {
          action: 'schema.updated',
          actor: actorOf(auth),
          target: { type: 'schema', id: row.id },
          meta,
          details: { name: row.name, version },
        });
        return toResource(row, versionRow.definition);
      });
    },

    /** Shares of the schema go with it (a trigger on `deleted_at`). */
    async remove(auth: AuthContext, id: string, meta?: AuditMeta): Promise<void> {
      const row = await load(auth, id);
      assertMayChange(auth, row);
      await deps.db.transaction().execute(async (trx) => {
        await repo.softDeleteSchema(trx, row.id);
        await recordAudit(trx, {
          action: 'schema.deleted',
          actor: actorOf(auth),
          target: { type: 'schema', id: row.id },
          meta,
          details: { name: row.name, owner_id: row.owner_id },
        });
      });
    },

    async versions(
      auth: AuthContext,
      id: string,
      query: { limit?: number; cursor?: string },
    ): Promise<Page<SchemaVersionResource>> {
      const row = await load(auth, id, deps.dbRead);
      const limit = query.limit ?? 20;
      const rows = await repo.listVersions(deps.dbRead, row.id, {
        limit,
        beforeVersion: query.cursor ? decodeVersionCursor(query.cursor) : null,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        results: page.map(toVersion),
        next_cursor: rows.length > limit && last ? encodeCursor(String(last.version)) : null,
      };
    },

    /** The parsed schema of a visible schema's version (for the template workbook). */
    async parsed(
      auth: AuthContext,
      id: string,
      version?: number,
    ): Promise<{ name: string; schema: TableSchema }> {
      const resource = await this.get(auth, id, version);
      return { name: resource.name, schema: checkDefinition(resource.schema) };
    },
  };
}

export type SchemasService = ReturnType<typeof createSchemasService>;
