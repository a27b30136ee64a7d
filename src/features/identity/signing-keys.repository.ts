/** SQL for the JWT signing keys. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../db/database.js';
import type { JsonObject, SigningKeysTable } from '../../db/tables/identity.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;
export type Executor = Kysely<Database>;

/** The current key and the retired ones that still verify tokens, newest first. */
export async function listUsableKeys(db: Executor): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .orderBy('created_at', 'desc')
    .execute();
}

export async function insertKey(
  db: Executor,
  key: { kid: string; alg: string; publicJwk: JsonObject; privateKeyEncrypted: Buffer },
): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      alg: key.alg,
      public_jwk: JSON.stringify(key.publicJwk),
      private_key_encrypted: key.privateKeyEncrypted,
    })
    .execute();
}

/** Retires every current key; each keeps verifying for `verifySeconds` (the longest token lifetime). */
export async function retireCurrentKeys(db: Executor, verifySeconds: number): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({
      retired_at: sql<Date>`now()`,
      expires_at: sql<Date>`now() + make_interval(secs => ${verifySeconds})`,
    })
    .where('retired_at', 'is', null)
    .execute();
}

/** Serialises key creation across processes for the rest of the transaction. */
export async function lockSigningKeys(db: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('intake:signing_keys'))`.execute(db);
}
