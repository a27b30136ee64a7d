/**
 * The Sharing card under a schema its viewer may change: the shared card with the schema's path
 * and what a grantee may do with it.
 */
import type { PublicShare } from '../../sharing/index.js';
import { SharingCard } from '../../sharing/views/index.js';

export function SchemaSharingView(props: {
  schemaId: string;
  shares: readonly PublicShare[];
  csrfToken: string;
  error?: string | null;
}): JSX.Element {
  return (
    <div class="mt-6">
      <SharingCard
        path={`/schemas/${props.schemaId}`}
        explanation="People you share this schema with can read it, download its template and validate their own files with it. They can never change or delete it."
        shares={props.shares}
        csrfToken={props.csrfToken}
        error={props.error ?? null}
      />
    </div>
  );
}
