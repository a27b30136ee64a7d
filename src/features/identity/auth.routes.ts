/** /api/v1/auth/*: register, login, refresh, logout. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireAuth } from './authenticate.plugin.js';
import type { IdentityService } from './identity.service.js';
import type { RequestMeta } from './identity.types.js';
import {
  LoginBody,
  LogoutBody,
  RefreshBody,
  RegisterBody,
  SessionSchema,
  TokenPairSchema,
} from './identity.schemas.js';

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

export const authRoutes: FastifyPluginAsync<{ service: IdentityService }> = async (instance, { service }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];

  app.post(
    '/api/v1/auth/register',
    {
      config: { requires: 'public' },
      schema: {
        tags,
        summary: 'Create an account and log in',
        body: RegisterBody,
        response: { 201: SessionSchema },
      },
    },
    async (request, reply) => {
      const session = await service.accounts.register(request.body, requestMeta(request));
      return reply.code(201).send(session);
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { requires: 'public' },
      schema: {
        tags,
        summary: 'Log in with email and password',
        body: LoginBody,
        response: { 200: SessionSchema },
      },
    },
    async (request) =>
      service.accounts.login(request.body.email, request.body.password, requestMeta(request)),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { requires: 'public' },
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new token pair (the old one is used up)',
        body: RefreshBody,
        response: { 200: TokenPairSchema },
      },
    },
    async (request) => service.sessions.refresh(request.body.refresh_token, requestMeta(request)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { requires: 'authenticated' },
      schema: {
        tags,
        summary: 'End this session: the access token and its refresh family stop working at once',
        security: [{ bearerAuth: [] }],
        body: LogoutBody,
        response: { 204: Type.Null() },
      },
      // The body is optional: an absent one is `{}`. Authentication is checked first, so an
      // anonymous caller gets 401 whatever it sent.
      preValidation: async (request) => {
        requireAuth(request);
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      await service.sessions.logout(auth, request.body?.refresh_token ?? null, requestMeta(request));
      return reply.code(204).send(null);
    },
  );
};
