/**
 * The dashboard: totals for the week, the most frequent error codes, recent uploads, and the
 * uploads other users shared with the signed-in user (hidden when there are none).
 */
import { Card, Layout, buttonClass, type PageContext } from '../../../web/index.js';
import { AiUsageSlot } from '../../ai/views/index.js';
import type { DashboardStats } from '../upload-stats.service.js';
import type { SharedUploadRow } from '../uploads.repository.js';
import type { PublicUpload } from '../uploads.schemas.js';
import { ErrorCodeChart } from './error-chart.view.js';
import { StatusBadge, UploadRow, formatNumber } from './upload-status.view.js';

function Stat({ label, value }: { label: string; value: string }): JSX.Element {
  return (
    <div class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <dt class="text-sm text-slate-600" safe>
        {label}
      </dt>
      <dd class="mt-1 text-2xl font-semibold tabular-nums" safe>
        {value}
      </dd>
    </div>
  );
}

export function DashboardPage(props: {
  page: PageContext;
  stats: DashboardStats;
  uploads: readonly PublicUpload[];
  shared: readonly SharedUploadRow[];
}): JSX.Element {
  const { page, stats, uploads, shared } = props;
  const rate = stats.errorRate === null ? '—' : `${(stats.errorRate * 100).toFixed(1)}%`;
  return (
    <Layout title="Dashboard" user={page.user} csrfToken={page.csrfToken} active="dashboard">
      <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
        <h1 class="text-2xl font-bold">Dashboard</h1>
        <a href="/uploads/new" class={buttonClass()}>
          Upload a file
        </a>
      </div>
      <dl class="mb-6 grid gap-4 sm:grid-cols-3">
        <Stat label="Files this week" value={formatNumber(stats.filesThisWeek)} />
        <Stat label="Rows checked" value={formatNumber(stats.rowsChecked)} />
        <Stat label="Rows with errors" value={rate} />
      </dl>
      <div class="grid gap-6 lg:grid-cols-2">
        <Card title="Recent uploads">
          {uploads.length === 0 ? (
            <p class="text-sm text-slate-700">
              No uploads yet.{' '}
              <a href="/uploads/new" class="font-medium text-indigo-700 underline">
                Upload your first file
              </a>
              .
            </p>
          ) : (
            <div class="relative overflow-x-auto">
              <table class="w-full text-left text-sm">
                <thead>
                  <tr class="text-slate-600">
                    <th scope="col" class="py-2 pr-3 font-medium">
                      File
                    </th>
                    <th scope="col" class="py-2 pr-3 font-medium">
                      Status
                    </th>
                    <th scope="col" class="py-2 pr-3 text-right font-medium">
                      Rows
                    </th>
                    <th scope="col" class="py-2 pr-3 text-right font-medium">
                      Errors
                    </th>
                    <th scope="col" class="hidden py-2 font-medium sm:table-cell">
                      Uploaded (UTC)
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {uploads.map((u) => (
                    <UploadRow upload={u} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Most frequent errors this week">
          <ErrorCodeChart
            id="chart-week"
            title="Error codes by number of errors, last 7 days"
            bars={stats.topCodes.map((c) => ({ label: c.code, count: c.count }))}
          />
        </Card>
      </div>
      {shared.length === 0 ? '' : <SharedWithYou shared={shared} />}
      <div class="mt-6">
        <AiUsageSlot user={page.user} />
      </div>
    </Layout>
  );
}

/** Uploads shared with the signed-in user (view-only): each links to its read-only report. */
function SharedWithYou({ shared }: { shared: readonly SharedUploadRow[] }): JSX.Element {
  return (
    <div class="mt-6" id="shared-with-you">
      <Card title="Shared with you">
        <div class="relative overflow-x-auto">
          <table class="w-full text-left text-sm">
            <thead>
              <tr class="text-slate-600">
                <th scope="col" class="py-2 pr-3 font-medium">
                  File
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Owner
                </th>
                <th scope="col" class="py-2 pr-3 font-medium">
                  Status
                </th>
                <th scope="col" class="hidden py-2 font-medium sm:table-cell">
                  Shared (UTC)
                </th>
              </tr>
            </thead>
            <tbody>
              {shared.map((u) => (
                <tr class="border-t border-slate-200" data-shared-upload={u.id}>
                  <td class="max-w-[16rem] truncate py-2 pr-3">
                    <a href={`/uploads/${u.id}`} class="font-medium text-indigo-700 underline" safe>
                      {u.file_name}
                    </a>
                  </td>
                  <td class="max-w-[14rem] truncate py-2 pr-3" safe>
                    {u.owner_email}
                  </td>
                  <td class="py-2 pr-3">
                    <StatusBadge status={u.status} />
                  </td>
                  <td class="hidden py-2 text-sm text-slate-600 sm:table-cell">
                    <time datetime={u.shared_at.toISOString()}>
                      {u.shared_at.toISOString().slice(0, 16).replace('T', ' ')}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
