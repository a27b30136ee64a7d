/**
 * Successful logins' writes, batched per event-loop turn (src/lib/batch-per-turn.ts). In a login
 * flood the hash pool hands finished hashes back a few at a time (src/lib/hash-pool.ts); the logins
 * they complete in the same turn are written by one statement instead of one each: one round trip,
 * one commit and one PostgreSQL wakeup for the lot, and their responses leave together. A lone
 * login is written by the one-login statement, after waiting only for the turn's other callbacks.
 * One statement commits all of its logins or none; when it fails, each login is written again
 * alone, so one bad row (say, a user deleted while its password was being checked) fails only its
 * own login.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { batchPerTurn } from '../../lib/batch-per-turn.js';
import { recordLogin, recordLogins, type LoginWrite } from './users.repository.js';

export interface LoginWriter {
  /** Resolves once this login's writes are committed; rejects with the database's error. */
  record(login: LoginWrite): Promise<void>;
}

export function createLoginWriter(db: Kysely<Database>): LoginWriter {
  return {
    record: batchPerTurn<LoginWrite>({
      writeMany: (logins) => recordLogins(db, logins),
      writeOne: (login) => recordLogin(db, login),
    }),
  };
}
