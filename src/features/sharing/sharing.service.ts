/**
 * View-only sharing of one object (a schema or an upload) with another user. Whoever may change
 * the object (its owner, or anyone's with `<r>.all`) lists, adds and removes its shares; the
 * grantee then sees it in lists and by id, never changes it. Each change is audited
 * (`<r>.shared` / `<r>.unshared`) in the same transaction.
 */
import type { Db } from '../../db/database.js';
import type { ShareResourceType } from '../../db/tables/access.js';
import { actorOf, recordAudit, type AuditMeta } from '../audit/index.js';
import type { AuthContext } from '../identity/index.js';
import { sharingErrors } from './sharing.errors.js';
import * as repo from './sharing.repository.js';
import type { NewShareBody } from './sharing.schemas.js';

/** What the sharing routes need to know about one kind of object; its feature supplies it. */
export interface ShareableKind {
  readonly type: ShareResourceType;
  /** The URL segment: `/api/v1/<collection>/{id}/shares`. */
  readonly collection: string;
  /**
   * The object, if the caller may change it; otherwise the object rules' answer is thrown: 404 when
   * it cannot see it, 403 `shared_read_only` when it is only shared with it.
   */
  findChangeable(auth: AuthContext, id: string): Promise<{ id: string; ownerId: string }>;
}

export interface PublicShare {
  user_id: string;
  email: string;
  first_name: string;
  last_name: string;
  access: 'view';
  created_by: string | null;
  created_at: string;
}

function toPublicShare(row: repo.ShareRow): PublicShare {
  return {
    user_id: row.user_id,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    access: 'view',
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
  };
}

export function createSharingService(deps: { db: Db }, kind: ShareableKind) {
  const what = kind.type;

  return {
    async list(auth: AuthContext, id: string): Promise<PublicShare[]> {
      const object = await kind.findChangeable(auth, id);
      return (await repo.listShares(deps.db, { type: kind.type, id: object.id })).map(toPublicShare);
    },

    async add(auth: AuthContext, id: string, body: NewShareBody, meta: AuditMeta): Promise<PublicShare> {
      if ((body.email === undefined) === (body.user_id === undefined)) throw sharingErrors.needOneOf();
      const field = body.email !== undefined ? 'email' : 'user_id';
      const object = await kind.findChangeable(auth, id);
      const user = await repo.findUser(
        deps.db,
        body.email !== undefined ? { email: body.email } : { id: body.user_id as string },
      );
      if (user === undefined || !user.is_active) throw sharingErrors.unknownUser(field);
      if (user.kind === 'service') throw sharingErrors.serviceAccount(field);
      if (user.id === object.ownerId) throw sharingErrors.withOwner(field, what);
      if (user.id === auth.userId) throw sharingErrors.withSelf(field);
      const target = { type: kind.type, id: object.id };
      return deps.db.transaction().execute(async (trx) => {
        if (!(await repo.insertShare(trx, target, user.id, auth.userId)))
          throw sharingErrors.alreadyShared(what);
        await recordAudit(trx, {
          action: `${kind.type}.shared`,
          actor: actorOf(auth),
          target,
          meta,
          details: { user_id: user.id, owner_id: object.ownerId, access: 'view' },
        });
        const [row] = await repo.listShares(trx, target, user.id);
        if (row === undefined) throw new Error('share vanished inside its own transaction');
        return toPublicShare(row);
      });
    },

    async remove(auth: AuthContext, id: string, userId: string, meta: AuditMeta): Promise<void> {
      const object = await kind.findChangeable(auth, id);
      const target = { type: kind.type, id: object.id };
      await deps.db.transaction().execute(async (trx) => {
        if (!(await repo.deleteShare(trx, target, userId))) throw sharingErrors.shareNotFound();
        await recordAudit(trx, {
          action: `${kind.type}.unshared`,
          actor: actorOf(auth),
          target,
          meta,
          details: { user_id: userId, owner_id: object.ownerId },
        });
      });
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
