/**
 * Access tokens: short-lived JWTs (RFC 9068 `typ: at+jwt`) signed with our Ed25519 key. Verification
 * pins the algorithm, issuer, audience and type (RFC 8725), so `alg: none`, HS256 signed with our
 * public key, foreign tokens and our opaque refresh tokens all fail cleanly.
 */
import { randomUUID, sign as signBytes, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { Config } from '../../config/config.js';
import { errors } from '../../lib/app-error.js';
import { identityErrors } from './identity.errors.js';
import type { UserRole } from './identity.types.js';
import { USER_ROLES } from './identity.types.js';
import { SIGNING_ALG, type KeyRing } from './key-ring.service.js';

export const ACCESS_TOKEN_AUDIENCE = 'intake';
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenClaims {
  readonly userId: string;
  readonly role: UserRole;
  readonly jti: string;
  /** Refresh family id (`sid`), so logout can revoke it without the refresh token. */
  readonly sessionId: string | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface AccessTokens {
  /** Signs a token; `notBefore` (epoch s) raises `iat` so it is not older than a revocation cut-off. */
  sign(input: { userId: string; role: UserRole; sessionId: string; notBefore?: number | null }): Promise<{
    token: string;
    jti: string;
    expiresIn: number;
  }>;
  /** Verifies a token; throws 401 `token_expired` or `not_authenticated` with the reason. */
  verify(token: string): Promise<AccessTokenClaims>;
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `${err.claim} claim ${err.reason.replace('_', ' ')}`;
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'malformed token';
  if (err instanceof joseErrors.JOSENotSupported) return 'unsupported token';
  if (err instanceof UnknownKeyError) return 'unknown signing key';
  return 'malformed token';
}

class UnknownKeyError extends Error {}

const base64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');

/**
 * A compact JWS (RFC 7515) signed with Ed25519 in the calling thread. jose signs through WebCrypto,
 * which sends every signature to the libuv pool and back (~100 µs of CPU over two threads, measured,
 * against ~36 µs here), and during a login flood that pool is busy hashing passwords. Verification
 * stays with jose: this only writes what jose checks.
 */
function signJws(header: { alg: string; kid: string; typ: string }, payload: object, key: KeyObject): string {
  if (header.alg !== 'EdDSA' || key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`cannot sign ${header.alg} with a ${key.asymmetricKeyType ?? 'symmetric'} key`);
  }
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${signBytes(null, Buffer.from(input), key).toString('base64url')}`;
}

/** Tokens whose signature and claims were already checked; bounded, oldest dropped first. */
const VERIFIED_CACHE_MAX = 10_000;

export function createAccessTokens(config: Config, keyRing: KeyRing): AccessTokens {
  const ttl = config.accessTokenTtlSeconds;
  // Keyed by the exact token string: a hit means these very bytes passed verification, so only
  // expiry needs re-checking. Saves the signature check on every request of a busy client.
  const verified = new Map<string, AccessTokenClaims>();

  async function resolveKey(header: JWTHeaderParameters, _token: FlattenedJWSInput) {
    if (typeof header.kid !== 'string') throw new UnknownKeyError('no kid');
    const key = await keyRing.verificationKey(header.kid);
    if (!key) throw new UnknownKeyError(header.kid);
    return key;
  }

  return {
    async sign({ userId, role, sessionId, notBefore }) {
      const key = await keyRing.current();
      const now = Math.floor(Date.now() / 1000);
      const iat = Math.max(now, notBefore ?? 0);
      const jti = randomUUID();
      const token = signJws(
        { alg: SIGNING_ALG, kid: key.kid, typ: ACCESS_TOKEN_TYPE },
        {
          role,
          sid: sessionId,
          iss: config.publicUrl,
          aud: ACCESS_TOKEN_AUDIENCE,
          sub: userId,
          jti,
          iat,
          exp: iat + ttl,
        },
        key.privateKey,
      );
      return { token, jti, expiresIn: iat + ttl - now };
    },

    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt + config.jwtClockSkewSeconds > Date.now() / 1000) return known;
        verified.delete(token);
      }
      const claims = await verifyFully(token);
      if (verified.size >= VERIFIED_CACHE_MAX) verified.delete(verified.keys().next().value as string);
      verified.set(token, claims);
      return claims;
    },
  };

  async function verifyFully(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, resolveKey, {
        algorithms: [SIGNING_ALG],
        issuer: config.publicUrl,
        audience: ACCESS_TOKEN_AUDIENCE,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: config.jwtClockSkewSeconds,
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      });
      const role = payload.role;
      if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) {
        throw identityErrors.invalidAccessToken('role claim invalid');
      }
      return {
        userId: payload.sub as string,
        role: role as UserRole,
        jti: payload.jti as string,
        sessionId: typeof payload.sid === 'string' ? payload.sid : null,
        issuedAt: payload.iat as number,
        expiresAt: payload.exp as number,
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw errors.tokenExpired();
      if (err instanceof Error && err.name === 'AppError') throw err;
      throw identityErrors.invalidAccessToken(describe(err));
    }
  }
}
