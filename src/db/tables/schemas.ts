/**
 * Table types of the schemas feature: a named schema owned by a user, and its immutable versions
 * (every update adds one; uploads record the version they were validated with).
 */
import type { ColumnType } from 'kysely';

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface SchemasTable {
  /** UUID v7, made by the app. */
  id: string;
  owner_id: string;
  name: string;
  description: Defaulted<string>;
  /** The latest version number (1 on create). */
  current_version: number;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** Soft delete: the schema leaves every list, its versions stay for the uploads that used them. */
  deleted_at: NullableTimestamp;
}

export interface SchemaVersionsTable {
  schema_id: string;
  version: number;
  /** The Table Schema JSON as saved (already accepted by the engine's parser). */
  definition: ColumnType<Record<string, unknown>, string, string>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface SchemasTables {
  schemas: SchemasTable;
  schema_versions: SchemaVersionsTable;
}
