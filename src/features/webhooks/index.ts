/** The webhooks feature. Other code reaches it only through this file. */
export { createFanOut, attemptDelivery, type DeliverWebhookJob } from './delivery.service.js';
export { createWebhooksService, checkWebhookUrl, type WebhooksService } from './webhooks.service.js';
export { registerWebhookJobs } from './webhooks.jobs.js';
export { webhooksRoutes } from './webhooks.routes.js';
export { isPrivateAddress } from './url-guard.js';
