/**
 * Upload pages: dashboard (/), upload form (/uploads/new, POST /uploads), report (/uploads/:id)
 * with its live fragments, revalidate, delete and the Sharing card. They call the same services
 * as the API, with the same object rules: a report is shown to whoever may read the upload (its
 * owner, holders of `upload.all`, those it is shared with), read-only for a grantee.
 */
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/app-error.js';
import { actsOnAllObjects, auditMeta } from '../../access/index.js';
import type { AuthContext } from '../../identity/index.js';
import { createSchemasService } from '../../schemas/index.js';
import { createSharingService, sharingErrors } from '../../sharing/index.js';
import { fieldErrorsOf, isHtmx, redirectTo, renderPage, type WebPages } from '../../../web/index.js';
import { createResultsService } from '../upload-results.service.js';
import { createUploadStats } from '../upload-stats.service.js';
import { uploadErrors } from '../uploads.errors.js';
import { isFinal, toPublicUpload } from '../uploads.mapper.js';
import { createUploadsService, type StoredFile } from '../uploads.service.js';
import { sanitizeName } from '../file-name.js';
import { DashboardPage } from './dashboard.view.js';
import { ReportPage, type ErrorFilter, type ReportData } from './report.view.js';
import { UploadPage, type UploadFormState } from './upload-form.view.js';
import { UploadRow, ValidationProgress } from './upload-status.view.js';
import { PAGE_UUID_PARAMS } from '../../../web/page-schemas.js';

const MB = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ERRORS_PER_PAGE = 50;
const PREVIEW_ROWS = 10;

const reportQuery = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 100 },
    column: { type: 'string', maxLength: 1000 },
    cursor: { type: 'string', maxLength: 20, pattern: '^[0-9]*$' },
  },
} as const;
const formBody = { type: 'object', additionalProperties: { type: 'string' } } as const;
/** A share's page route: the upload id and the grantee's user id (UUIDs, checked before SQL). */
const PAGE_SHARE_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } },
  required: ['id', 'user_id'],
} as const;
const READ_ONLY =
  'This upload is shared with you view-only: you can read its report and download its files, not revalidate or delete it.';

export const uploadsPages: WebPages = async (app, ctx) => {
  const { deps } = ctx;
  const uploads = createUploadsService(deps);
  const results = createResultsService(deps);
  const stats = createUploadStats(deps);
  const schemas = createSchemasService(deps);
  const sharing = createSharingService(deps, {
    type: 'upload',
    collection: 'uploads',
    findChangeable: async (auth, id) => {
      const row = await uploads.findOwn(auth, id);
      return { id: row.id, ownerId: row.user_id };
    },
  });
  await app.register(multipart, {
    limits: { fileSize: deps.config.maxUploadMb * MB, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  });

  async function schemaChoices(request: FastifyRequest) {
    const page = await schemas.list(request.auth!, { limit: 100 });
    return page.results.map((s) => ({ id: s.id, name: s.name, version: s.version }));
  }

  app.get('/', { config: { requires: 'view_upload' }, schema: { hide: true } }, async (request, reply) => {
    const auth = request.auth!;
    const [page, dashboard, recent, shared] = await Promise.all([
      ctx.page(request),
      stats.dashboard(auth),
      uploads.list(auth, { limit: 10, owner: 'me' }),
      uploads.sharedWithMe(auth, 10),
    ]);
    return renderPage(
      reply,
      <DashboardPage page={page} stats={dashboard} uploads={recent.results} shared={shared} />,
    );
  });

  app.get(
    '/uploads/new',
    { config: { requires: 'add_upload' }, schema: { hide: true } },
    async (request, reply) => {
      const state: UploadFormState = {
        schemas: await schemaChoices(request),
        maxMb: deps.config.maxUploadMb,
      };
      const query = request.query as { schema_id?: string };
      return renderPage(
        reply,
        <UploadPage page={await ctx.page(request)} state={{ ...state, schemaId: query.schema_id }} />,
      );
    },
  );

  async function uploadFailed(
    request: FastifyRequest,
    reply: FastifyReply,
    err: AppError,
    fields: Record<string, string>,
  ) {
    const state: UploadFormState = {
      schemas: await schemaChoices(request),
      maxMb: deps.config.maxUploadMb,
      schemaId: fields.schema_id,
      sheet: fields.sheet,
      message: err.message,
      errors: fieldErrorsOf(err),
    };
    return renderPage(reply, <UploadPage page={await ctx.page(request)} state={state} />, err.status);
  }

  app.post(
    '/uploads',
    { config: { requires: 'add_upload' }, schema: { hide: true } },
    async (request, reply) => {
      const auth = request.auth!;
      const fields: Record<string, string> = {};
      let stored: StoredFile | null = null;
      let fileName = 'upload';
      try {
        if (!request.isMultipart()) throw uploadErrors.notMultipart();
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || stored !== null) {
                part.file.resume();
                throw uploadErrors.tooManyFiles();
              }
              fileName = part.filename;
              // A browser sends an empty part when no file was chosen.
              stored = await uploads.storeFile(part.file);
              if (part.file.truncated) throw uploadErrors.fileTooLarge(deps.config.maxUploadMb);
            } else if (typeof part.value === 'string') {
              fields[part.fieldname] = part.value;
            }
          }
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') throw uploadErrors.fileTooLarge(deps.config.maxUploadMb);
          throw err;
        }
        if (stored === null || stored.bytes === 0 || fileName === '') throw uploadErrors.missingFile();
        const schemaId = fields.schema_id?.trim() ?? '';
        if (!UUID.test(schemaId)) throw uploadErrors.badField('schema_id', 'Choose a schema.');
        const sheet = fields.sheet?.trim() || null;
        if (sheet !== null && sheet.length > 255)
          throw uploadErrors.badField('sheet', 'A sheet name has at most 255 characters.');
        const file = stored;
        stored = null; // create() owns the stored file from here (it removes it on refusal).
        const { upload } = await uploads.create(auth, {
          file,
          fileName: sanitizeName(fileName),
          schemaId,
          sheet,
          idempotencyKey: null,
        });
        return redirectTo(request, reply, `/uploads/${upload.id}`);
      } catch (err) {
        if (stored !== null) await uploads.discard(stored.key);
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return uploadFailed(request, reply, err, fields);
      }
    },
  );

  /** Its owner or a holder of `upload.all` acts on an upload; anyone else who sees it only reads it. */
  function mayChange(auth: AuthContext, ownerId: string): boolean {
    return ownerId === auth.userId || actsOnAllObjects(auth, 'upload');
  }

  async function reportData(
    request: FastifyRequest,
    id: string,
    filter: ErrorFilter,
    shareError: string | null = null,
  ): Promise<ReportData> {
    const auth = request.auth!;
    // The same lookup as GET /api/v1/uploads/{id}: 404 unless the caller may read it.
    const row = await uploads.findVisible(auth, id);
    const upload = toPublicUpload(row);
    const changes = mayChange(auth, row.user_id);
    const holds = (codename: string) => changes && (auth.permissions?.has(codename) ?? false);
    const [schema, shares] = await Promise.all([
      schemas.get(auth, row.schema_id).catch(() => null),
      holds('change_upload') ? sharing.list(auth, row.id) : null,
    ]);
    const base = {
      upload,
      // A grantee may not see the schema (it is shared separately), so it may not be "deleted".
      schemaName: schema?.name ?? (changes ? 'deleted schema' : 'a schema not shared with you'),
      filter,
      actions: { revalidate: holds('change_upload'), delete: holds('delete_upload'), ai: changes },
      readOnly: changes ? null : READ_ONLY,
      sharing: shares === null ? null : { shares, error: shareError },
    };
    if (upload.status !== 'invalid')
      return { ...base, byColumn: [], issues: [], nextCursor: null, preview: null };
    const [byColumn, errors] = await Promise.all([
      stats.errorsByColumn(row),
      results.listErrors(row, {
        code: filter.code || undefined,
        column: filter.column || undefined,
        cursor: filter.cursor || undefined,
        limit: ERRORS_PER_PAGE,
      }),
    ]);
    // The preview shows the data rows this page of errors is about (header issues have none).
    const issueRows = new Set(errors.results.map((i) => i.row));
    const firstRow = Math.min(...issueRows);
    let preview: ReportData['preview'] = null;
    if (Number.isFinite(firstRow) && firstRow > 0) {
      const rows = await results.rows(row, {
        valid: false,
        cursor: String(firstRow - 1),
        limit: PREVIEW_ROWS,
      });
      const shown = rows.results.filter((r) => issueRows.has(r.row));
      const columns = Object.keys(shown[0]?.values ?? {});
      if (shown.length > 0) preview = { columns, rows: shown.map((r) => ({ row: r.row, values: r.values })) };
    }
    return { ...base, byColumn, issues: errors.results, nextCursor: errors.next_cursor, preview };
  }

  app.get<{ Params: { id: string }; Querystring: ErrorFilter }>(
    '/uploads/:id',
    {
      config: { requires: 'view_upload' },
      schema: { hide: true, params: PAGE_UUID_PARAMS, querystring: reportQuery },
    },
    async (request, reply) => {
      const data = await reportData(request, request.params.id, request.query);
      return renderPage(reply, <ReportPage page={await ctx.page(request)} data={data} />);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/uploads/:id/progress',
    { config: { requires: 'view_upload' }, schema: { hide: true, params: PAGE_UUID_PARAMS } },
    async (request, reply) => {
      const upload = await uploads.get(request.auth!, request.params.id);
      // Finished: reload the page, which then shows the report instead of the progress.
      if (isFinal(upload.status) && isHtmx(request))
        return reply.code(200).header('hx-refresh', 'true').send('');
      return renderPage(reply, <ValidationProgress upload={upload} />);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/uploads/:id/row',
    { config: { requires: 'view_upload' }, schema: { hide: true, params: PAGE_UUID_PARAMS } },
    async (request, reply) => {
      const upload = await uploads.get(request.auth!, request.params.id);
      return renderPage(reply, <UploadRow upload={upload} />);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/uploads/:id/revalidate',
    {
      config: { requires: 'change_upload' },
      schema: { hide: true, params: PAGE_UUID_PARAMS, body: formBody },
    },
    async (request, reply) => {
      await uploads.revalidate(request.auth!, request.params.id);
      return redirectTo(request, reply, `/uploads/${request.params.id}`);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/uploads/:id/delete',
    {
      config: { requires: 'delete_upload' },
      schema: { hide: true, params: PAGE_UUID_PARAMS, body: formBody },
    },
    async (request, reply) => {
      await uploads.remove(request.auth!, request.params.id, auditMeta(request));
      return redirectTo(request, reply, '/');
    },
  );

  app.post<{ Params: { id: string } }>(
    '/uploads/:id/shares',
    {
      config: { requires: 'change_upload' },
      schema: { hide: true, params: PAGE_UUID_PARAMS, body: formBody },
    },
    async (request, reply) => {
      const email = ((request.body as Record<string, string> | undefined)?.email ?? '').trim();
      try {
        if (email === '') throw sharingErrors.needOneOf();
        await sharing.add(request.auth!, request.params.id, { email }, auditMeta(request));
      } catch (err) {
        // An unknown user, a service account, the owner, yourself, or twice: say so on the page.
        if (!(err instanceof AppError) || ![409, 422].includes(err.status)) throw err;
        const data = await reportData(request, request.params.id, {}, err.message);
        return renderPage(reply, <ReportPage page={await ctx.page(request)} data={data} />, err.status);
      }
      return redirectTo(request, reply, `/uploads/${request.params.id}#sharing`);
    },
  );

  app.post<{ Params: { id: string; user_id: string } }>(
    '/uploads/:id/shares/:user_id/delete',
    {
      config: { requires: 'change_upload' },
      schema: { hide: true, params: PAGE_SHARE_PARAMS, body: formBody },
    },
    async (request, reply) => {
      await sharing.remove(request.auth!, request.params.id, request.params.user_id, auditMeta(request));
      return redirectTo(request, reply, `/uploads/${request.params.id}#sharing`);
    },
  );
};
