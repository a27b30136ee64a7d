/**
 * /api/v1/ai/* and /api/v1/uploads/:id/ai-review. Every route needs a signed-in user with the
 * `ai.use` permission (declared for the access plugin's route check); usage is for admins.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireAuth, requireRole, type AuthContext } from '../identity/index.js';
import type { AiGateway } from './ai-gateway.service.js';
import {
  ConfirmBody,
  ConfirmResultSchema,
  ExplainBody,
  ExplainResultSchema,
  ReviewBody,
  ReviewSchema,
  StatusSchema,
  SuggestBody,
  SuggestResultSchema,
  UploadIdParams,
  UsageQuery,
  UsageSchema,
} from './ai.schemas.js';
import type { createAnomalyReviewService } from './anomaly-review.service.js';
import type { createExplainService } from './explain.service.js';
import type { MappingService } from './mapping.service.js';
import type { createUsageService } from './usage.service.js';

export interface AiRoutesOptions {
  gateway: AiGateway;
  mapping: MappingService;
  explain: ReturnType<typeof createExplainService>;
  review: ReturnType<typeof createAnomalyReviewService>;
  usage: ReturnType<typeof createUsageService>;
  sampleValues: boolean;
}

const security = [{ bearerAuth: [] }];
// Declared as constants, not inline literals, so this file also compiles on an app without the
// access plugin's `requires` route option.
const AI_USE = { requires: 'ai.use' } as const;
const SIGNED_IN = { requires: 'authenticated' } as const;
const ADMIN = { requires: 'admin.access' } as const;
const tags = ['ai'];

/**
 * The caller, who must hold `ai.use`. The access plugin enforces the route's `requires` before the
 * handler runs; this check keeps the routes closed to anonymous callers on an app without it.
 */
function requireAiUse(request: FastifyRequest): AuthContext {
  return requireAuth(request);
}

export const aiRoutes: FastifyPluginAsync<AiRoutesOptions> = async (instance, options) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { gateway, mapping, explain, review, usage } = options;

  app.get(
    '/api/v1/ai/status',
    {
      config: SIGNED_IN,
      schema: {
        tags,
        security,
        summary: 'Whether AI review is on and available (circuit breaker), the model and the month budget',
        response: { 200: StatusSchema },
      },
    },
    async (request) => {
      requireAuth(request);
      const s = gateway.status();
      return {
        enabled: s.enabled,
        available: s.enabled && s.circuit !== 'open',
        reason: s.reason,
        model: s.model,
        circuit: s.circuit,
        sample_values: options.sampleValues,
        budget: await gateway.budget(),
      };
    },
  );

  app.post(
    '/api/v1/ai/mappings/suggest',
    {
      config: AI_USE,
      schema: {
        tags,
        security,
        summary: 'Map spreadsheet headers to schema fields: rules first, the model only for the rest',
        body: SuggestBody,
        response: { 200: SuggestResultSchema },
      },
    },
    async (request) => mapping.suggest(requireAiUse(request), request.body),
  );

  app.post(
    '/api/v1/ai/mappings/confirm',
    {
      config: AI_USE,
      schema: {
        tags,
        security,
        summary: 'Remember confirmed mappings for the schema (field null: the header is no field)',
        body: ConfirmBody,
        response: { 200: ConfirmResultSchema },
      },
    },
    async (request) => mapping.confirm(requireAiUse(request), request.body),
  );

  app.post(
    '/api/v1/ai/explain',
    {
      config: AI_USE,
      schema: {
        tags,
        security,
        summary: 'A one-sentence suggested fix for a validation error (only the value shape is sent)',
        body: ExplainBody,
        response: { 200: ExplainResultSchema },
      },
    },
    async (request) => explain.explain(requireAiUse(request), request.body),
  );

  app.post(
    '/api/v1/uploads/:id/ai-review',
    {
      config: AI_USE,
      schema: {
        tags,
        security,
        summary:
          'Review a sample of valid rows for semantic anomalies (warnings only; the upload is unchanged)',
        params: UploadIdParams,
        body: ReviewBody,
        response: { 200: ReviewSchema },
      },
    },
    async (request) => review.review(requireAiUse(request), request.params.id, request.body ?? {}),
  );

  app.get(
    '/api/v1/uploads/:id/ai-review',
    {
      config: AI_USE,
      schema: {
        tags,
        security,
        summary: 'The latest AI review of the upload and its warnings',
        params: UploadIdParams,
        response: { 200: ReviewSchema },
      },
    },
    async (request) => review.get(requireAiUse(request), request.params.id),
  );

  app.get(
    '/api/v1/ai/usage',
    {
      config: ADMIN,
      schema: {
        tags,
        security,
        summary: 'AI calls, tokens and cost by day, user and purpose, with the month budget (admins)',
        querystring: UsageQuery,
        response: { 200: UsageSchema },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return usage.usage(request.query);
    },
  );
};
