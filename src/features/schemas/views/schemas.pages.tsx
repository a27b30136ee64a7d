/**
 * Schema pages: list, new, create from a sample (inference, then the editor with the draft), edit
 * (every save is a new version, through the schemas service), versions, delete. Plain forms
 * throughout; the editor's script only adds row controls and the live JSON view.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isEngineError } from '../../../engine/index.js';
import { inferSchema } from '../../../engine/infer/index.js';
import { AppError } from '../../../lib/app-error.js';
import { Layout, redirectTo, renderPage, type PageContext, type WebPages } from '../../../web/index.js';
import { actsOnAllObjects, auditMeta } from '../../access/index.js';
import { requireAuth } from '../../identity/index.js';
import { createSchemasService } from '../schemas.service.js';
import { createSharingService, sharingErrors } from '../../sharing/index.js';
import { SchemaEditorView } from './schema-editor.view.js';
import { SchemaSharingView } from './schema-sharing.view.js';
import { draftFromForm, schemaFromDraft, SchemaFormError } from './schema-form.js';
import { SchemasListView, SchemaVersionsView } from './schemas-list.view.js';
import { PAGE_FORM_SCHEMA, PAGE_ID_PARAMS } from '../../../web/page-schemas.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The editor script sits beside this file in src/ and is not compiled: from dist/ (tsc's outDir),
 * walk up to the repository and read it from src/.
 */
function editorScript(): Buffer {
  const relative = path.join('src', 'features', 'schemas', 'views', 'schema-editor.client.js');
  const candidates = [path.join(here, 'schema-editor.client.js')];
  for (let dir = here, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, relative));
  for (const file of candidates) {
    if (existsSync(file)) return readFileSync(file);
  }
  throw new Error(`schema-editor.client.js not found (looked in ${candidates.join(', ')})`);
}

function str(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : '';
}

function page(p: PageContext, title: string, children: JSX.Element): JSX.Element {
  return (
    <Layout title={title} user={p.user} csrfToken={p.csrfToken} active="schemas">
      {children}
    </Layout>
  );
}

/** The definition a posted editor form means: the field rows, or the raw JSON view. */
function definitionFrom(body: unknown): Record<string, unknown> {
  const record = (body ?? {}) as Record<string, unknown>;
  if (str(record, 'source') === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(str(record, 'schema_json'));
    } catch (err) {
      throw new SchemaFormError(`The raw JSON is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SchemaFormError('The raw JSON must be an object with a "fields" list.');
    }
    return parsed as Record<string, unknown>;
  }
  return schemaFromDraft(draftFromForm(record));
}

/** A client's mistake to show next to the form, or null for anything else (rethrown). */
function saveErrorOf(err: unknown): string | null {
  if (err instanceof SchemaFormError) return err.message;
  // 403 (a schema shared with the caller view-only) and 404 go to the error pages, not the form.
  if (err instanceof AppError && err.status < 500 && err.status !== 404 && err.status !== 403) {
    const details = err.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message));
    return [err.message, ...details].join(' ');
  }
  return null;
}

/** A share's page route: the schema id and the grantee's user id (a UUID, checked before SQL). */
const PAGE_SHARE_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' }, user_id: { type: 'string', format: 'uuid' } },
  required: ['id', 'user_id'],
} as const;

export const schemasPages: WebPages = async (app, ctx) => {
  const service = createSchemasService(ctx.deps);
  const sharing = createSharingService(ctx.deps, {
    type: 'schema',
    collection: 'schemas',
    findChangeable: (auth, id) => service.findChangeable(auth, id),
  });
  const maxSampleBytes = ctx.deps.config.maxUploadMb * 1024 * 1024;
  if (!app.hasRequestDecorator('isMultipart')) {
    await app.register(multipart, { limits: { fileSize: maxSampleBytes, files: 1, fields: 5, parts: 6 } });
  }

  const script = editorScript();
  const scriptName = `editor.${createHash('sha256').update(script).digest('hex').slice(0, 12)}.js`;
  const scriptUrl = `/schemas/assets/${scriptName}`;

  app.get<{ Params: { file: string } }>(
    '/schemas/assets/:file',
    { config: { requires: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      if (request.params.file !== scriptName) return reply.callNotFound();
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(script);
    },
  );

  async function editor(
    request: FastifyRequest,
    reply: FastifyReply,
    props: Omit<Parameters<typeof SchemaEditorView>[0], 'csrfToken'>,
    status = 200,
    sharingCard?: (csrfToken: string) => JSX.Element,
  ): Promise<FastifyReply> {
    const p = await ctx.page(request);
    const title = props.existing ? `Edit ${props.name}` : 'New schema';
    return renderPage(
      reply,
      page(
        p,
        title,
        <>
          <p class="mb-2 text-sm">
            <a class="font-medium text-indigo-800 underline" href="/schemas">
              Schemas
            </a>
          </p>
          <h1 class="mb-4 text-2xl font-bold text-slate-900" safe>
            {title}
          </h1>
          {SchemaEditorView({ ...props, csrfToken: p.csrfToken })}
          {sharingCard ? sharingCard(p.csrfToken) : ''}
          <script src={scriptUrl} defer></script>
        </>,
      ),
      status,
    );
  }

  async function list(request: FastifyRequest, reply: FastifyReply, sampleError?: string, status = 200) {
    const auth = requireAuth(request);
    const cursor = str(request.query, 'cursor') || undefined;
    const result = await service.list(auth, { limit: 50, cursor });
    const p = await ctx.page(request);
    const view = SchemasListView({
      schemas: result.results,
      nextCursor: result.next_cursor,
      csrfToken: p.csrfToken,
      canAdd: auth.permissions?.has('add_schema') ?? false,
      sampleError: sampleError ?? null,
    });
    return renderPage(reply, page(p, 'Schemas', view), status);
  }

  app.get('/schemas', { config: { requires: 'view_schema' }, schema: { hide: true } }, (request, reply) =>
    list(request, reply),
  );

  app.get('/schemas/new', { config: { requires: 'add_schema' }, schema: { hide: true } }, (request, reply) =>
    editor(request, reply, { action: '/schemas', name: '', description: '', definition: { fields: [] } }),
  );

  app.post(
    '/schemas',
    { config: { requires: 'add_schema' }, schema: PAGE_FORM_SCHEMA },
    async (request, reply) => {
      const name = str(request.body, 'name').trim();
      const description = str(request.body, 'description');
      let definition: Record<string, unknown> = { fields: [] };
      try {
        definition = definitionFrom(request.body);
        if (name === '') throw new SchemaFormError('Give the schema a name.');
        const created = await service.create(
          requireAuth(request),
          { name, description, schema: definition },
          auditMeta(request),
        );
        return redirectTo(request, reply, `/schemas/${created.id}`);
      } catch (err) {
        const message = saveErrorOf(err);
        if (message === null) throw err;
        return editor(
          request,
          reply,
          { action: '/schemas', name, description, definition, error: message },
          422,
        );
      }
    },
  );

  app.post(
    '/schemas/infer',
    { config: { requires: 'add_schema' }, schema: { hide: true } },
    async (request, reply) => {
      requireAuth(request);
      if (!request.isMultipart()) return list(request, reply, 'Choose a sample file to upload.', 415);
      const part = await request.file({ limits: { fileSize: maxSampleBytes, files: 1 } });
      if (!part || part.fieldname !== 'file' || part.filename === '') {
        return list(request, reply, 'Choose a sample file to upload.', 422);
      }
      const dir = await mkdtemp(path.join(tmpdir(), 'intake-web-infer-'));
      try {
        const file = path.join(dir, 'sample');
        await pipeline(part.file, createWriteStream(file));
        if (part.file.truncated) {
          return list(request, reply, `The sample is larger than ${ctx.deps.config.maxUploadMb} MB.`, 413);
        }
        const schema = (await inferSchema(file, {})) as unknown as Record<string, unknown>;
        const base = path
          .basename(part.filename)
          .replace(/\.[A-Za-z0-9]{1,5}$/, '')
          .slice(0, 200);
        return editor(request, reply, {
          action: '/schemas',
          name: base || 'New schema',
          description: '',
          definition: schema,
          inferredFrom: part.filename.slice(0, 255),
        });
      } catch (err) {
        if (isEngineError(err))
          return list(request, reply, err.message, err.code === 'unsupported_format' ? 415 : 422);
        throw err;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  /** The schema page: the editor (read-only when the caller may not change it) and, for those who may, the Sharing card. */
  async function showSchema(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    shareError?: { message: string; status: number },
  ): Promise<FastifyReply> {
    const auth = requireAuth(request);
    const version = Number(str(request.query, 'version')) || undefined;
    const s = await service.get(auth, id, version);
    const current = await service.get(auth, id);
    const mayChange = s.owner_id === auth.userId || actsOnAllObjects(auth, 'schema');
    const readOnly = !mayChange
      ? 'This schema is shared with you view-only: you can read it and download its template, not change it.'
      : auth.permissions?.has('change_schema')
        ? null
        : 'Your role can read schemas but not change them.';
    const shares = readOnly === null ? await sharing.list(auth, s.id) : null;
    return editor(
      request,
      reply,
      {
        readOnly,
        action: `/schemas/${s.id}`,
        name: s.name,
        description: s.description,
        definition: s.schema,
        existing: { id: s.id, version: current.version },
        shownVersion: s.version,
      },
      shareError?.status ?? 200,
      shares === null
        ? undefined
        : (csrfToken) =>
            SchemaSharingView({ schemaId: s.id, shares, csrfToken, error: shareError?.message ?? null }),
    );
  }

  app.get<{ Params: { id: string } }>(
    '/schemas/:id',
    { config: { requires: 'view_schema' }, schema: { hide: true, params: PAGE_ID_PARAMS } },
    (request, reply) => showSchema(request, reply, request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/schemas/:id/shares',
    { config: { requires: 'change_schema' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      const email = str(request.body, 'email').trim();
      try {
        if (email === '') throw sharingErrors.needOneOf();
        await sharing.add(requireAuth(request), request.params.id, { email }, auditMeta(request));
      } catch (err) {
        // An unknown user, a service account, the owner, yourself, or twice: say so on the page.
        if (!(err instanceof AppError) || ![409, 422].includes(err.status)) throw err;
        return showSchema(request, reply, request.params.id, { message: err.message, status: err.status });
      }
      return redirectTo(request, reply, `/schemas/${request.params.id}#sharing`);
    },
  );

  app.post<{ Params: { id: string; user_id: string } }>(
    '/schemas/:id/shares/:user_id/delete',
    { config: { requires: 'change_schema' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_SHARE_PARAMS } },
    async (request, reply) => {
      await sharing.remove(
        requireAuth(request),
        request.params.id,
        request.params.user_id,
        auditMeta(request),
      );
      return redirectTo(request, reply, `/schemas/${request.params.id}#sharing`);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/schemas/:id',
    { config: { requires: 'change_schema' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      const auth = requireAuth(request);
      const current = await service.get(auth, request.params.id);
      const name = str(request.body, 'name').trim();
      const description = str(request.body, 'description');
      let definition: Record<string, unknown> = current.schema;
      try {
        definition = definitionFrom(request.body);
        if (name === '') throw new SchemaFormError('Give the schema a name.');
        const saved = await service.update(
          auth,
          current.id,
          { name, description, schema: definition },
          auditMeta(request),
        );
        return redirectTo(request, reply, `/schemas/${saved.id}`);
      } catch (err) {
        const message = saveErrorOf(err);
        if (message === null) throw err;
        return editor(
          request,
          reply,
          {
            action: `/schemas/${current.id}`,
            name,
            description,
            definition,
            existing: { id: current.id, version: current.version },
            error: message,
          },
          422,
        );
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/schemas/:id/versions',
    { config: { requires: 'view_schema' }, schema: { hide: true, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      const auth = requireAuth(request);
      const schema = await service.get(auth, request.params.id);
      const cursor = str(request.query, 'cursor') || undefined;
      const versions = await service.versions(auth, schema.id, { limit: 20, cursor });
      const p = await ctx.page(request);
      const view = SchemaVersionsView({
        schema,
        versions: versions.results,
        nextCursor: versions.next_cursor,
        csrfToken: p.csrfToken,
        canDelete: auth.permissions?.has('delete_schema') ?? false,
      });
      return renderPage(reply, page(p, `Versions of ${schema.name}`, view));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/schemas/:id/delete',
    { config: { requires: 'delete_schema' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      await service.remove(requireAuth(request), request.params.id, auditMeta(request));
      return redirectTo(request, reply, '/schemas');
    },
  );
};
