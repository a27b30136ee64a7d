/**
 * Cost accounting and budgets. A call's worst case (estimated input at the input price plus
 * `max_tokens` at the output price) must fit what is left of the month's budget, and, for an
 * upload, its token allowance. Calls in flight in this process hold a reservation, taken before
 * the first await so that concurrent calls (an upload's batches) cannot all pass one check.
 * Across processes the recorded spend is the bound; a few concurrent calls may overshoot by at
 * most their own worst case.
 */
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import * as repo from './ai.repository.js';
import type { TokenUsage } from './claude-transport.js';

export type BudgetConfig = Pick<
  Config,
  'aiPriceInputPerMtok' | 'aiPriceOutputPerMtok' | 'aiMonthlyBudgetUsd' | 'aiUploadMaxTokens'
>;

export interface Reservation {
  readonly usd: number;
  readonly tokens: number;
  readonly uploadId: string | null;
}

export type ReserveResult =
  | { readonly ok: true; readonly reservation: Reservation }
  | { readonly ok: false; readonly scope: 'monthly' | 'upload'; readonly message: string };

export function startOfMonthUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function createBudgetGuard(db: Db, config: BudgetConfig) {
  let reservedUsd = 0;
  const reservedTokens = new Map<string, number>();

  function release(r: Reservation): void {
    reservedUsd -= r.usd;
    if (r.uploadId === null) return;
    const left = (reservedTokens.get(r.uploadId) ?? 0) - r.tokens;
    if (left > 0) reservedTokens.set(r.uploadId, left);
    else reservedTokens.delete(r.uploadId);
  }

  return {
    /** USD of recorded usage: cache reads bill at 0.1× and cache writes at 1.25× the input price. */
    costOf(u: TokenUsage): number {
      const input = u.inputTokens + u.cacheReadTokens * 0.1 + u.cacheCreationTokens * 1.25;
      return (input * config.aiPriceInputPerMtok + u.outputTokens * config.aiPriceOutputPerMtok) / 1_000_000;
    },

    /** Reserves the worst case of a call, or says which budget refuses it. */
    async reserve(call: {
      estimateIn: number;
      maxTokens: number;
      uploadId: string | null;
    }): Promise<ReserveResult> {
      const reservation: Reservation = {
        usd:
          (call.estimateIn * config.aiPriceInputPerMtok + call.maxTokens * config.aiPriceOutputPerMtok) /
          1_000_000,
        tokens: call.estimateIn + call.maxTokens,
        uploadId: call.uploadId,
      };
      const othersUsd = reservedUsd;
      const othersTokens = call.uploadId ? (reservedTokens.get(call.uploadId) ?? 0) : 0;
      reservedUsd += reservation.usd;
      if (call.uploadId) reservedTokens.set(call.uploadId, othersTokens + reservation.tokens);
      try {
        const spent = Number(await repo.spentSince(db, startOfMonthUtc()));
        const remaining = config.aiMonthlyBudgetUsd - spent - othersUsd;
        if (reservation.usd > remaining) {
          release(reservation);
          return {
            ok: false,
            scope: 'monthly',
            message:
              `The monthly AI budget (USD ${config.aiMonthlyBudgetUsd}) does not cover this request; ` +
              `USD ${Math.max(0, remaining).toFixed(4)} remains.`,
          };
        }
        if (call.uploadId) {
          const used = (await repo.tokensForUpload(db, call.uploadId)) + othersTokens;
          if (used + reservation.tokens > config.aiUploadMaxTokens) {
            release(reservation);
            return {
              ok: false,
              scope: 'upload',
              message: `This upload's AI allowance (${config.aiUploadMaxTokens} tokens) does not cover another request; ${used} used.`,
            };
          }
        }
        return { ok: true, reservation };
      } catch (err) {
        release(reservation);
        throw err;
      }
    },

    release,

    /** Spent this month and what remains, in USD. */
    async summary(): Promise<{ monthly_usd: number; spent_usd: number; remaining_usd: number }> {
      const spent = Number(await repo.spentSince(db, startOfMonthUtc()));
      const round = (n: number) => Math.round(n * 1e6) / 1e6;
      return {
        monthly_usd: config.aiMonthlyBudgetUsd,
        spent_usd: round(spent),
        remaining_usd: Math.max(0, round(config.aiMonthlyBudgetUsd - spent)),
      };
    },
  };
}

export type BudgetGuard = ReturnType<typeof createBudgetGuard>;
