/** AI usage for admins: the month's spend against the budget, calls and cost by day and purpose. */
import { Layout, type PageContext } from '../../../web/index.js';

interface Numbers {
  readonly calls: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_tokens: number;
  readonly cost_usd: number;
}

export interface UsageData {
  readonly from: string;
  readonly to: string;
  readonly totals: Numbers;
  readonly by_day: ReadonlyArray<Numbers & { day: string }>;
  readonly by_purpose: ReadonlyArray<Numbers & { purpose: string }>;
  readonly budget: { monthly_usd: number; spent_usd: number; remaining_usd: number };
}

const usd = (n: number): string => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const int = (n: number): string => n.toLocaleString('en-US');

function UsageTable({
  caption,
  keyLabel,
  rows,
}: {
  caption: string;
  keyLabel: string;
  rows: ReadonlyArray<Numbers & { key: string }>;
}): JSX.Element {
  return (
    <div class="overflow-x-auto">
      <table class="w-full text-left text-sm">
        <caption class="mb-1 text-left font-medium" safe>
          {caption}
        </caption>
        <thead>
          <tr class="text-slate-600">
            <th scope="col" class="py-1 pr-3 font-medium" safe>
              {keyLabel}
            </th>
            <th scope="col" class="py-1 pr-3 text-right font-medium">
              Calls
            </th>
            <th scope="col" class="py-1 pr-3 text-right font-medium">
              Tokens in / out
            </th>
            <th scope="col" class="py-1 pr-3 text-right font-medium">
              Cache reads
            </th>
            <th scope="col" class="py-1 text-right font-medium">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colspan="5" class="py-2 text-slate-600">
                No AI calls in this period.
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr class="border-t border-slate-200 tabular-nums">
                <th scope="row" class="py-1 pr-3 font-normal" safe>
                  {r.key}
                </th>
                <td class="py-1 pr-3 text-right">{int(r.calls)}</td>
                <td class="py-1 pr-3 text-right">{`${int(r.input_tokens)} / ${int(r.output_tokens)}`}</td>
                <td class="py-1 pr-3 text-right">{int(r.cache_read_tokens)}</td>
                <td class="py-1 text-right">{usd(r.cost_usd)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** The usage box (dashboard fragment and the body of the usage page). */
export function UsagePanel({ usage, reason }: { usage: UsageData; reason: string | null }): JSX.Element {
  const { budget } = usage;
  const share = budget.monthly_usd > 0 ? Math.min(1, budget.spent_usd / budget.monthly_usd) : 1;
  return (
    <section
      id="ai-usage"
      aria-labelledby="ai-usage-heading"
      class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <h2 id="ai-usage-heading" class="mb-3 text-lg font-semibold">
        AI usage
      </h2>
      {reason ? (
        <p class="mb-3 text-sm text-amber-900">
          <span class="font-semibold">AI review unavailable: </span>
          <span safe>{reason}</span>
        </p>
      ) : (
        ''
      )}
      <div class="mb-4 space-y-1 text-sm">
        <label for="ai-budget-meter" class="block font-medium">
          {`This month: ${usd(budget.spent_usd)} of ${usd(budget.monthly_usd)} budget (${usd(budget.remaining_usd)} left)`}
        </label>
        <meter
          id="ai-budget-meter"
          class="h-3 w-full"
          min="0"
          max="1"
          low="0.7"
          high="0.9"
          optimum="0"
          value={share.toFixed(4)}
        >
          {`${Math.round(share * 100)} %`}
        </meter>
      </div>
      <div class="grid gap-6 lg:grid-cols-2">
        <UsageTable
          caption={`By purpose, ${usage.from} to ${usage.to}`}
          keyLabel="Purpose"
          rows={usage.by_purpose.map((r) => ({ ...r, key: r.purpose }))}
        />
        <UsageTable caption="By day" keyLabel="Day" rows={usage.by_day.map((r) => ({ ...r, key: r.day }))} />
      </div>
      <p class="mt-3 text-sm">
        <a href="/ai/usage" class="font-medium text-indigo-700 underline">
          AI usage page
        </a>
      </p>
    </section>
  );
}

export function UsagePage(props: {
  page: PageContext;
  usage: UsageData;
  reason: string | null;
}): JSX.Element {
  return (
    <Layout title="AI usage" user={props.page.user} csrfToken={props.page.csrfToken} active="admin">
      <h1 class="mb-4 text-2xl font-bold">AI usage</h1>
      <UsagePanel usage={props.usage} reason={props.reason} />
    </Layout>
  );
}
