/** /api/v1/users: the caller's profile and password, and user administration. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireAuth } from './authenticate.plugin.js';
import { requestMeta } from './auth.routes.js';
import type { IdentityService } from './identity.service.js';
import {
  PasswordChangeBody,
  PatchMeBody,
  PatchUserBody,
  UserIdParams,
  UserListQuery,
  UserListSchema,
  UserSchema,
} from './identity.schemas.js';

const security = [{ bearerAuth: [] }];
const tags = ['users'];
const User = Type.Ref(UserSchema);

export const usersRoutes: FastifyPluginAsync<{ service: IdentityService }> = async (
  instance,
  { service },
) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/users/me',
    {
      config: { requires: 'authenticated' },
      schema: { tags, security, summary: 'Your profile', response: { 200: User } },
    },
    async (request) => {
      const auth = requireAuth(request);
      return service.users.get(auth, auth.userId);
    },
  );

  app.patch(
    '/api/v1/users/me',
    {
      config: { requires: 'authenticated' },
      schema: { tags, security, summary: 'Change your names', body: PatchMeBody, response: { 200: User } },
    },
    async (request) => {
      const auth = requireAuth(request);
      return service.users.update(auth, auth.userId, request.body);
    },
  );

  app.post(
    '/api/v1/users/me/password',
    {
      config: { requires: 'authenticated' },
      schema: {
        tags,
        security,
        summary: 'Change your password; every other session and earlier access token stops working',
        body: PasswordChangeBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { current_password, new_password } = request.body;
      await service.accounts.changePassword(auth, current_password, new_password, requestMeta(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/users',
    {
      config: { requires: 'view_user' },
      schema: {
        tags,
        security,
        summary: 'List users (admin), oldest first, cursor-paginated',
        querystring: UserListQuery,
        response: { 200: UserListSchema },
      },
    },
    async (request) => service.users.list(requireAuth(request), request.query),
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { requires: 'authenticated' },
      schema: {
        tags,
        security,
        summary: 'A user (admin, or yourself)',
        params: UserIdParams,
        response: { 200: User },
      },
    },
    async (request) => service.users.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { requires: 'authenticated' },
      schema: {
        tags,
        security,
        summary: 'Change a user (admin: names, role, is_active; yourself: names only)',
        params: UserIdParams,
        body: PatchUserBody,
        response: { 200: User },
      },
    },
    async (request) =>
      service.users.update(requireAuth(request), request.params.id, request.body, requestMeta(request)),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      config: { requires: 'delete_user' },
      schema: {
        tags,
        security,
        summary: 'Delete a user (admin; not yourself)',
        params: UserIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await service.users.remove(requireAuth(request), request.params.id, requestMeta(request));
      return reply.code(204).send(null);
    },
  );
};
