/**
 * Argon2id password hashing with the OWASP parameters (m=19 MiB, t=2, p=1), as PHC strings.
 * Hashes run on the process's hash pool (hash-pool.ts): one thread per CPU, never the event loop
 * and never the libuv pool, so file reads, DNS and zlib never wait behind a burst of logins.
 */
import { parseOptions, type Algorithm } from '@node-rs/argon2';
import { createHashPool, HashThreadError, type HashPool } from './hash-pool.js';

export interface Argon2Params {
  /** Memory in KiB. Default 19456 (19 MiB). */
  readonly memoryCost: number;
  /** Passes. Default 2. */
  readonly timeCost: number;
  /** Lanes. Default 1. */
  readonly parallelism: number;
}

export const DEFAULT_ARGON2_PARAMS: Argon2Params = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

// `Algorithm` is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a malformed or non-Argon2 hash (never throws for those). */
  verify(phc: string, password: string): Promise<boolean>;
  /** True when the stored hash was made with other parameters or another Argon2 variant. */
  needsRehash(phc: string): boolean;
}

/** One per process: every hasher in the process shares the CPUs. */
const processHashPool = createHashPool();

export function createPasswordHasher(
  params: Argon2Params = DEFAULT_ARGON2_PARAMS,
  /** Where hashes run. Default: the process's pool, one thread per CPU. */
  pool: HashPool = processHashPool,
): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  return {
    hash: (password) => pool.hash(password, options),
    async verify(phc, password) {
      try {
        return await pool.verify(phc, password);
      } catch (err) {
        // A thread that died is the server's fault (500), not a wrong password.
        if (err instanceof HashThreadError) throw err;
        return false;
      }
    },
    needsRehash(phc) {
      try {
        const parsed = parseOptions(phc);
        return (
          parsed.algorithm !== ARGON2ID ||
          parsed.memoryCost !== params.memoryCost ||
          parsed.timeCost !== params.timeCost ||
          parsed.parallelism !== params.parallelism
        );
      } catch {
        return true;
      }
    },
  };
}
