/** Status badges, live progress fragments and the recent-uploads rows (polled while running). */
import type { PublicUpload } from '../uploads.schemas.js';

const BADGE: Record<PublicUpload['status'], string> = {
  queued: 'bg-slate-100 text-slate-800',
  validating: 'bg-sky-100 text-sky-900',
  valid: 'bg-green-100 text-green-900',
  invalid: 'bg-amber-100 text-amber-900',
  failed: 'bg-red-100 text-red-900',
};

/** A styled native <progress> (its value is an attribute, so no inline style is needed under our CSP). */
export const progressClass =
  'h-3 w-full appearance-none overflow-hidden rounded-full bg-slate-200 [&::-webkit-progress-bar]:bg-slate-200 ' +
  '[&::-webkit-progress-value]:bg-indigo-600 [&::-moz-progress-bar]:bg-indigo-600';

export function isRunning(upload: PublicUpload): boolean {
  return upload.status === 'queued' || upload.status === 'validating';
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function StatusBadge({ status }: { status: PublicUpload['status'] }): JSX.Element {
  return (
    <span class={`inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ${BADGE[status]}`} safe>
      {status}
    </span>
  );
}

/** Percent of the file read, 0..100. */
function percentOf(upload: PublicUpload): number {
  if (upload.status === 'queued') return 0;
  const total = upload.progress.bytes_total;
  return total > 0 ? Math.min(100, Math.round((upload.progress.bytes_read / total) * 100)) : 0;
}

/**
 * The validation progress of one upload. While it runs, HTMX polls it every second; once it is
 * final the server answers with HX-Refresh so the page shows the report.
 */
export function ValidationProgress({ upload }: { upload: PublicUpload }): JSX.Element {
  const running = isRunning(upload);
  const percent = percentOf(upload);
  return (
    <div
      id="validation-progress"
      class="space-y-2"
      hx-get={running ? `/uploads/${upload.id}/progress` : undefined}
      hx-trigger={running ? 'every 1s' : undefined}
      hx-swap="outerHTML"
    >
      <div class="flex items-center gap-3">
        <StatusBadge status={upload.status} />
        <span class="text-sm text-slate-700" data-progress-text>
          {upload.status === 'queued'
            ? 'Waiting for a worker…'
            : `${formatNumber(upload.progress.rows_processed)} rows checked · ${percent}% of the file`}
        </span>
      </div>
      <progress
        class={progressClass}
        max="100"
        value={String(percent)}
        aria-label="Validation progress"
      ></progress>
      <noscript>
        <p class="text-sm">
          <a class="text-indigo-700 underline" href={`/uploads/${upload.id}`}>
            Refresh
          </a>{' '}
          to see the progress.
        </p>
      </noscript>
    </div>
  );
}

/** One row of the recent uploads table; polls itself while the upload runs. */
export function UploadRow({ upload }: { upload: PublicUpload }): JSX.Element {
  const running = isRunning(upload);
  return (
    <tr
      id={`upload-${upload.id}`}
      class="border-t border-slate-200"
      hx-get={running ? `/uploads/${upload.id}/row` : undefined}
      hx-trigger={running ? 'every 2s' : undefined}
      hx-swap="outerHTML"
    >
      <td class="max-w-[16rem] truncate py-2 pr-3">
        <a href={`/uploads/${upload.id}`} class="font-medium text-indigo-700 underline" safe>
          {upload.file_name}
        </a>
      </td>
      <td class="py-2 pr-3">
        <StatusBadge status={upload.status} />
        {running ? <span class="ml-2 text-xs text-slate-600">{`${percentOf(upload)}%`}</span> : ''}
      </td>
      <td class="py-2 pr-3 text-right tabular-nums">{formatNumber(upload.rows_total)}</td>
      <td class="py-2 pr-3 text-right tabular-nums">{formatNumber(upload.error_count)}</td>
      <td class="hidden py-2 text-sm text-slate-600 sm:table-cell">
        <time datetime={upload.created_at}>{upload.created_at.slice(0, 16).replace('T', ' ')}</time>
      </td>
    </tr>
  );
}
