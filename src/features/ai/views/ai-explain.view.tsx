/** "Suggest a fix": the inline answer (HTMX) and the page that asks without JS. */
import { Card, CsrfField, Layout, buttonClass, type PageContext } from '../../../web/index.js';
import { AiUnavailable } from './ai-panels.view.js';

export interface ExplainRequest {
  readonly uploadId: string;
  readonly code: string;
  readonly column: string;
  readonly value: string | null;
}

export type ExplainOutcome =
  | { readonly kind: 'suggestion'; readonly text: string; readonly shape: string }
  | { readonly kind: 'unavailable'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** The answer, in place of the "Suggest a fix" link. */
export function ExplainResult({ outcome }: { outcome: ExplainOutcome }): JSX.Element {
  if (outcome.kind === 'unavailable') return <AiUnavailable reason={outcome.reason} />;
  if (outcome.kind === 'failed')
    return (
      <p role="status" class="text-sm text-red-800" safe>
        {outcome.reason}
      </p>
    );
  return (
    <p role="status" class="max-w-xs text-sm text-slate-800" data-testid="ai-suggestion">
      <span class="font-semibold">Suggested fix: </span>
      <span safe>{outcome.text}</span>
    </p>
  );
}

export function ExplainPage({
  page,
  request,
  outcome,
}: {
  page: PageContext;
  request: ExplainRequest;
  outcome: ExplainOutcome | null;
}): JSX.Element {
  const back = `/uploads/${request.uploadId}#errors`;
  return (
    <Layout title="Suggest a fix" user={page.user} csrfToken={page.csrfToken} active="dashboard">
      <h1 class="mb-4 text-2xl font-bold">Suggest a fix</h1>
      <Card>
        <dl class="mb-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt class="text-slate-600">Error</dt>
          <dd class="font-mono" safe>
            {request.code}
          </dd>
          <dt class="text-slate-600">Column</dt>
          <dd safe>{request.column}</dd>
          <dt class="text-slate-600">Value</dt>
          <dd class="break-all font-mono" safe>
            {request.value ?? '(empty)'}
          </dd>
        </dl>
        <p class="mb-3 text-sm text-slate-700">
          Only the shape of the value (digits as 9, letters as a) is sent to the AI, never the value itself.
        </p>
        {outcome ? (
          <ExplainResult outcome={outcome} />
        ) : (
          <form method="post" action={`/uploads/${request.uploadId}/ai/explain`}>
            <CsrfField token={page.csrfToken} />
            <input type="hidden" name="code" value={request.code} />
            <input type="hidden" name="column" value={request.column} />
            <input type="hidden" name="value" value={request.value ?? ''} />
            {request.value === null ? <input type="hidden" name="empty" value="1" /> : ''}
            <button type="submit" class={buttonClass('primary')}>
              Ask the AI
            </button>
          </form>
        )}
        <p class="mt-4 text-sm">
          <a href={back} class="font-medium text-indigo-700 underline">
            Back to the report
          </a>
        </p>
      </Card>
    </Layout>
  );
}
