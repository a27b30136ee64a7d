/**
 * /api/v1/{schemas,uploads}/{id}/shares: who a schema or an upload is shared with (view-only).
 * Reading needs the kind's `view_` permission, adding or removing a share its `change_` one:
 * removing a share changes the object's sharing and deletes nothing of it (still a DELETE, so
 * closed to service accounts like every DELETE route).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import type { Permission } from '../access/index.js';
import { auditMeta } from '../access/index.js';
import { requireAuth } from '../identity/index.js';
import {
  NewShareBody,
  ObjectIdParams,
  ShareListSchema,
  ShareParams,
  ShareSchema,
} from './sharing.schemas.js';
import { createSharingService, type ShareableKind } from './sharing.service.js';

const security = [{ bearerAuth: [] }];

export interface SharingRoutesOptions {
  deps: Deps;
  kinds: readonly ShareableKind[];
}

export const sharingRoutes: FastifyPluginAsync<SharingRoutesOptions> = async (instance, { deps, kinds }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ShareSchema);
  const Share = Type.Ref(ShareSchema);

  for (const kind of kinds) {
    const sharing = createSharingService(deps, kind);
    const base = `/api/v1/${kind.collection}/:id/shares`;
    const tags = [kind.collection];
    const view = `view_${kind.type}` as Permission;
    const change = `change_${kind.type}` as Permission;

    app.get(
      base,
      {
        config: { requires: view },
        schema: {
          tags,
          security,
          summary: `Who this ${kind.type} is shared with (view-only); for whoever may change it`,
          params: ObjectIdParams,
          response: { 200: ShareListSchema },
        },
      },
      async (request) => ({ results: await sharing.list(requireAuth(request), request.params.id) }),
    );

    app.post(
      base,
      {
        config: { requires: change },
        schema: {
          tags,
          security,
          summary: `Share this ${kind.type} view-only with another user, by \`email\` or \`user_id\``,
          description:
            '422 when the user is unknown or inactive, a service account, the owner or yourself; 409 when ' +
            'it is shared with that user already.',
          params: ObjectIdParams,
          body: NewShareBody,
          response: { 201: Share },
        },
      },
      async (request, reply) => {
        const share = await sharing.add(
          requireAuth(request),
          request.params.id,
          request.body,
          auditMeta(request),
        );
        return reply.code(201).send(share);
      },
    );

    app.delete(
      `${base}/:user_id`,
      {
        config: { requires: change },
        schema: {
          tags,
          security,
          summary: `Stop sharing this ${kind.type} with that user`,
          params: ShareParams,
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await sharing.remove(
          requireAuth(request),
          request.params.id,
          request.params.user_id,
          auditMeta(request),
        );
        return reply.code(204).send(null);
      },
    );
  }
};
