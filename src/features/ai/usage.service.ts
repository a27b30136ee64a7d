/** AI usage for admins: calls, tokens and cost by day, user and purpose, with the month's budget. */
import type { Deps } from '../../deps.js';
import { errors } from '../../lib/app-error.js';
import type { AiGateway } from './ai-gateway.service.js';
import * as repo from './ai.repository.js';

function numbers(r: repo.UsageGroupRow) {
  return {
    calls: r.calls,
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    cache_read_tokens: r.cache_read_tokens,
    cache_creation_tokens: r.cache_creation_tokens,
    cost_usd: Number(r.cost_usd),
  };
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function createUsageService(deps: Pick<Deps, 'dbRead'>, gateway: AiGateway) {
  return {
    async usage(query: { from?: string; to?: string }) {
      const now = new Date();
      const from = query.from
        ? new Date(`${query.from}T00:00:00Z`)
        : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const toDay = query.to ? new Date(`${query.to}T00:00:00Z`) : new Date(`${day(now)}T00:00:00Z`);
      if (Number.isNaN(from.getTime()) || Number.isNaN(toDay.getTime()) || toDay < from) {
        throw errors.validation('`from` must be a date on or before `to`.');
      }
      const to = new Date(toDay.getTime() + 86_400_000);
      const [totals, byDay, byUser, byPurpose, budget] = await Promise.all([
        repo.usageBy(deps.dbRead, 'total', from, to),
        repo.usageBy(deps.dbRead, 'day', from, to),
        repo.usageBy(deps.dbRead, 'user', from, to),
        repo.usageBy(deps.dbRead, 'purpose', from, to),
        gateway.budget(),
      ]);
      return {
        from: day(from),
        to: day(toDay),
        totals: numbers(totals[0] as repo.UsageGroupRow),
        by_day: byDay.map((r) => ({ day: r.key ?? '', ...numbers(r) })),
        by_user: byUser.map((r) => ({ user_id: r.key, ...numbers(r) })),
        by_purpose: byPurpose.map((r) => ({ purpose: r.key ?? '', ...numbers(r) })),
        budget,
      };
    },
  };
}
