/**
 * The Sharing card under an object (a schema, an upload) its viewer may change: who it is shared
 * with (view-only), a Remove button each, and a form to share it with someone by email. The forms
 * post to `<path>/shares` and `<path>/shares/<user id>/delete`. All user text is escaped.
 */
import { Alert, Button, Card, CsrfField, Field } from '../../../web/index.js';
import type { PublicShare } from '../sharing.service.js';

export interface SharingCardProps {
  /** The object's page, e.g. `/uploads/<id>`: the forms post below it. */
  readonly path: string;
  /** What a grantee may do with it, in one or two sentences. */
  readonly explanation: string;
  readonly shares: readonly PublicShare[];
  readonly csrfToken: string;
  readonly error?: string | null;
}

export function SharingCard(props: SharingCardProps): JSX.Element {
  return (
    <Card title="Sharing" id="sharing">
      <p class="mb-3 text-sm text-slate-700" safe>
        {props.explanation}
      </p>
      {props.error ? <Alert message={props.error} /> : ''}
      {props.shares.length === 0 ? (
        <p class="mb-3 text-sm text-slate-700">Not shared with anyone.</p>
      ) : (
        <ul class="mb-4 divide-y divide-slate-100 text-sm" aria-label="Shared with">
          {props.shares.map((s) => (
            <li class="flex items-center justify-between gap-3 py-2" data-share-row>
              <span safe>{s.email}</span>
              <form method="post" action={`${props.path}/shares/${s.user_id}/delete`}>
                <CsrfField token={props.csrfToken} />
                <Button variant="secondary">
                  Remove<span class="sr-only" safe>{` ${s.email}`}</span>
                </Button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={`${props.path}/shares`} class="flex flex-wrap items-end gap-3">
        <CsrfField token={props.csrfToken} />
        <div class="min-w-64 grow">
          <Field label="Share with (email)" id="share-email" name="email" type="email" required />
        </div>
        <Button>Share view-only</Button>
      </form>
    </Card>
  );
}
