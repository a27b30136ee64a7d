/**
 * The report of one upload: summary, errors by code and by column, a filterable error table with
 * cursor pagination (the database walks an index from the cursor, so page 1000 of 100k errors
 * costs what page 1 does), a preview of offending rows with the bad cells marked, downloads,
 * revalidate and delete. Every value from the file is rendered escaped.
 */
import {
  Alert,
  Card,
  CsrfField,
  Layout,
  buttonClass,
  inputClass,
  type PageContext,
} from '../../../web/index.js';
import { AiReportSlot, SuggestFixCell, SuggestFixHead } from '../../ai/views/index.js';
import type { PublicShare } from '../../sharing/index.js';
import { SharingCard } from '../../sharing/views/index.js';
import type { PublicUpload } from '../uploads.schemas.js';
import { ErrorCodeChart } from './error-chart.view.js';
import {
  StatusBadge,
  ValidationProgress,
  formatBytes,
  formatNumber,
  isRunning,
} from './upload-status.view.js';

export interface Issue {
  readonly row: number;
  readonly column: string | null;
  readonly cell: string | null;
  readonly code: string;
  readonly message: string;
  readonly value: string | null;
}

export interface ErrorFilter {
  readonly code?: string;
  readonly column?: string;
  readonly cursor?: string;
}

export interface PreviewRow {
  readonly row: number;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface ReportData {
  readonly upload: PublicUpload;
  readonly schemaName: string;
  readonly byColumn: ReadonlyArray<{ column: string | null; count: number }>;
  readonly issues: readonly Issue[];
  readonly nextCursor: string | null;
  readonly filter: ErrorFilter;
  readonly preview: { columns: readonly string[]; rows: readonly PreviewRow[] } | null;
  readonly message?: { kind: 'error' | 'success' | 'info'; text: string };
  /**
   * What the viewer may do besides reading. A grantee of a shared upload may do none of it (the
   * server refuses it anyway); a role without `change_upload` / `delete_upload` not that action.
   */
  readonly actions: ReportActions;
  /** Why the viewer only reads this upload (shared with it view-only), shown above the summary. */
  readonly readOnly: string | null;
  /** The Sharing card's data, for those who may change the upload; null hides the card. */
  readonly sharing: { readonly shares: readonly PublicShare[]; readonly error: string | null } | null;
}

export interface ReportActions {
  readonly revalidate: boolean;
  readonly delete: boolean;
  /** The AI panels and "Suggest a fix" (AI actions act on the upload: not on a shared one). */
  readonly ai: boolean;
}

function query(id: string, filter: ErrorFilter): string {
  const params = new URLSearchParams();
  if (filter.code) params.set('code', filter.code);
  if (filter.column) params.set('column', filter.column);
  if (filter.cursor) params.set('cursor', filter.cursor);
  const q = params.toString();
  return `/uploads/${id}${q ? `?${q}` : ''}#errors`;
}

function Summary({ upload, schemaName }: { upload: PublicUpload; schemaName: string }): JSX.Element {
  const items: Array<[string, string]> = [
    ['Schema', `${schemaName} (v${upload.schema_version})`],
    ['Format', upload.format.toUpperCase()],
    ['Size', formatBytes(upload.bytes)],
    ['Rows', formatNumber(upload.rows_total)],
    ['Valid rows', formatNumber(upload.rows_valid)],
    ['Invalid rows', formatNumber(upload.rows_invalid)],
    ['Errors', formatNumber(upload.error_count)],
  ];
  return (
    <dl class="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
      {items.map(([k, v]) => (
        <div>
          <dt class="text-slate-600" safe>
            {k}
          </dt>
          <dd class="font-medium tabular-nums" safe>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ErrorTable({ data }: { data: ReportData }): JSX.Element {
  const { upload, filter, issues, nextCursor } = data;
  const codes = Object.keys(upload.errors_by_code ?? {}).sort();
  const columns = data.byColumn.map((c) => c.column).filter((c): c is string => c !== null);
  return (
    <section
      id="error-table"
      aria-labelledby="errors-heading"
      hx-boost="true"
      hx-target="#error-table"
      hx-select="#error-table"
      hx-swap="outerHTML show:none"
    >
      <h2 id="errors-heading" class="mb-3 text-lg font-semibold">
        Errors
      </h2>
      <form
        method="get"
        action={`/uploads/${upload.id}#errors`}
        class="mb-4 flex flex-wrap items-end gap-3"
        role="search"
      >
        <div>
          <label for="filter-code" class="block text-sm font-medium">
            Code
          </label>
          <select id="filter-code" name="code" class={inputClass}>
            <option value="">All codes</option>
            {codes.map((c) => (
              <option value={c} selected={c === filter.code} safe>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-column" class="block text-sm font-medium">
            Column
          </label>
          <select id="filter-column" name="column" class={inputClass}>
            <option value="">All columns</option>
            {columns.map((c) => (
              <option value={c} selected={c === filter.column} safe>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class={buttonClass('secondary')}>
          Filter
        </button>
        {filter.code || filter.column ? (
          <a href={`/uploads/${upload.id}#errors`} class="py-2 text-sm font-medium text-indigo-700 underline">
            Clear filters
          </a>
        ) : (
          ''
        )}
      </form>
      {issues.length === 0 ? (
        <p class="text-sm text-slate-700">No errors match.</p>
      ) : (
        <div class="relative overflow-x-auto">
          <table class="w-full text-left text-sm" data-testid="error-table">
            <thead>
              <tr class="text-slate-600">
                <th scope="col" class="py-2 pr-3 font-medium">
                  Row
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Cell
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Column
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Code
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Value
                </th>
                <th scope="col" class="py-2 font-medium">
                  Message
                </th>
                {data.actions.ai ? <SuggestFixHead /> : ''}
              </tr>
            </thead>
            <tbody>
              {issues.map((i) => (
                <tr class="border-t border-slate-200 align-top">
                  <td class="py-2 pr-3 tabular-nums">{String(i.row)}</td>
                  <td class="py-2 pr-3 font-mono" safe>
                    {i.cell ?? ''}
                  </td>
                  <td class="py-2 pr-3" safe>
                    {i.column ?? ''}
                  </td>
                  <td class="py-2 pr-3 font-mono text-xs" safe>
                    {i.code}
                  </td>
                  <td class="max-w-[12rem] truncate py-2 pr-3 font-mono" safe>
                    {i.value ?? ''}
                  </td>
                  <td class="py-2" safe>
                    {i.message}
                  </td>
                  {data.actions.ai ? <SuggestFixCell uploadId={upload.id} issue={i} /> : ''}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Error pages" class="mt-3 flex gap-4 text-sm">
        {filter.cursor ? (
          <a
            href={query(upload.id, { ...filter, cursor: undefined })}
            class="font-medium text-indigo-700 underline"
          >
            First page
          </a>
        ) : (
          ''
        )}
        {nextCursor ? (
          <a
            href={query(upload.id, { ...filter, cursor: nextCursor })}
            class="font-medium text-indigo-700 underline"
            rel="next"
          >
            Next page
          </a>
        ) : (
          ''
        )}
      </nav>
      {data.preview && data.preview.rows.length > 0 ? (
        <div class="mt-6">
          <h3 class="mb-2 font-semibold">Offending rows on this page</h3>
          <Preview preview={data.preview} issues={data.issues} />
        </div>
      ) : (
        ''
      )}
      {upload.errors_truncated ? (
        <Alert
          kind="info"
          message={`Only the first ${formatNumber(upload.errors_stored)} of ${formatNumber(upload.error_count)} errors were stored; the counts above include all of them.`}
        />
      ) : (
        ''
      )}
    </section>
  );
}

function Preview({
  preview,
  issues,
}: {
  preview: NonNullable<ReportData['preview']>;
  issues: readonly Issue[];
}): JSX.Element {
  const bad = new Map<string, Issue>();
  for (const i of issues) if (i.column !== null) bad.set(`${i.row}\u0000${i.column}`, i);
  return (
    <div class="relative overflow-x-auto">
      <table class="w-full text-left text-sm">
        <thead>
          <tr class="text-slate-600">
            <th scope="col" class="py-2 pr-3 font-medium">
              Row
            </th>
            {preview.columns.map((c) => (
              <th scope="col" class="py-2 pr-3 font-medium" safe>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((r) => (
            <tr class="border-t border-slate-200">
              <th scope="row" class="py-2 pr-3 font-normal tabular-nums">
                {String(r.row)}
              </th>
              {preview.columns.map((c) => {
                const issue = bad.get(`${r.row}\u0000${c}`);
                if (issue) {
                  return (
                    <td
                      class="bg-red-100 py-2 pr-3 font-mono text-red-900"
                      title={issue.message}
                      data-bad-cell
                    >
                      <span class="sr-only">Error: </span>
                      <span safe>{issue.value ?? '(empty)'}</span>
                    </td>
                  );
                }
                const v = r.values[c];
                return (
                  <td class="py-2 pr-3 font-mono" safe>
                    {v === null || v === undefined
                      ? ''
                      : typeof v === 'object'
                        ? JSON.stringify(v)
                        : String(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReportPage({ page, data }: { page: PageContext; data: ReportData }): JSX.Element {
  const { upload } = data;
  const running = isRunning(upload);
  const finished = upload.status === 'valid' || upload.status === 'invalid';
  const api = `/api/v1/uploads/${upload.id}`;
  return (
    <Layout title={upload.file_name} user={page.user} csrfToken={page.csrfToken} active="dashboard">
      <div class="mb-4 flex flex-wrap items-center gap-3">
        <h1 class="min-w-0 break-all text-2xl font-bold" safe>
          {upload.file_name}
        </h1>
        <StatusBadge status={upload.status} />
      </div>
      {data.message ? <Alert kind={data.message.kind} message={data.message.text} /> : ''}
      {data.readOnly ? (
        <p
          class="mb-4 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800"
          data-read-only
          safe
        >
          {data.readOnly}
        </p>
      ) : (
        ''
      )}
      <div class="space-y-6">
        <Card title="Summary">
          {running ? <ValidationProgress upload={upload} /> : ''}
          {upload.status === 'failed' && upload.error ? <Alert message={upload.error.message} /> : ''}
          {upload.status === 'valid' ? <Alert kind="success" message="Every row is valid." /> : ''}
          <Summary upload={upload} schemaName={data.schemaName} />
          <div class="mt-4 flex flex-wrap gap-3">
            <a href={`${api}/file`} class={buttonClass('secondary')} download="">
              Download original
            </a>
            {finished ? (
              <>
                <a
                  href={`${api}/annotated.xlsx`}
                  class={buttonClass('secondary')}
                  download=""
                  data-download="annotated"
                >
                  Download annotated workbook
                </a>
                <a href={`${api}/errors.csv`} class={buttonClass('secondary')} download="">
                  Download errors CSV
                </a>
              </>
            ) : (
              ''
            )}
            {!running && data.actions.revalidate ? (
              <form method="post" action={`/uploads/${upload.id}/revalidate`}>
                <CsrfField token={page.csrfToken} />
                <button type="submit" class={buttonClass('secondary')}>
                  Revalidate
                </button>
              </form>
            ) : (
              ''
            )}
            {data.actions.delete ? (
              <form
                method="post"
                action={`/uploads/${upload.id}/delete`}
                data-confirm="Delete this upload and its results? This cannot be undone."
              >
                <CsrfField token={page.csrfToken} />
                <button type="submit" class={buttonClass('danger')}>
                  Delete
                </button>
              </form>
            ) : (
              ''
            )}
          </div>
        </Card>
        {data.actions.ai ? <AiReportSlot upload={upload} /> : ''}
        {upload.status === 'invalid' ? (
          <>
            <div class="grid gap-6 lg:grid-cols-2">
              <Card title="Errors by code">
                <ErrorCodeChart
                  id="chart-codes"
                  title="Errors by code"
                  bars={Object.entries(upload.errors_by_code ?? {})
                    .sort((a, b) => b[1] - a[1])
                    .map(([label, count]) => ({ label, count }))}
                />
              </Card>
              <Card title="Errors by column">
                <ErrorCodeChart
                  id="chart-columns"
                  title="Stored errors by column"
                  bars={data.byColumn.map((c) => ({ label: c.column ?? '(whole row)', count: c.count }))}
                />
              </Card>
            </div>
            <div id="errors" class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
              <ErrorTable data={data} />
            </div>
          </>
        ) : (
          ''
        )}
        {data.sharing ? (
          <SharingCard
            path={`/uploads/${upload.id}`}
            explanation="People you share this upload with can read its report and download its file, annotated workbook and errors. They can never revalidate, delete or run AI on it."
            shares={data.sharing.shares}
            csrfToken={page.csrfToken}
            error={data.sharing.error}
          />
        ) : (
          ''
        )}
      </div>
    </Layout>
  );
}
