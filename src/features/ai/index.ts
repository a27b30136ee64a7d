/**
 * AI review with Claude: header mapping, anomaly review, explanations, usage. Other code reaches
 * it only through this file. Off without ANTHROPIC_API_KEY (status says so; model calls answer 503).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { createAiGateway, type AiGatewayOptions } from './ai-gateway.service.js';
import { aiRoutes } from './ai.routes.js';
import { createAnomalyReviewService } from './anomaly-review.service.js';
import { createExplainService } from './explain.service.js';
import { createMappingService } from './mapping.service.js';
import { createUsageService } from './usage.service.js';

export { createAiGateway, type AiGateway, type AiStatus } from './ai-gateway.service.js';
export { confirmedHeaderMapping } from './mapping.service.js';
export { aiMetrics } from './ai.metrics.js';

export interface AiPluginOptions {
  deps: Deps;
  /** For tests: an injected transport or breaker. */
  gateway?: AiGatewayOptions;
}

/** The AI routes; one gateway (breaker, limiter, budgets) per app. */
export const aiPlugin: FastifyPluginAsync<AiPluginOptions> = async (
  app,
  { deps, gateway: gatewayOptions },
) => {
  const gateway = createAiGateway(deps, gatewayOptions);
  await app.register(aiRoutes, {
    gateway,
    mapping: createMappingService(deps, gateway),
    explain: createExplainService(gateway),
    review: createAnomalyReviewService(deps, gateway),
    usage: createUsageService(deps, gateway),
    sampleValues: deps.config.aiSampleValues,
  });
};
