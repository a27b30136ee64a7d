/**
 * The AI pages: an upload's AI panels (fragment for the report, and a page that works without JS),
 * the mapping form (save = confirm for the schema + revalidate), "Ask AI" for unmatched headers,
 * the anomaly review, "Suggest a fix", and admins' usage. They call the same services as the API;
 * a model that is off, unavailable, over budget or failing is said plainly, inline.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors } from '../../../lib/app-error.js';
import { createUploadsService } from '../../uploads/index.js';
import {
  Card,
  Layout,
  isHtmx,
  redirectTo,
  renderPage,
  type PageContext,
  type WebPages,
} from '../../../web/index.js';
import type { AiServices } from '../index.js';
import { AiPanels, MappingPanel, NOT_A_FIELD, ReviewPanel } from './ai-panels.view.js';
import { ExplainPage, ExplainResult, type ExplainOutcome, type ExplainRequest } from './ai-explain.view.js';
import { createPanelData, type UploadRow } from './ai-panel-data.js';
import { aiUsagePages } from './ai-usage.pages.js';
import { PAGE_UUID_PARAMS } from '../../../web/page-schemas.js';

/** Mapping form rows read back, at most (the form shows up to 200 headers). */
const MAX_HEADERS = 200;

const formBody = { type: 'object', additionalProperties: { type: 'string', maxLength: 10_000 } } as const;
const explainFields = {
  type: 'object',
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 100 },
    column: { type: 'string', minLength: 1, maxLength: 500 },
    value: { type: 'string', maxLength: 10_000 },
    empty: { type: 'string', maxLength: 1 },
    _csrf: { type: 'string', maxLength: 200 },
  },
  required: ['code', 'column'],
  additionalProperties: false,
} as const;

interface ExplainFields {
  code: string;
  column: string;
  value?: string;
  empty?: string;
}

function isAiError(err: unknown): err is AppError {
  return err instanceof AppError && err.code.startsWith('ai_');
}

export function aiPages(ai: AiServices): WebPages {
  return async (app, ctx) => {
    const { deps } = ctx;
    const uploads = createUploadsService(deps);

    const { aiState, hasHeaderErrors, fileHeaders, mappingData, reviewData } = createPanelData(ai, deps);

    async function panels(request: FastifyRequest, page: PageContext, row: UploadRow): Promise<JSX.Element> {
      const auth = request.auth!;
      const finished = row.status === 'valid' || row.status === 'invalid';
      const [mapping, review] = await Promise.all([
        hasHeaderErrors(row) ? mappingData(auth, row) : null,
        finished ? reviewData(auth, row) : null,
      ]);
      return <AiPanels ai={aiState()} csrfToken={page.csrfToken} mapping={mapping} review={review} />;
    }

    function AiPage(props: { page: PageContext; row: UploadRow; children: JSX.Element }): JSX.Element {
      return (
        <Layout
          title={`AI review · ${props.row.file_name}`}
          user={props.page.user}
          csrfToken={props.page.csrfToken}
          active="dashboard"
        >
          <h1 class="mb-1 break-all text-2xl font-bold" safe>
            {`AI review: ${props.row.file_name}`}
          </h1>
          <p class="mb-4 text-sm">
            <a href={`/uploads/${props.row.id}`} class="font-medium text-indigo-700 underline">
              Back to the report
            </a>
          </p>
          {props.children}
        </Layout>
      );
    }

    /** A fragment for HTMX, else the whole AI page around it. */
    async function send(
      request: FastifyRequest,
      reply: FastifyReply,
      row: UploadRow,
      fragment: JSX.Element,
      status = 200,
    ): Promise<FastifyReply> {
      if (isHtmx(request)) return renderPage(reply, fragment, status);
      // Without JS: the panel just acted on, on a page of its own.
      const page = await ctx.page(request);
      return renderPage(
        reply,
        <AiPage page={page} row={row}>
          <Card>{fragment}</Card>
        </AiPage>,
        status,
      );
    }

    // The report page loads this for every viewer: people without `ai.use` get nothing.
    app.get<{ Params: { id: string } }>(
      '/uploads/:id/ai/panel',
      { config: { requires: 'view_upload' }, schema: { hide: true, params: PAGE_UUID_PARAMS } },
      async (request, reply) => {
        const auth = request.auth!;
        const row = await uploads.findOwn(auth, request.params.id);
        if (!auth.permissions?.has('ai.use')) return renderPage(reply, '');
        return renderPage(reply, await panels(request, await ctx.page(request), row));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/uploads/:id/ai',
      { config: { requires: 'ai.use' }, schema: { hide: true, params: PAGE_UUID_PARAMS } },
      async (request, reply) => {
        const row = await uploads.findOwn(request.auth!, request.params.id);
        const page = await ctx.page(request);
        return renderPage(
          reply,
          <AiPage page={page} row={row}>
            {await panels(request, page, row)}
          </AiPage>,
        );
      },
    );

    app.post<{ Params: { id: string } }>(
      '/uploads/:id/ai/mapping/suggest',
      { config: { requires: 'ai.use' }, schema: { hide: true, params: PAGE_UUID_PARAMS, body: formBody } },
      async (request, reply) => {
        const auth = request.auth!;
        const row = await uploads.findOwn(auth, request.params.id);
        const headers = await fileHeaders(row);
        if (headers.length === 0) throw errors.validation('The file has no header row to map.');
        // Suggest answers with the rules' mapping whatever the model does, and says why.
        const model = await ai.mapping.suggest(auth, { schema_id: row.schema_id, headers });
        const data = await mappingData(auth, row, { model, headers });
        const page = await ctx.page(request);
        const state = aiState();
        if (model.model.status === 'off' || model.model.status === 'unavailable')
          return send(
            request,
            reply,
            row,
            <MappingPanel
              data={{ ...data, model: null }}
              ai={{ ...state, available: false, reason: model.model.message }}
              csrfToken={page.csrfToken}
            />,
          );
        return send(request, reply, row, <MappingPanel data={data} ai={state} csrfToken={page.csrfToken} />);
      },
    );

    app.post<{ Params: { id: string }; Body: Record<string, string> }>(
      '/uploads/:id/ai/mapping',
      {
        config: { requires: ['ai.use', 'change_upload'] },
        schema: { hide: true, params: PAGE_UUID_PARAMS, body: formBody },
      },
      async (request, reply) => {
        const auth = request.auth!;
        const row = await uploads.findOwn(auth, request.params.id);
        const body = request.body;
        const chosen: { header: string; field: string | null }[] = [];
        for (let i = 0; i < MAX_HEADERS; i++) {
          const header = body[`header_${i}`];
          const choice = body[`field_${i}`];
          if (header === undefined) break;
          if (!choice || header.trim() === '') continue;
          chosen.push({ header, field: choice === NOT_A_FIELD ? null : choice });
        }
        const fail = async (message: string, status = 422) => {
          const page = await ctx.page(request);
          const data = await mappingData(auth, row, { error: message });
          return send(
            request,
            reply,
            row,
            <MappingPanel data={data} ai={aiState()} csrfToken={page.csrfToken} />,
            status,
          );
        };
        const seen = new Map<string, string>();
        for (const m of chosen) {
          if (m.field === null) continue;
          const other = seen.get(m.field);
          if (other !== undefined)
            return fail(`"${other}" and "${m.header}" both map to ${m.field}; a field takes one column.`);
          seen.set(m.field, m.header);
        }
        // A header that already is the field's name needs no remembering.
        const mappings = chosen.filter((m) => m.header !== m.field);
        if (mappings.length === 0)
          return fail('Choose a field (or "Not a schema field") for at least one header.');
        try {
          await ai.mapping.confirm(auth, { schema_id: row.schema_id, mappings });
        } catch (err) {
          if (err instanceof AppError && err.status === 422)
            return fail(err.details[0]?.message ? String(err.details[0].message) : err.message);
          // The upload's schema is shared with the caller view-only (remembering is its owner's
          // call), or the caller may not change schemas at all: say so on the panel.
          if (err instanceof AppError && err.status === 403)
            return fail(
              `${err.message} Ask the schema's owner to confirm this mapping, or rename the headers in your file.`,
              403,
            );
          throw err;
        }
        await uploads.revalidate(auth, row.id);
        return redirectTo(request, reply, `/uploads/${row.id}`);
      },
    );

    app.post<{ Params: { id: string } }>(
      '/uploads/:id/ai/review',
      { config: { requires: 'ai.use' }, schema: { hide: true, params: PAGE_UUID_PARAMS, body: formBody } },
      async (request, reply) => {
        const auth = request.auth!;
        const row = await uploads.findOwn(auth, request.params.id);
        let error: string | undefined;
        try {
          await ai.review.review(auth, row.id, {});
        } catch (err) {
          if (!isAiError(err) && !(err instanceof AppError && err.status === 409)) throw err;
          error = err.message;
        }
        const page = await ctx.page(request);
        const data = await reviewData(auth, row, error);
        return send(
          request,
          reply,
          row,
          <ReviewPanel data={data} ai={aiState()} csrfToken={page.csrfToken} />,
        );
      },
    );

    function explainRequest(id: string, fields: ExplainFields): ExplainRequest {
      return {
        uploadId: id,
        code: fields.code,
        column: fields.column,
        value: fields.empty === '1' ? null : (fields.value ?? ''),
      };
    }

    // Without JS, "Suggest a fix" opens this page; only its form (a POST) asks the model.
    app.get<{ Params: { id: string }; Querystring: ExplainFields }>(
      '/uploads/:id/ai/explain',
      {
        config: { requires: 'ai.use' },
        schema: { hide: true, params: PAGE_UUID_PARAMS, querystring: explainFields },
      },
      async (request, reply) => {
        await uploads.findOwn(request.auth!, request.params.id);
        const req = explainRequest(request.params.id, request.query);
        return renderPage(reply, <ExplainPage page={await ctx.page(request)} request={req} outcome={null} />);
      },
    );

    app.post<{ Params: { id: string }; Body: ExplainFields }>(
      '/uploads/:id/ai/explain',
      {
        config: { requires: 'ai.use' },
        schema: { hide: true, params: PAGE_UUID_PARAMS, body: explainFields },
      },
      async (request, reply) => {
        const auth = request.auth!;
        await uploads.findOwn(auth, request.params.id);
        const req = explainRequest(request.params.id, request.body);
        let outcome: ExplainOutcome;
        try {
          const r = await ai.explain.explain(auth, { code: req.code, field: req.column, value: req.value });
          outcome = { kind: 'suggestion', text: r.suggestion, shape: r.value_shape };
        } catch (err) {
          if (!isAiError(err)) throw err;
          outcome =
            err.code === 'ai_unavailable'
              ? { kind: 'unavailable', reason: err.message }
              : { kind: 'failed', reason: `No suggestion: ${err.message}` };
        }
        if (isHtmx(request)) return renderPage(reply, <ExplainResult outcome={outcome} />);
        return renderPage(
          reply,
          <ExplainPage page={await ctx.page(request)} request={req} outcome={outcome} />,
        );
      },
    );

    await app.register(aiUsagePages(ai), ctx);
  };
}
