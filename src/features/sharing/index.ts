/**
 * Sharing: an owner (or anyone who may change the object) shares a schema or an upload with
 * another user, view-only. Other code reaches it only through this file.
 */
export { sharedIdsQuery, sharedWithSql } from './sharing.sql.js';
export { sharingErrors } from './sharing.errors.js';
export { isSharedWith } from './sharing.repository.js';
export { sharingRoutes, type SharingRoutesOptions } from './sharing.routes.js';
export { createSharingService, type PublicShare, type ShareableKind } from './sharing.service.js';
