/**
 * Argon2id password hashing with the OWASP parameters (m=19 MiB, t=2, p=1), as PHC strings.
 * @node-rs/argon2 hashes on the libuv thread pool, so hashing never blocks the event loop.
 * At most one hash per CPU runs at a time: more would not hash faster (each is CPU-bound), but would
 * fill the whole libuv pool (file reads, DNS, zlib wait behind it) and starve the event loop's own
 * core during a burst of logins.
 */
import { availableParallelism } from 'node:os';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import { createSemaphore, type Semaphore } from './semaphore.js';

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
const processHashSlots = createSemaphore(availableParallelism());

export function createPasswordHasher(
  params: Argon2Params = DEFAULT_ARGON2_PARAMS,
  /** Limits hashes running at once. Default: shared by the process, one per CPU. */
  slots: Semaphore = processHashSlots,
): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  return {
    hash: (password) => slots.run(() => hash(password, options)),
    async verify(phc, password) {
      try {
        return await slots.run(() => verify(phc, password));
      } catch {
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
