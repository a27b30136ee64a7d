/**
 * The migration registry, in order. Keys sort lexically and are what Kysely records in
 * `kysely_migration`, so never rename one that has shipped. Features add their files here.
 */
import type { Migration } from 'kysely';
import * as m0001Identity from './0001-identity.js';
import * as m0010Schemas from './0010-schemas.js';
import * as m0011EventsWebhooks from './0011-events-webhooks.js';
import * as m0020Uploads from './0020-uploads.js';
import * as m0022UploadMapping from './0022-upload-mapping.js';
import * as m0030Ai from './0030-ai.js';
import * as m0040Access from './0040-access.js';
import * as m0041Audit from './0041-audit.js';
import * as m0050WebSessions from './0050-web-sessions.js';
import * as m0060AllObjectsPermissions from './0060-all-objects-permissions.js';
import * as m0061Shares from './0061-shares.js';
import * as m0062UploadErrorsNoFk from './0062-upload-errors-no-fk.js';

export const migrations: Record<string, Migration> = {
  '0001_identity': m0001Identity,
  '0010_schemas': m0010Schemas,
  '0011_events_webhooks': m0011EventsWebhooks,
  '0020_uploads': m0020Uploads,
  '0022_upload_mapping': m0022UploadMapping,
  '0030_ai': m0030Ai,
  '0040_access': m0040Access,
  '0041_audit': m0041Audit,
  '0050_web_sessions': m0050WebSessions,
  '0060_all_objects_permissions': m0060AllObjectsPermissions,
  '0061_shares': m0061Shares,
  '0062_upload_errors_no_fk': m0062UploadErrorsNoFk,
};
