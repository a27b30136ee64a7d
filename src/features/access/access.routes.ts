/** /api/v1/tokens (your API tokens) and /api/v1/users/me/permissions. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RequestAuditMeta } from '../audit/index.js';
import { requireAuth, type IdentityService } from '../identity/index.js';
import { accessErrors } from './access.errors.js';
import {
  ApiTokenSchema,
  CreatedApiTokenSchema,
  MyPermissionsSchema,
  NewTokenBody,
  TokenIdParams,
  TokenListSchema,
} from './access.schemas.js';
import type { AccessService } from './access.service.js';

const security = [{ bearerAuth: [] }];
const tags = ['tokens'];

export function auditMeta(request: FastifyRequest): RequestAuditMeta {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

export const accessRoutes: FastifyPluginAsync<{ access: AccessService; identity: IdentityService }> = async (
  instance,
  { access, identity },
) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ApiTokenSchema);

  app.post(
    '/api/v1/tokens',
    {
      config: { requires: 'add_apitoken' },
      schema: {
        tags,
        security,
        summary: 'Create an API token (`intk_…`); the token is in this response only',
        description:
          'Scopes are permission codenames you hold; the token acts with the intersection of its ' +
          'scopes and your permissions at the time of each call.',
        body: NewTokenBody,
        response: { 201: CreatedApiTokenSchema },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      access.assertPermissions('scopes', request.body.scopes);
      const held = auth.permissions ?? new Set<string>();
      const missing = request.body.scopes.filter((s) => !held.has(s));
      if (missing.length > 0) throw accessErrors.scopesNotHeld(missing);
      const created = await access.tokens.create(auth, auth.userId, request.body, auditMeta(request));
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { requires: 'view_apitoken' },
      schema: {
        tags,
        security,
        summary: 'Your live API tokens, newest first',
        response: { 200: TokenListSchema },
      },
    },
    async (request) => ({
      results: await access.tokens.list(requireAuth(request).userId),
      next_cursor: null,
    }),
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { requires: 'delete_apitoken' },
      schema: {
        tags,
        security,
        summary: 'Revoke one of your API tokens; it stops working at once',
        params: TokenIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await access.tokens.revoke(requireAuth(request), request.params.id, auditMeta(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/users/me/permissions',
    {
      config: { requires: 'authenticated' },
      schema: {
        tags: ['users'],
        security,
        summary: 'Your effective permissions (role ∪ grants, narrowed to the token scopes when using one)',
        response: { 200: MyPermissionsSchema },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const state = await identity.revocation.userState(auth.userId);
      return {
        user_id: auth.userId,
        role: auth.role,
        kind: state?.user.kind ?? 'user',
        auth_method: auth.method,
        permissions: [...(auth.permissions ?? [])].sort(),
        grants: await access.grantsOf(auth.userId),
        scopes: auth.scopes ? [...auth.scopes] : null,
      };
    },
  );
};
