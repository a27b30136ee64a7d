/**
 * The Sharing card under a schema its viewer may change: who it is shared with (view-only), a
 * Remove button each, and a form to share it with someone by email. All user text is escaped.
 */
import { Alert, Button, Card, CsrfField, Field } from '../../../web/index.js';
import type { PublicShare } from '../../sharing/index.js';

export function SchemaSharingView(props: {
  schemaId: string;
  shares: readonly PublicShare[];
  csrfToken: string;
  error?: string | null;
}): JSX.Element {
  return (
    <div class="mt-6">
      <Card title="Sharing" id="sharing">
        <p class="mb-3 text-sm text-slate-700">
          People you share this schema with can read it, download its template and validate their own files
          with it. They can never change or delete it.
        </p>
        {props.error ? <Alert message={props.error} /> : ''}
        {props.shares.length === 0 ? (
          <p class="mb-3 text-sm text-slate-700">Not shared with anyone.</p>
        ) : (
          <ul class="mb-4 divide-y divide-slate-100 text-sm" aria-label="Shared with">
            {props.shares.map((s) => (
              <li class="flex items-center justify-between gap-3 py-2" data-share-row>
                <span safe>{s.email}</span>
                <form method="post" action={`/schemas/${props.schemaId}/shares/${s.user_id}/delete`}>
                  <CsrfField token={props.csrfToken} />
                  <Button variant="secondary">Remove</Button>
                </form>
              </li>
            ))}
          </ul>
        )}
        <form
          method="post"
          action={`/schemas/${props.schemaId}/shares`}
          class="flex flex-wrap items-end gap-3"
        >
          <CsrfField token={props.csrfToken} />
          <div class="min-w-64 grow">
            <Field label="Share with (email)" id="share-email" name="email" type="email" required />
          </div>
          <Button>Share view-only</Button>
        </form>
      </Card>
    </div>
  );
}
