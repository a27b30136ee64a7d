/**
 * The AI panels of an upload's report: "Fix column mapping" (file headers against schema fields,
 * rule and AI suggestions with source and confidence, a select per header) and the anomaly review
 * (warnings, never errors). Headers, values and reasons are user or model data: always escaped.
 */
import { Alert, Card, CsrfField, buttonClass, inputClass } from '../../../web/index.js';
import type { ReviewResource } from '../anomaly-review.service.js';

export interface AiState {
  readonly enabled: boolean;
  /** Enabled and the circuit breaker not open. */
  readonly available: boolean;
  /** Why not available (off: no key; or the breaker is open). */
  readonly reason: string | null;
}

export interface MappingRow {
  readonly header: string;
  /** The suggested field (null: none, or confirmed to be no field when source is `remembered`). */
  readonly field: string | null;
  readonly source: string | null;
  readonly confidence: number | null;
}

export interface MappingPanelData {
  readonly uploadId: string;
  readonly rows: readonly MappingRow[];
  readonly fields: ReadonlyArray<{ name: string; title?: string }>;
  /** Schema fields no header maps to. */
  readonly missing: readonly string[];
  /** The model's part: null until someone asked it. */
  readonly model: { status: string; message: string | null } | null;
  readonly unresolved: number;
  readonly error?: string;
}

export interface ReviewPanelData {
  readonly uploadId: string;
  readonly review: ReviewResource | null;
  readonly maxRows: number;
  readonly error?: string;
}

export const NOT_A_FIELD = '__none__';

const SOURCE_LABEL: Readonly<Record<string, string>> = {
  exact: 'exact name',
  normalised: 'same name',
  alias: 'alias or title',
  fuzzy: 'similar name',
  remembered: 'confirmed before',
  model: 'AI',
};

const MODEL_STATUS: Readonly<Record<string, string>> = {
  not_needed: 'The rules placed every header; the AI was not needed.',
  ok: 'AI suggestions added for the headers the rules could not place.',
  cached: 'AI suggestions added (from the cache; no new model call).',
  budget_exceeded: 'The AI budget does not cover this request; the rules’ suggestions stand.',
  failed: 'The AI service failed; the rules’ suggestions stand.',
};

/** Says plainly that AI review is unavailable, and why. */
export function AiUnavailable({ reason }: { reason: string | null }): JSX.Element {
  return (
    <div
      role="status"
      class="my-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <p class="font-semibold">AI review unavailable</p>
      <p safe>{reason ?? 'The AI service cannot be used right now.'}</p>
    </div>
  );
}

function percent(n: number | null): string {
  return n === null ? '' : `${Math.round(n * 100)} %`;
}

export function MappingPanel({
  data,
  ai,
  csrfToken,
}: {
  data: MappingPanelData;
  ai: AiState;
  csrfToken: string;
}): JSX.Element {
  const action = `/uploads/${data.uploadId}/ai/mapping`;
  return (
    <section id="ai-mapping" aria-labelledby="ai-mapping-heading" class="space-y-3">
      <h2 id="ai-mapping-heading" class="text-lg font-semibold">
        Fix column mapping
      </h2>
      <p class="text-sm text-slate-700">
        Some headers of the file do not match the schema. Choose the field each header holds; the choice is
        remembered for this schema and the upload is validated again.
      </p>
      {data.error ? <Alert message={data.error} /> : ''}
      {!ai.available ? <AiUnavailable reason={ai.reason} /> : ''}
      {data.model && MODEL_STATUS[data.model.status] ? (
        <Alert kind="info" message={data.model.message ?? MODEL_STATUS[data.model.status]} />
      ) : (
        ''
      )}
      {data.missing.length > 0 ? (
        <p class="text-sm">
          <span class="font-medium">Schema fields without a column: </span>
          <span safe>{data.missing.join(', ')}</span>
        </p>
      ) : (
        ''
      )}
      <form method="post" action={action}>
        <CsrfField token={csrfToken} />
        <div class="overflow-x-auto">
          <table class="w-full text-left text-sm" data-testid="mapping-table">
            <thead>
              <tr class="text-slate-600">
                <th scope="col" class="py-2 pr-3 font-medium">
                  File header
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Suggestion
                </th>
                <th scope="col" class="py-2 font-medium">
                  Maps to
                </th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r, i) => (
                <tr class="border-t border-slate-200 align-top">
                  <td class="py-2 pr-3 font-mono">
                    <input type="hidden" name={`header_${i}`} value={r.header} />
                    <span safe>{r.header}</span>
                  </td>
                  <td class="py-2 pr-3">
                    {r.source === null ? (
                      <span class="text-slate-600">no suggestion</span>
                    ) : (
                      <span>
                        <span class="font-medium" safe>
                          {r.field ?? 'not a field'}
                        </span>{' '}
                        <span class="text-slate-600" safe>
                          {`(${SOURCE_LABEL[r.source] ?? r.source}, ${percent(r.confidence)})`}
                        </span>
                      </span>
                    )}
                  </td>
                  <td class="py-2">
                    <label for={`map-${i}`} class="sr-only" safe>
                      {`Field for header ${r.header}`}
                    </label>
                    <select id={`map-${i}`} name={`field_${i}`} class={inputClass}>
                      <option value="">— leave as is —</option>
                      {data.fields.map((f) => (
                        <option value={f.name} selected={r.field === f.name} safe>
                          {f.title ? `${f.name} (${f.title})` : f.name}
                        </option>
                      ))}
                      <option value={NOT_A_FIELD} selected={r.source === 'remembered' && r.field === null}>
                        Not a schema field
                      </option>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="mt-2 text-sm text-slate-600">
          “Not a schema field” is remembered for this schema: the column is ignored when the file is
          validated, instead of being reported as an extra column.
        </p>
        <div class="mt-3 flex flex-wrap gap-3">
          <button type="submit" class={buttonClass('primary')}>
            Save mapping and revalidate
          </button>
        </div>
      </form>
      {ai.available && data.unresolved > 0 && data.model === null ? (
        <form
          method="post"
          action={`${action}/suggest`}
          hx-post={`${action}/suggest`}
          hx-target="#ai-mapping"
          hx-swap="outerHTML"
        >
          <CsrfField token={csrfToken} />
          <button type="submit" class={buttonClass('secondary')}>
            Ask AI about the unmatched headers
          </button>
        </form>
      ) : (
        ''
      )}
    </section>
  );
}

export function ReviewPanel({
  data,
  ai,
  csrfToken,
}: {
  data: ReviewPanelData;
  ai: AiState;
  csrfToken: string;
}): JSX.Element {
  const { review } = data;
  const action = `/uploads/${data.uploadId}/ai/review`;
  return (
    <section id="ai-anomalies" aria-labelledby="ai-anomalies-heading" class="space-y-3">
      <h2 id="ai-anomalies-heading" class="text-lg font-semibold">
        Anomaly review
      </h2>
      <p class="text-sm text-slate-700">
        {`The AI reads up to ${data.maxRows} valid rows and points out values that look wrong in context. Its findings are warnings, not errors: they never change the upload's result.`}
      </p>
      {data.error ? <Alert message={data.error} /> : ''}
      {!ai.available ? (
        <AiUnavailable reason={ai.reason} />
      ) : (
        <form method="post" action={action} hx-post={action} hx-target="#ai-anomalies" hx-swap="outerHTML">
          <CsrfField token={csrfToken} />
          <button type="submit" class={buttonClass('secondary')}>
            {review ? 'Run the review again' : 'Run AI review'}
          </button>
        </form>
      )}
      {review ? <Findings review={review} /> : ''}
    </section>
  );
}

function Findings({ review }: { review: ReviewResource }): JSX.Element {
  return (
    <div class="space-y-2">
      <p class="text-sm text-slate-700" safe>
        {`Reviewed ${review.rows_reviewed} valid rows (${review.columns_sent.join(', ') || 'no columns'}) on ${review.created_at.slice(0, 16).replace('T', ' ')} UTC.`}
      </p>
      {review.error ? <Alert message={`The review stopped early: ${review.error.message}`} /> : ''}
      {review.findings.length === 0 ? (
        <p class="text-sm font-medium text-green-800">Nothing looked out of place.</p>
      ) : (
        <div class="overflow-x-auto">
          <table class="w-full text-left text-sm" data-testid="findings-table">
            <caption class="mb-2 text-left font-medium text-amber-900">
              {`${review.findings.length} warning${review.findings.length === 1 ? '' : 's'} (not errors)`}
            </caption>
            <thead>
              <tr class="text-slate-600">
                <th scope="col" class="py-2 pr-3 font-medium">
                  Severity
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Row
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Column
                </th>
                <th scope="col" class="py-2 font-medium">
                  Why it stands out
                </th>
              </tr>
            </thead>
            <tbody>
              {review.findings.map((f) => (
                <tr class="border-t border-slate-200 align-top">
                  <td class="py-2 pr-3">
                    <span class="rounded bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">
                      warning
                    </span>
                  </td>
                  <td class="py-2 pr-3 tabular-nums">{String(f.row)}</td>
                  <td class="py-2 pr-3" safe>
                    {f.column}
                  </td>
                  <td class="py-2" safe>
                    {f.reason}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Both panels, as the report page loads them (or the standalone AI page shows them). */
export function AiPanels(props: {
  ai: AiState;
  csrfToken: string;
  mapping: MappingPanelData | null;
  review: ReviewPanelData | null;
}): JSX.Element {
  return (
    <div id="ai-panels" class="space-y-6">
      {!props.mapping && !props.review ? (
        <p class="text-sm text-slate-700">
          AI review is available once the upload is validated (valid or invalid).
        </p>
      ) : (
        ''
      )}
      {props.mapping ? (
        <Card>
          <MappingPanel data={props.mapping} ai={props.ai} csrfToken={props.csrfToken} />
        </Card>
      ) : (
        ''
      )}
      {props.review ? (
        <Card>
          <ReviewPanel data={props.review} ai={props.ai} csrfToken={props.csrfToken} />
        </Card>
      ) : (
        ''
      )}
    </div>
  );
}
