/**
 * Deleting a user cascades to its uploads' rows (and their issues, by trigger), but the database
 * cannot remove their stored files. Identity runs this hook inside the deletion transaction: it
 * reads the user's storage keys there, and removes the files once the deletion has committed.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Deps } from '../../deps.js';
import type { UserDeletionHook } from '../identity/index.js';

export function removeUploadFilesOfDeletedUser(deps: Pick<Deps, 'storage' | 'logger'>): UserDeletionHook {
  return async (trx: Kysely<Database>, userId: string) => {
    const rows = await trx
      .selectFrom('uploads')
      .select(['storage_key', 'annotated_key'])
      .where('user_id', '=', userId)
      .execute();
    const keys = rows.flatMap((r) =>
      r.annotated_key === null ? [r.storage_key] : [r.storage_key, r.annotated_key],
    );
    if (keys.length === 0) return undefined;
    return async () => {
      for (const key of keys) {
        // A file that cannot be removed now is logged, never a reason to undo the deletion.
        await deps.storage
          .delete(key)
          .catch((err: unknown) => deps.logger.warn({ err, key }, 'could not remove a deleted user’s file'));
      }
    };
  };
}
