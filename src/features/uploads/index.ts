/**
 * The uploads feature: receiving spreadsheets, validating them in the background, serving the
 * results. Other code reaches it only through this file.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { createResultsService } from './upload-results.service.js';
import { uploadsRoutes } from './uploads.routes.js';
import { createUploadsService } from './uploads.service.js';

export { registerUploadJobs } from './uploads.jobs.js';
export { createUploadsService, type UploadsService } from './uploads.service.js';
export type { PublicUpload } from './uploads.schemas.js';
export { createResultsService, type ResultsService } from './upload-results.service.js';
export { createUploadStats, type UploadStats, type DashboardStats } from './upload-stats.service.js';
export { isFinal } from './uploads.mapper.js';
export { removeUploadFilesOfDeletedUser } from './user-deletion.js';
export { sanitizeName } from './file-name.js';
export { uploadErrors } from './uploads.errors.js';

/** The upload routes under /api/v1/uploads. */
export const uploadsPlugin: FastifyPluginAsync<{ deps: Deps }> = async (app, { deps }) => {
  await app.register(uploadsRoutes, {
    deps,
    uploads: createUploadsService(deps),
    results: createResultsService(deps),
  });
};
