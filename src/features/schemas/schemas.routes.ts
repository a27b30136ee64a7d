/** /api/v1/schemas: CRUD with versions, a draft inferred from a sample, the template workbook. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { isEngineError, writeTemplateWorkbook } from '../../engine/index.js';
import { inferSchema } from '../../engine/infer/index.js';
import { AppError, errors } from '../../lib/app-error.js';
import { auditMeta } from '../access/index.js';
import { requireAuth } from '../identity/index.js';
import { schemaErrors } from './schemas.errors.js';
import {
  InferQuery,
  InferResultSchema,
  PageQuery,
  SchemaBody,
  SchemaIdParams,
  SchemaListSchema,
  SchemaResourceSchema,
  SchemaVersionListSchema,
  VersionQuery,
} from './schemas.schemas.js';
import { createSchemasService, type SchemasService } from './schemas.service.js';

const security = [{ bearerAuth: [] }];
const tags = ['schemas'];
const SchemaRef = Type.Ref(SchemaResourceSchema);
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An ASCII file name for Content-Disposition (the schema name is user text). */
function downloadName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._ -]+/g, '_')
    .trim()
    .slice(0, 80);
  return `${safe || 'template'}.xlsx`;
}

/** Streams the one multipart file of `request` to a new temp dir; the caller removes the dir. */
async function receiveSample(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ dir: string; file: string }> {
  if (!request.isMultipart()) {
    throw errors.unsupportedMediaType('Send the sample as multipart/form-data with a field named "file".');
  }
  const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!part || part.fieldname !== 'file') throw schemaErrors.sampleMissing();
  const dir = await mkdtemp(path.join(tmpdir(), 'intake-infer-'));
  const file = path.join(dir, 'sample');
  try {
    await pipeline(part.file, createWriteStream(file));
    if (part.file.truncated) throw errors.payloadTooLarge(`The sample is larger than ${maxBytes} bytes.`);
    return { dir, file };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw errors.payloadTooLarge(`The sample is larger than ${maxBytes} bytes.`);
    }
    // busboy's parse errors (a truncated or malformed body) are the client's, not ours.
    if (
      err instanceof Error &&
      !(err instanceof AppError) &&
      /multipart|part terminated/i.test(err.message)
    ) {
      throw errors.malformedRequest(`The multipart body could not be read: ${err.message}.`);
    }
    throw err;
  }
}

/** Engine failures on a sample are the client's: unreadable type → 415, the rest → 422. */
function engineToAppError(err: unknown): unknown {
  if (!isEngineError(err)) return err;
  if (err.code === 'unsupported_format') return errors.unsupportedMediaType(err.message);
  return new AppError(422, err.code, err.message);
}

export interface SchemasRoutesOptions {
  deps: Deps;
  service?: SchemasService;
}

export const schemasRoutes: FastifyPluginAsync<SchemasRoutesOptions> = async (instance, options) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { deps } = options;
  const service = options.service ?? createSchemasService(deps);
  const maxSampleBytes = deps.config.maxUploadMb * 1024 * 1024;
  app.addSchema(SchemaResourceSchema);
  await app.register(multipart, { limits: { fileSize: maxSampleBytes, files: 1, fields: 5, parts: 6 } });

  app.post(
    '/api/v1/schemas',
    {
      config: { requires: 'add_schema' },
      schema: {
        tags,
        security,
        summary: 'Create a schema (version 1); 422 with the engine message if it is not a valid Table Schema',
        body: SchemaBody,
        response: { 201: SchemaRef },
      },
    },
    async (request, reply) => {
      const created = await service.create(requireAuth(request), request.body, auditMeta(request));
      return reply.code(201).header('location', `/api/v1/schemas/${created.id}`).send(created);
    },
  );

  app.get(
    '/api/v1/schemas',
    {
      config: { requires: 'view_schema' },
      schema: {
        tags,
        security,
        summary:
          "Schemas you may see (your own and those shared with you; everyone's with schema.all), oldest first, cursor-paginated",
        querystring: PageQuery,
        response: { 200: SchemaListSchema },
      },
    },
    async (request) => service.list(requireAuth(request), request.query),
  );

  app.post(
    '/api/v1/schemas/infer',
    {
      config: { requires: 'add_schema' },
      schema: {
        tags,
        security,
        summary: 'Infer a draft schema from a sample spreadsheet (multipart field `file`); nothing is saved',
        consumes: ['multipart/form-data'],
        querystring: InferQuery,
        response: { 200: InferResultSchema },
      },
    },
    async (request) => {
      requireAuth(request);
      const sample = await receiveSample(request, maxSampleBytes);
      try {
        const schema = await inferSchema(sample.file, {
          sheet: request.query.sheet,
          sampleRows: request.query.sample_rows,
        });
        return { schema: schema as unknown as Record<string, unknown>, saved: false as const };
      } catch (err) {
        throw engineToAppError(err);
      } finally {
        await rm(sample.dir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/v1/schemas/:id',
    {
      config: { requires: 'view_schema' },
      schema: {
        tags,
        security,
        summary: 'A schema, at its latest version or at ?version=',
        params: SchemaIdParams,
        querystring: VersionQuery,
        response: { 200: SchemaRef },
      },
    },
    async (request) => service.get(requireAuth(request), request.params.id, request.query.version),
  );

  app.put(
    '/api/v1/schemas/:id',
    {
      config: { requires: 'change_schema' },
      schema: {
        tags,
        security,
        summary: 'Replace a schema: adds a new version (uploads keep the version they used)',
        params: SchemaIdParams,
        body: SchemaBody,
        response: { 200: SchemaRef },
      },
    },
    async (request) =>
      service.update(requireAuth(request), request.params.id, request.body, auditMeta(request)),
  );

  app.delete(
    '/api/v1/schemas/:id',
    {
      config: { requires: 'delete_schema' },
      schema: {
        tags,
        security,
        summary: 'Delete a schema (its versions stay for the uploads that used them)',
        params: SchemaIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await service.remove(requireAuth(request), request.params.id, auditMeta(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/schemas/:id/versions',
    {
      config: { requires: 'view_schema' },
      schema: {
        tags,
        security,
        summary: 'Versions of a schema, newest first, cursor-paginated',
        params: SchemaIdParams,
        querystring: PageQuery,
        response: { 200: SchemaVersionListSchema },
      },
    },
    async (request) => service.versions(requireAuth(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/schemas/:id/template.xlsx',
    {
      config: { requires: 'view_schema' },
      schema: {
        tags,
        security,
        summary: 'An empty workbook to fill in: the header row, formats and dropdowns of the schema',
        params: SchemaIdParams,
        querystring: VersionQuery,
        produces: [XLSX_TYPE],
        response: { 200: Type.Unsafe<PassThrough>({ type: 'string', format: 'binary' }) },
      },
    },
    async (request, reply) => {
      const { name, schema } = await service.parsed(
        requireAuth(request),
        request.params.id,
        request.query.version,
      );
      const body = new PassThrough();
      writeTemplateWorkbook(schema, body).catch((err: unknown) => body.destroy(err as Error));
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename="${downloadName(name)}"`)
        .send(body);
    },
  );
};
