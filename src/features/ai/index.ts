/**
 * AI review with Claude: header mapping, anomaly review, explanations, usage. Other code reaches
 * it only through this file. Off without ANTHROPIC_API_KEY (status says so; model calls answer 503).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { createAiGateway, type AiGateway, type AiGatewayOptions } from './ai-gateway.service.js';
import { aiRoutes } from './ai.routes.js';
import { createAnomalyReviewService } from './anomaly-review.service.js';
import { createExplainService } from './explain.service.js';
import { createMappingService, type MappingService } from './mapping.service.js';
import { createUsageService } from './usage.service.js';

export { createAiGateway, type AiGateway, type AiStatus } from './ai-gateway.service.js';
export { confirmedHeaderMapping } from './mapping.service.js';
export { aiMetrics } from './ai.metrics.js';

export type { MappingService, SuggestResult } from './mapping.service.js';
export type { ReviewResource } from './anomaly-review.service.js';

/** The AI services of one app, sharing one gateway (breaker, limiter, budgets): API and pages. */
export interface AiServices {
  readonly gateway: AiGateway;
  readonly mapping: MappingService;
  readonly explain: ReturnType<typeof createExplainService>;
  readonly review: ReturnType<typeof createAnomalyReviewService>;
  readonly usage: ReturnType<typeof createUsageService>;
}

export function createAiServices(deps: Deps, gatewayOptions?: AiGatewayOptions): AiServices {
  const gateway = createAiGateway(deps, gatewayOptions);
  return {
    gateway,
    mapping: createMappingService(deps, gateway),
    explain: createExplainService(gateway),
    review: createAnomalyReviewService(deps, gateway),
    usage: createUsageService(deps, gateway),
  };
}

export interface AiPluginOptions {
  deps: Deps;
  /** For tests: an injected transport or breaker. */
  gateway?: AiGatewayOptions;
  /** The app's AI services (shared with the pages); made here when absent. */
  services?: AiServices;
}

/** The AI routes; one gateway (breaker, limiter, budgets) per app. */
export const aiPlugin: FastifyPluginAsync<AiPluginOptions> = async (
  app,
  { deps, gateway: gatewayOptions, services },
) => {
  const ai = services ?? createAiServices(deps, gatewayOptions);
  await app.register(aiRoutes, { ...ai, sampleValues: deps.config.aiSampleValues });
};
