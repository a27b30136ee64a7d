/** The identity feature's domain types, shared by its services, routes and the CLI. */
import type { UserKind, UserRole } from '../../db/tables/identity.js';

export type { UserKind, UserRole };
export const USER_ROLES: readonly UserRole[] = ['admin', 'manager', 'user', 'guest'];

/** Who made the request, resolved once per request by the authenticators. */
export interface AuthContext {
  readonly userId: string;
  /** The user's current role (from the user-state cache, so a role change applies at once). */
  readonly role: UserRole;
  /** How the caller proved who it is: our JWT, an API token (`intk_…`), HTTP Basic (development only), or a web session cookie. */
  readonly method: 'jwt' | 'api_token' | 'basic' | 'session';
  /** The access token's `jti`, or the API token's id. */
  readonly tokenId: string;
  /** Expiry of the credential, epoch seconds (0: an API token without expiry). */
  readonly expiresAt: number;
  /** The refresh family the access token was issued with (`sid` claim). */
  readonly sessionId: string | null;
  /** `service` for service accounts; filled by the access feature (absent means `user`). */
  readonly kind?: UserKind;
  /** An API token's scopes (its rights are their intersection with the owner's); null otherwise. */
  readonly scopes?: readonly string[] | null;
  /** Effective permission codenames; filled by the access feature before a protected route runs. */
  readonly permissions?: ReadonlySet<string>;
}

/** A user as the API shows it (snake_case, ISO timestamps). */
export interface PublicUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: UserRole;
  is_active: boolean;
  email_verified_at: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  token_type: 'Bearer';
}

/** Where a request came from, for security events and rate limits. */
export interface RequestMeta {
  readonly ip: string | null;
  readonly userAgent?: string | null;
  /** The request id, for the audit log. */
  readonly requestId?: string | null;
}
