/**
 * Successful logins' writes, batched per event-loop turn. In a login flood the hash pool hands
 * finished hashes back a few at a time (src/lib/hash-pool.ts); the logins they complete in the same
 * turn are written by one statement instead of one each: one round trip, one commit and one
 * PostgreSQL wakeup for the lot, and their responses leave together. A lone login is written alone
 * by the same statement as before, after waiting only for the turn's other callbacks.
 *
 * One statement commits all of its logins or none. When a batch fails, each of its logins is
 * written again alone, so one bad row (say, a user deleted while its password was being checked)
 * fails only its own login.
 */
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { recordLogin, recordLogins, type LoginWrite } from './users.repository.js';

export interface LoginWriter {
  /** Resolves once this login's writes are committed; rejects with the database's error. */
  record(login: LoginWrite): Promise<void>;
}

/** Most logins one statement carries (each adds 18 array elements). */
const MAX_BATCH = 100;

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

export function createLoginWriter(db: Kysely<Database>): LoginWriter {
  const loader = new DataLoader<LoginWrite, null>(
    async (logins) => {
      try {
        await recordLogins(db, logins);
        return logins.map(() => null);
      } catch (err) {
        if (logins.length === 1) return [asError(err)];
        return Promise.all(logins.map((login) => recordLogin(db, login).then(() => null, asError)));
      }
    },
    { cache: false, maxBatchSize: MAX_BATCH },
  );
  return {
    async record(login) {
      await loader.load(login);
    },
  };
}
