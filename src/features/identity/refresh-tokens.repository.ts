/** SQL for refresh tokens. Every state change is one conditional statement, safe under races. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../db/database.js';
import type { RefreshTokensTable } from '../../db/tables/identity.js';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;
type Executor = Kysely<Database>;

export interface NewRefreshToken {
  id: string;
  token_hash: Buffer;
  family_id: string;
  user_id: string;
  parent_id: string | null;
  family_expires_at: Date;
}

export async function insertRefreshToken(db: Executor, token: NewRefreshToken): Promise<void> {
  await db.insertInto('refresh_tokens').values(token).execute();
}

/**
 * Marks a live token as used, atomically: of any number of concurrent callers exactly one gets the
 * row back; the others see it rotated.
 */
export async function claimRefreshToken(db: Executor, tokenHash: Buffer): Promise<RefreshTokenRow | null> {
  return (
    (await db
      .updateTable('refresh_tokens')
      .set({ rotated_at: sql<Date>`now()` })
      .where('token_hash', '=', tokenHash)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('family_expires_at', '>', sql<Date>`now()`)
      // A token added to a family while it was being revoked (a grace child racing a logout)
      // must not revive it.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('refresh_tokens as f')
              .select(sql`1`.as('one'))
              .whereRef('f.family_id', '=', 'refresh_tokens.family_id')
              .where('f.revoked_at', 'is not', null),
          ),
        ),
      )
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

export interface RefreshTokenLookup extends RefreshTokenRow {
  /** Rotated at most `graceSeconds` ago (by the database clock). */
  within_grace: boolean;
  family_expired: boolean;
  /** Any token of the family revoked (reuse detection or logout revokes them all). */
  family_revoked: boolean;
}

export async function findRefreshToken(
  db: Executor,
  tokenHash: Buffer,
  graceSeconds: number,
): Promise<RefreshTokenLookup | null> {
  return (
    (await db
      .selectFrom('refresh_tokens as t')
      .selectAll('t')
      .select([
        sql<boolean>`coalesce(t.rotated_at > now() - make_interval(secs => ${graceSeconds}), false)`.as(
          'within_grace',
        ),
        sql<boolean>`t.family_expires_at <= now()`.as('family_expired'),
        sql<boolean>`exists (select 1 from refresh_tokens f where f.family_id = t.family_id and f.revoked_at is not null)`.as(
          'family_revoked',
        ),
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst()) ?? null
  );
}

export async function setReplacedBy(db: Executor, id: string, childId: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ replaced_by_id: childId }).where('id', '=', id).execute();
}

export async function revokeFamily(db: Executor, familyId: string, userId?: string): Promise<number> {
  let query = db
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null);
  if (userId) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every live family of a user, except `keepFamilyId` when given. */
export async function revokeUserFamilies(
  db: Executor,
  userId: string,
  keepFamilyId: string | null,
): Promise<void> {
  let query = db
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepFamilyId) query = query.where('family_id', '!=', keepFamilyId);
  await query.execute();
}

/**
 * Deletes the tokens of expired families, oldest first (ids are UUID v7, so the primary key walks
 * them in creation order and the statement needs no index of its own), `batchSize` rows per
 * statement so a large backlog never holds long locks; returns how many went. An expired token
 * answers a refresh exactly like an unknown one, so nothing a client sees changes.
 */
export async function deleteExpiredRefreshTokens(db: Executor, batchSize = 5_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db
      .deleteFrom('refresh_tokens')
      .where(
        'id',
        'in',
        db
          .selectFrom('refresh_tokens')
          .select('id')
          .where('family_expires_at', '<=', sql<Date>`now()`)
          .orderBy('id')
          .limit(batchSize),
      )
      .executeTakeFirst();
    const batch = Number(result.numDeletedRows);
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}
