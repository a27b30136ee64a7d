/** /api/v1/uploads: receive spreadsheets, follow their validation, read and export the results. */
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.js';
import { createRateLimiter, enforceRateLimit } from '../../http/rate-limit.js';
import { isUuid } from '../../lib/ids.js';
import { auditMeta } from '../access/index.js';
import { requireAuth } from '../identity/index.js';
import { contentDisposition, exportFileName, sanitizeName } from './file-name.js';
import type { ResultsService } from './upload-results.service.js';
import { uploadErrors } from './uploads.errors.js';
import { streamUploadEvents } from './upload-events.js';
import { UPLOAD_NOTIFY_CHANNEL } from './uploads.repository.js';
import { createNotificationListener } from '../../db/notification-listener.js';
import {
  ErrorListQuery,
  ErrorListSchema,
  RowListQuery,
  RowListSchema,
  UploadIdParams,
  UploadListQuery,
  UploadListSchema,
  UploadSchema,
} from './uploads.schemas.js';
import type { StoredFile, UploadsService } from './uploads.service.js';

const security = [{ bearerAuth: [] }];
const tags = ['uploads'];
const Upload = Type.Ref(UploadSchema);
const MB = 1024 * 1024;
const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Exports share one window per user (DESIGN.md: exports 5/hour). */
const EXPORT_WINDOW_SECONDS = 3600;

export interface UploadsRoutesOptions {
  deps: Deps;
  uploads: UploadsService;
  results: ResultsService;
}

export const uploadsRoutes: FastifyPluginAsync<UploadsRoutesOptions> = async (
  instance,
  { deps, uploads, results },
) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = deps;
  const limiter = createRateLimiter(deps.kv);
  // One LISTEN connection for every event stream of this app (see upload-events.ts).
  const uploadChanges = createNotificationListener({
    channel: UPLOAD_NOTIFY_CHANNEL,
    clientConfig: deps.pgPool.options,
    logger: deps.logger,
  });
  app.addHook('onClose', () => uploadChanges.close());
  app.addSchema(UploadSchema);
  await app.register(multipart, {
    // Only this plugin's routes parse multipart; each request streams at most one file.
    limits: { fileSize: config.maxUploadMb * MB, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  });

  const exportLimit = (reply: FastifyReply, userId: string) =>
    enforceRateLimit(
      limiter,
      reply,
      `export:user:${userId}`,
      config.rateLimitExportPerHour,
      EXPORT_WINDOW_SECONDS,
    );

  app.post(
    '/api/v1/uploads',
    {
      config: { requires: 'add_upload' },
      schema: {
        tags,
        security,
        summary: 'Upload a spreadsheet (xlsx or CSV) for validation against a schema',
        description:
          'multipart/form-data with `file`, `schema_id` and optionally `sheet`. Responds 202 with the queued upload. ' +
          'With an `Idempotency-Key` header, repeating the same request returns the same upload (200); the key with ' +
          'another file, schema or sheet is a 422 `idempotency_key_reused`.',
        consumes: ['multipart/form-data'],
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        response: { 200: Upload, 202: Upload },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const rawKey = request.headers['idempotency-key'];
      const idempotencyKey = typeof rawKey === 'string' ? rawKey : null;
      if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey))
        throw uploadErrors.badIdempotencyKey();
      if (!request.isMultipart()) throw uploadErrors.notMultipart();

      const receivedAt = performance.now();
      let storedAt = 0;
      let stored: StoredFile | null = null;
      let fileName = 'upload';
      const fields: Record<string, string> = {};
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || stored !== null) {
              part.file.resume();
              throw uploadErrors.tooManyFiles();
            }
            fileName = part.filename;
            stored = await uploads.storeFile(part.file);
            storedAt = performance.now();
            // The size limit ends the stream early instead of failing it: the stored file is cut short.
            if (part.file.truncated) throw uploadErrors.fileTooLarge(config.maxUploadMb);
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (err) {
        if (stored !== null) await uploads.discard(stored.key);
        throw mapMultipartError(err, config.maxUploadMb);
      }
      if (stored === null) throw uploadErrors.missingFile();
      const schemaId = fields.schema_id?.trim() ?? '';
      const sheet = fields.sheet?.trim() || null;
      const unknown = Object.keys(fields).filter((name) => name !== 'schema_id' && name !== 'sheet');
      const problem = !isUuid(schemaId)
        ? uploadErrors.badField('schema_id', 'Give the id (UUID) of the schema to validate against.')
        : sheet !== null && sheet.length > 255
          ? uploadErrors.badField('sheet', 'A sheet name has at most 255 characters.')
          : unknown.length > 0
            ? uploadErrors.badField(unknown[0], 'Unknown field; send only file, schema_id and sheet.')
            : null;
      if (problem !== null) {
        await uploads.discard(stored.key);
        throw problem;
      }

      const { upload, replayed } = await uploads.create(auth, {
        file: stored,
        fileName: sanitizeName(fileName),
        schemaId,
        sheet,
        idempotencyKey,
      });
      request.log.info(
        {
          uploadId: upload.id,
          bytes: stored.bytes,
          // Streaming the file to storage (with its hash), then sniff + row and job transaction.
          phases: {
            store: Math.round(storedAt - receivedAt),
            create: Math.round(performance.now() - storedAt),
          },
        },
        replayed ? 'upload replayed' : 'upload received',
      );
      reply.header('location', `/api/v1/uploads/${upload.id}`);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 202).send(upload);
    },
  );

  app.get(
    '/api/v1/uploads',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'Your uploads, newest first, cursor-paginated; filter by status or schema',
        querystring: UploadListQuery,
        response: { 200: UploadListSchema },
      },
    },
    async (request) => uploads.list(requireAuth(request), request.query),
  );

  app.get(
    '/api/v1/uploads/:id',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'An upload with its status, progress and counts',
        params: UploadIdParams,
        response: { 200: Upload },
      },
    },
    async (request) => uploads.get(requireAuth(request), request.params.id),
  );

  app.get(
    '/api/v1/uploads/:id/events',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary:
          'Server-Sent Events: `progress` while validating, then one final `done` event, then the stream ends',
        params: UploadIdParams,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      await uploads.findVisible(auth, request.params.id);
      return streamUploadEvents(deps, reply, request.params.id, { listener: uploadChanges });
    },
  );

  app.get(
    '/api/v1/uploads/:id/errors',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'The stored issues in report order, cursor-paginated; filter by code and column',
        params: UploadIdParams,
        querystring: ErrorListQuery,
        response: { 200: ErrorListSchema },
      },
    },
    async (request) => {
      const row = await uploads.findVisible(requireAuth(request), request.params.id);
      return results.listErrors(row, request.query);
    },
  );

  app.get(
    '/api/v1/uploads/:id/file',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'The original file as uploaded',
        params: UploadIdParams,
        produces: Object.values(CONTENT_TYPES),
      },
    },
    async (request, reply) => {
      const row = await uploads.findVisible(requireAuth(request), request.params.id);
      reply.header('content-type', row.format === 'xlsx' ? CONTENT_TYPES.xlsx : CONTENT_TYPES.csv);
      reply.header('content-disposition', contentDisposition(row.file_name));
      reply.header('content-length', row.bytes);
      return reply.send(deps.storage.open(row.storage_key));
    },
  );

  app.get(
    '/api/v1/uploads/:id/annotated.xlsx',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'The file with bad cells highlighted and commented, plus an Errors sheet (export: 5/hour)',
        params: UploadIdParams,
        produces: [CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const row = await uploads.findVisible(auth, request.params.id);
      await exportLimit(reply, auth.userId);
      const stream = await results.annotated(row);
      reply.header('content-type', CONTENT_TYPES.xlsx);
      reply.header(
        'content-disposition',
        contentDisposition(exportFileName(row.file_name, 'annotated', 'xlsx')),
      );
      return reply.send(stream);
    },
  );

  app.get(
    '/api/v1/uploads/:id/errors.csv',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'Every stored issue as CSV (export: 5/hour)',
        params: UploadIdParams,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const row = await uploads.findVisible(auth, request.params.id);
      await exportLimit(reply, auth.userId);
      const stream = results.errorsCsv(row);
      reply.header('content-type', CONTENT_TYPES.csv);
      reply.header('content-disposition', contentDisposition(exportFileName(row.file_name, 'errors', 'csv')));
      return reply.send(stream);
    },
  );

  app.get(
    '/api/v1/uploads/:id/rows',
    {
      config: { requires: 'view_upload' },
      schema: {
        tags,
        security,
        summary: 'The data rows with values cast by the schema, paginated by row number (export: 5/hour)',
        description:
          'Rows are re-read from the stored file on demand with the schema version the upload was validated with; ' +
          '`valid=true` gives what a downstream system imports. The cursor is the last row number of the page.',
        params: UploadIdParams,
        querystring: RowListQuery,
        response: { 200: RowListSchema },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const row = await uploads.findVisible(auth, request.params.id);
      await exportLimit(reply, auth.userId);
      return results.rows(row, request.query);
    },
  );

  app.post(
    '/api/v1/uploads/:id/revalidate',
    {
      config: { requires: 'change_upload' },
      schema: {
        tags,
        security,
        summary: "Validate again against the schema's latest version; the results are replaced",
        params: UploadIdParams,
        response: { 202: Upload },
      },
    },
    async (request, reply) => {
      const upload = await uploads.revalidate(requireAuth(request), request.params.id);
      reply.header('location', `/api/v1/uploads/${upload.id}`);
      return reply.code(202).send(upload);
    },
  );

  app.delete(
    '/api/v1/uploads/:id',
    {
      config: { requires: 'delete_upload' },
      schema: {
        tags,
        security,
        summary: 'Delete the upload, its file and its results',
        params: UploadIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await uploads.remove(requireAuth(request), request.params.id, auditMeta(request));
      return reply.code(204).send(null);
    },
  );
};

/** @fastify/multipart's errors as our codes. */
function mapMultipartError(err: unknown, maxMb: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return uploadErrors.fileTooLarge(maxMb);
  if (code === 'FST_FILES_LIMIT') return uploadErrors.tooManyFiles();
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return uploadErrors.notMultipart();
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return uploadErrors.badField('body', 'Send only file, schema_id and sheet.');
  return err;
}
