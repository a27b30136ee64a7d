/** /api/v1/webhooks: endpoints, their delivery log, and a test delivery. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../identity/index.js';
import {
  CreatedEndpointSchema,
  CreateEndpointBody,
  DeliveryListSchema,
  DeliveryQuery,
  EndpointListQuery,
  DeliverySchema,
  EndpointIdParams,
  EndpointListSchema,
  EndpointSchema,
} from './webhooks.schemas.js';
import { createWebhooksService, type WebhooksService } from './webhooks.service.js';

const security = [{ bearerAuth: [] }];
const tags = ['webhooks'];

export interface WebhooksRoutesOptions {
  deps: Deps;
  service?: WebhooksService;
}

export const webhooksRoutes: FastifyPluginAsync<WebhooksRoutesOptions> = async (instance, options) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const service = options.service ?? createWebhooksService(options.deps);
  app.addSchema(EndpointSchema);
  app.addSchema(DeliverySchema);

  app.post(
    '/api/v1/webhooks',
    {
      config: { requires: 'add_webhook' },
      schema: {
        tags,
        security,
        summary: 'Subscribe a URL to events; the response carries the signing secret, once',
        description:
          'The URL must be http(s). In production it must resolve to public addresses only ' +
          '(WEBHOOK_ALLOW_PRIVATE=on lifts this). Deliveries are signed per Standard Webhooks.',
        body: CreateEndpointBody,
        response: { 201: CreatedEndpointSchema },
      },
    },
    async (request, reply) => {
      const created = await service.create(requireAuth(request), request.body);
      return reply.code(201).header('location', `/api/v1/webhooks/${created.id}`).send(created);
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      config: { requires: 'view_webhook' },
      schema: {
        tags,
        security,
        summary:
          'Webhook endpoints you may see (managers and admins: everyone’s; `owner=me`: your own), oldest first, cursor-paginated',
        querystring: EndpointListQuery,
        response: { 200: EndpointListSchema },
      },
    },
    async (request) => service.list(requireAuth(request), request.query),
  );

  app.get(
    '/api/v1/webhooks/:id',
    {
      config: { requires: 'view_webhook' },
      schema: {
        tags,
        security,
        summary: 'One webhook endpoint (without its secret)',
        params: EndpointIdParams,
        response: { 200: Type.Ref(EndpointSchema) },
      },
    },
    async (request) => service.get(requireAuth(request), request.params.id),
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { requires: 'delete_webhook' },
      schema: {
        tags,
        security,
        summary: 'Delete a webhook endpoint and its delivery log',
        params: EndpointIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await service.remove(requireAuth(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { requires: 'view_webhook' },
      schema: {
        tags,
        security,
        summary: 'Deliveries to an endpoint, newest first: status, attempts, last response code',
        params: EndpointIdParams,
        querystring: DeliveryQuery,
        response: { 200: DeliveryListSchema },
      },
    },
    async (request) => service.deliveries(requireAuth(request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/webhooks/:id/test',
    {
      config: { requires: 'change_webhook' },
      schema: {
        tags,
        security,
        summary: 'Send a signed `webhook.test` event now (one attempt) and return its delivery',
        params: EndpointIdParams,
        response: { 200: Type.Ref(DeliverySchema) },
      },
    },
    async (request) => service.test(requireAuth(request), request.params.id),
  );
};
