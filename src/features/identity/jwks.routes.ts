/** GET /.well-known/jwks.json: our public signing keys, so other services can verify our tokens. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IdentityService } from './identity.service.js';
import { JwksSchema } from './identity.schemas.js';

/** Verifiers may cache this long; they refetch on an unknown `kid`, and old keys outlive it. */
const MAX_AGE_SECONDS = 300;

export const jwksRoutes: FastifyPluginAsync<{ service: IdentityService }> = async (instance, { service }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/.well-known/jwks.json',
    {
      config: { requires: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Public keys that verify our access tokens (current and still-valid previous)',
        response: { 200: JwksSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${MAX_AGE_SECONDS}`);
      return service.keys.jwks();
    },
  );
};
