/**
 * The JWT signing keys: Ed25519 pairs generated on first use and kept in the database with the
 * private half sealed by AES-256-GCM under a key derived (HKDF-SHA256) from SECRET_KEY. Keys live
 * in memory after loading; an unknown `kid` triggers a reload (at most one per cooldown) so a
 * rotation made by another process is picked up, and rotations are also announced over kv pub/sub.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Deps } from '../../deps.js';
import type { JsonObject } from '../../db/tables/identity.js';
import * as keysRepo from './signing-keys.repository.js';

export const SIGNING_ALG = 'EdDSA';
const KEYS_CHANNEL = 'identity:signing-keys';
/** An unknown kid reloads the keys at most this often, so garbage kids cannot hammer the database. */
const RELOAD_COOLDOWN_MS = 5_000;
/** Keys are re-read this often anyway, to drop expired ones and catch a missed announcement. */
const MAX_AGE_MS = 5 * 60_000;

/** A public key as published in the JWKS. */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  kid: string;
  alg: string;
  use: string;
}

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  publicJwk: JsonObject;
  privateKey: KeyObject | null;
  retired: boolean;
  /** Epoch ms after which the key verifies nothing; null while current. */
  expiresAt: number | null;
}

export interface KeyRing {
  /** The key new tokens are signed with (created on first use). */
  current(): Promise<{ kid: string; privateKey: KeyObject }>;
  /** The public key for a `kid`, or null when it is unknown or expired. */
  verificationKey(kid: string): Promise<KeyObject | null>;
  /** The JWKS document: the current key and retired keys that still verify tokens. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Makes a new current key; the old one keeps verifying until its tokens have expired. */
  rotate(): Promise<{ kid: string; retired: string[] }>;
}

function deriveSealingKey(secretKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'intake/signing-keys', 'aes-256-gcm private keys', 32));
}

function seal(sealingKey: Buffer, kid: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey, iv);
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function unseal(sealingKey: Buffer, kid: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', sealingKey, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

export function createKeyRing(deps: Pick<Deps, 'db' | 'config' | 'kv' | 'logger'>): KeyRing {
  const sealingKey = deriveSealingKey(deps.config.secretKey);
  // A rotated key must verify every token it signed: the longest access-token life plus clock
  // skew, plus the time another process may go on signing with it before it reloads the keys.
  const verifySeconds =
    deps.config.accessTokenTtlSeconds + deps.config.jwtClockSkewSeconds + MAX_AGE_MS / 1000 + 60;
  let keys = new Map<string, LoadedKey>();
  let currentKid: string | null = null;
  let loadedAt = 0;
  let lastReloadAt = 0;
  let loading: Promise<void> | null = null;
  let subscribed = false;

  function decode(row: keysRepo.SigningKeyRow): LoadedKey {
    let privateKey: KeyObject | null = null;
    if (row.retired_at === null) {
      try {
        privateKey = createPrivateKey({
          key: unseal(sealingKey, row.kid, row.private_key_encrypted),
          format: 'der',
          type: 'pkcs8',
        });
      } catch (err) {
        // Most likely SECRET_KEY changed: the key can still verify, but we must sign with a new one.
        deps.logger.error(
          { err, kid: row.kid },
          'cannot decrypt signing key; is SECRET_KEY the one it was made with?',
        );
      }
    }
    return {
      kid: row.kid,
      publicJwk: row.public_jwk,
      publicKey: createPublicKey({ key: row.public_jwk as JWK & { kty: string }, format: 'jwk' }),
      privateKey,
      retired: row.retired_at !== null,
      expiresAt: row.expires_at ? row.expires_at.getTime() : null,
    };
  }

  async function createKey(db: keysRepo.Executor): Promise<string> {
    const pair = generateKeyPairSync('ed25519');
    const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JsonObject;
    const kid = await calculateJwkThumbprint(publicJwk as JWK);
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    await keysRepo.insertKey(db, {
      kid,
      alg: SIGNING_ALG,
      publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
      privateKeyEncrypted: seal(sealingKey, kid, der),
    });
    return kid;
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      await deps.kv.subscribe(KEYS_CHANNEL, () => {
        loadedAt = 0;
      });
    }
    let rows = await keysRepo.listUsableKeys(deps.db);
    const usable = rows.find((row) => row.retired_at === null);
    if (!usable || !decode(usable).privateKey) {
      // First start (or an unusable current key): create one, serialised so two processes make one.
      await deps.db.transaction().execute(async (trx) => {
        await keysRepo.lockSigningKeys(trx);
        const fresh = await keysRepo.listUsableKeys(trx);
        const current = fresh.find((row) => row.retired_at === null);
        if (current && decode(current).privateKey) return;
        if (current) await keysRepo.retireCurrentKeys(trx, verifySeconds);
        await createKey(trx);
      });
      rows = await keysRepo.listUsableKeys(deps.db);
    }
    const next = new Map<string, LoadedKey>();
    for (const row of rows) next.set(row.kid, decode(row));
    keys = next;
    currentKid = rows.find((row) => row.retired_at === null)?.kid ?? null;
    loadedAt = Date.now();
    lastReloadAt = loadedAt;
  }

  async function ensureLoaded(force = false): Promise<void> {
    // A forced reload must read after the caller's change, not join a load that started before it.
    if (force && loading) await loading.catch(() => undefined);
    if (!force && loadedAt !== 0 && Date.now() - loadedAt < MAX_AGE_MS) return;
    loading ??= load().finally(() => {
      loading = null;
    });
    await loading;
  }

  function isUsable(key: LoadedKey): boolean {
    return key.expiresAt === null || key.expiresAt > Date.now();
  }

  return {
    async current() {
      await ensureLoaded();
      const key = currentKid ? keys.get(currentKid) : undefined;
      if (!key?.privateKey) throw new Error('no usable signing key');
      return { kid: key.kid, privateKey: key.privateKey };
    },

    async verificationKey(kid) {
      await ensureLoaded();
      let key = keys.get(kid);
      if (!key && Date.now() - lastReloadAt >= RELOAD_COOLDOWN_MS) {
        lastReloadAt = Date.now();
        await ensureLoaded(true);
        key = keys.get(kid);
      }
      return key && isUsable(key) ? key.publicKey : null;
    },

    async jwks() {
      await ensureLoaded();
      return {
        keys: [...keys.values()].filter(isUsable).map((key) => key.publicJwk as unknown as PublicJwk),
      };
    },

    async rotate() {
      let retired: string[] = [];
      const kid = await deps.db.transaction().execute(async (trx) => {
        await keysRepo.lockSigningKeys(trx);
        retired = (await keysRepo.listUsableKeys(trx)).filter((r) => r.retired_at === null).map((r) => r.kid);
        await keysRepo.retireCurrentKeys(trx, verifySeconds);
        return createKey(trx);
      });
      await ensureLoaded(true);
      await deps.kv.publish(KEYS_CHANNEL, kid);
      return { kid, retired };
    },
  };
}
