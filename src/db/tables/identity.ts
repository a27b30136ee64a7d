/**
 * Table types of the identity feature (users, signing keys, refresh tokens, security events).
 * Columns the database fills (defaults) are `Generated`; timestamps come back as Date.
 */
import type { ColumnType } from 'kysely';

export type UserRole = 'admin' | 'manager' | 'user' | 'guest';
/** `service`: a service account (no password, API tokens only; column added by migration 0040). */
export type UserKind = 'user' | 'service';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface UsersTable {
  /** UUID v7, made by the app. */
  id: string;
  /** Stored as given; unique on lower(email). */
  email: string;
  /** Argon2id PHC string; null for accounts that cannot log in with a password. */
  password_hash: string | null;
  first_name: ColumnType<string, string | undefined, string>;
  last_name: ColumnType<string, string | undefined, string>;
  role: ColumnType<UserRole, UserRole | undefined, UserRole>;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  email_verified_at: NullableTimestamp;
  last_login_at: NullableTimestamp;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** Tokens issued before this instant (whole seconds) are no longer accepted. Null: none revoked. */
  tokens_valid_after: NullableTimestamp;
  kind: ColumnType<UserKind, UserKind | undefined, UserKind>;
}

export interface SigningKeysTable {
  /** JWK thumbprint (RFC 7638) of the public key. */
  kid: string;
  alg: string;
  public_jwk: ColumnType<JsonObject, string, string>;
  /** PKCS#8 DER private key sealed with AES-256-GCM: iv (12) | tag (16) | ciphertext. */
  private_key_encrypted: Buffer;
  created_at: GeneratedTimestamp;
  /** Set when rotated out: no longer signs, still verifies until expires_at. */
  retired_at: NullableTimestamp;
  /** After this the key verifies nothing and leaves the JWKS. Null while current. */
  expires_at: NullableTimestamp;
}

export interface RefreshTokensTable {
  id: string;
  /** SHA-256 of the opaque token; the token itself is never stored. */
  token_hash: Buffer;
  family_id: string;
  user_id: string;
  parent_id: string | null;
  replaced_by_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: GeneratedTimestamp;
  /** Absolute end of the family (login + REFRESH_TOKEN_TTL); rotation never extends it. */
  family_expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface SecurityEventsTable {
  id: string;
  user_id: string | null;
  kind: string;
  details: ColumnType<JsonObject, string | undefined, string>;
  ip: string | null;
  created_at: GeneratedTimestamp;
}

export interface IdentityTables {
  users: UsersTable;
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
  security_events: SecurityEventsTable;
}
