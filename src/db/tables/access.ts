/** Table types of the access feature: roles, per-user grants, API tokens, shares. */
import type { ColumnType } from 'kysely';

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface RolesTable {
  name: string;
  description: ColumnType<string, string | undefined, string>;
  /** Permission codenames. */
  permissions: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: GeneratedTimestamp;
}

export interface UserGrantsTable {
  user_id: string;
  permission: string;
  created_at: GeneratedTimestamp;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** The visible start of the token (`intk_` + 8 characters), to recognise it in lists. */
  prefix: string;
  /** SHA-256 of the whole token; the token itself is never stored. */
  token_hash: Buffer;
  scopes: string[];
  created_by: string | null;
  created_at: GeneratedTimestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

/** What can be shared (view-only) with another user. */
export type ShareResourceType = 'schema' | 'upload';

/** A view-only share of one schema or upload with one user (src/features/sharing). */
export interface SharesTable {
  resource_type: ShareResourceType;
  resource_id: string;
  user_id: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
}

export interface AccessTables {
  roles: RolesTable;
  user_grants: UserGrantsTable;
  api_tokens: ApiTokensTable;
  shares: SharesTable;
}
