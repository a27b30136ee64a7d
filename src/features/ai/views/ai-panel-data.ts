/**
 * What the AI panels show, loaded for one upload: the AI state, the mapping form's data (the file's
 * headers read from the stored file, the schema's fields, the rules' or the model's suggestions)
 * and the stored anomaly review.
 */
import type { Deps } from '../../../deps.js';
import { AppError } from '../../../lib/app-error.js';
import type { AuthContext } from '../../identity/index.js';
import { getSchemaVersion } from '../../schemas/index.js';
import { createResultsService, type createUploadsService } from '../../uploads/index.js';
import type { AiServices, SuggestResult } from '../index.js';
import type { AiState, MappingPanelData, ReviewPanelData } from './ai-panels.view.js';
import { HEADER_CODES } from './ai-slots.view.js';

/** Headers shown in the mapping form, at most (the API takes 500). */
const MAX_HEADERS = 200;

export type UploadRow = Awaited<ReturnType<ReturnType<typeof createUploadsService>['findOwn']>>;

export function createPanelData(ai: AiServices, deps: Deps) {
  const results = createResultsService(deps);

  function aiState(): AiState {
    const s = ai.gateway.status();
    return { enabled: s.enabled, available: s.enabled && s.circuit !== 'open', reason: s.reason };
  }

  function hasHeaderErrors(row: UploadRow): boolean {
    const codes = row.errors_by_code ?? {};
    return row.status === 'invalid' && [...HEADER_CODES].some((c) => (codes[c] ?? 0) > 0);
  }

  /** The file's distinct, non-empty headers (read from the stored file in a worker thread). */
  async function fileHeaders(row: UploadRow): Promise<string[]> {
    const all = (await results.headers(row)).filter((h): h is string => h !== null);
    return [...new Set(all)].slice(0, MAX_HEADERS);
  }

  /** The mapping form's data: the file's headers, the schema's fields, suggestions. */
  async function mappingData(
    auth: AuthContext,
    row: UploadRow,
    extra: { model?: SuggestResult; error?: string; headers?: string[] } = {},
  ): Promise<MappingPanelData> {
    const resolved = await getSchemaVersion(deps.dbRead, { schemaId: row.schema_id, userId: row.user_id });
    const fields = resolved?.schema.fields ?? [];
    const headers = extra.headers ?? (await fileHeaders(row));
    const suggestion =
      extra.model ??
      (headers.length > 0
        ? await ai.mapping.suggestByRules(auth, { schema_id: row.schema_id, headers })
        : { mappings: [], unresolved: [] });
    const byHeader = new Map(suggestion.mappings.map((m) => [m.header, m]));
    const taken = new Set(suggestion.mappings.map((m) => m.field));
    return {
      uploadId: row.id,
      rows: headers.map((header) => {
        const m = byHeader.get(header);
        return {
          header,
          field: m?.field ?? null,
          source: m?.source ?? null,
          confidence: m?.confidence ?? null,
        };
      }),
      fields: fields.map((f) => ({ name: f.name, ...(f.title ? { title: f.title } : {}) })),
      missing: fields.map((f) => f.name).filter((n) => !taken.has(n)),
      model: extra.model ? extra.model.model : null,
      unresolved: suggestion.unresolved.length,
      ...(extra.error ? { error: extra.error } : {}),
    };
  }

  async function reviewData(auth: AuthContext, row: UploadRow, error?: string): Promise<ReviewPanelData> {
    const review = await ai.review.get(auth, row.id).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 404) return null;
      throw err;
    });
    return {
      uploadId: row.id,
      review,
      maxRows: deps.config.aiAnomalyMaxRows,
      ...(error ? { error } : {}),
    };
  }

  return { aiState, hasHeaderErrors, fileHeaders, mappingData, reviewData };
}

export type PanelData = ReturnType<typeof createPanelData>;
