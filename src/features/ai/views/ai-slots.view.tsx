/**
 * The AI hooks other pages place: the report's AI panels, the "Suggest a fix" cell of the error
 * table and the admins' usage box on the dashboard. Each is a link (works without JS) that HTMX
 * replaces with the real content, loaded by the AI pages, so the host page needs no AI data and
 * never waits for the model.
 */

/** Codes about the header row: the mapping panel deals with them, not "Suggest a fix". */
export const HEADER_CODES: ReadonlySet<string> = new Set([
  'missing_column',
  'extra_column',
  'duplicate_column',
]);

/** The report's AI panels (column mapping, anomaly review), for finished uploads. */
export function AiReportSlot({ upload }: { upload: { id: string; status: string } }): JSX.Element {
  if (upload.status !== 'valid' && upload.status !== 'invalid') return '';
  return (
    <div
      id="ai-panels"
      hx-get={`/uploads/${upload.id}/ai/panel`}
      hx-trigger="load"
      hx-swap="outerHTML"
      class="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:p-6"
    >
      <a href={`/uploads/${upload.id}/ai`} class="font-medium text-indigo-700 underline">
        AI review: fix the column mapping, check for anomalies
      </a>
    </div>
  );
}

/** The header cell of the error table's "Suggest a fix" column. */
export function SuggestFixHead(): JSX.Element {
  return (
    <th scope="col" class="py-2 pl-3 font-medium">
      <span class="sr-only">AI suggestion</span>
    </th>
  );
}

/** How long a value may be in the link (only its shape, 40 characters, is ever sent anyway). */
const MAX_VALUE = 200;

/**
 * "Suggest a fix" next to an error: HTMX posts it and shows the answer in the cell; without JS the
 * link opens a page with the same request as a form (GET never calls the model).
 */
export function SuggestFixCell({
  uploadId,
  issue,
}: {
  uploadId: string;
  issue: { code: string; column: string | null; value: string | null };
}): JSX.Element {
  if (issue.column === null || HEADER_CODES.has(issue.code)) return <td class="py-2 pl-3"></td>;
  const params: Record<string, string> = {
    code: issue.code,
    column: issue.column,
    value: (issue.value ?? '').slice(0, MAX_VALUE),
  };
  if (issue.value === null) params.empty = '1';
  const href = `/uploads/${uploadId}/ai/explain?${new URLSearchParams(params).toString()}`;
  return (
    <td class="py-2 pl-3 align-top">
      <a
        href={href}
        hx-post={`/uploads/${uploadId}/ai/explain`}
        hx-vals={JSON.stringify(params)}
        hx-target="this"
        // The error table boosts its links with hx-select="#error-table"; this answer is no table.
        hx-select="unset"
        hx-swap="outerHTML"
        class="whitespace-nowrap text-sm font-medium text-indigo-700 underline"
      >
        Suggest a fix
      </a>
    </td>
  );
}

/** The admins' AI usage box on the dashboard (nothing for anyone else). */
export function AiUsageSlot({ user }: { user: { role: string } | null }): JSX.Element {
  if (user?.role !== 'admin') return '';
  return (
    <div
      id="ai-usage"
      hx-get="/ai/usage/panel"
      hx-trigger="load"
      hx-swap="outerHTML"
      class="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:p-6"
    >
      <a href="/ai/usage" class="font-medium text-indigo-700 underline">
        AI usage and budget
      </a>
    </div>
  );
}
