/** The AI settings in the one config schema: defaults, parsing and refusals. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';

describe('AI settings', () => {
  it('has documented defaults: off without a key, sample values off', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      anthropicApiKey: null,
      anthropicBaseUrl: null,
      aiModel: 'claude-sonnet-4-6',
      aiPriceInputPerMtok: 3,
      aiPriceOutputPerMtok: 15,
      aiMonthlyBudgetUsd: 50,
      aiUploadMaxTokens: 50_000,
      aiSampleValues: false,
      aiAnomalyMaxRows: 200,
      aiAnomalyDenyColumns: [],
      aiTimeoutMs: 30_000,
      aiConcurrency: 4,
      aiBreakerFailures: 5,
      aiBreakerCooldownMs: 30_000,
    });
  });

  it('reads every setting', () => {
    const c = loadConfig({
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
      AI_MODEL: 'claude-haiku-4-5',
      AI_PRICE_INPUT_PER_MTOK: '0.8',
      AI_PRICE_OUTPUT_PER_MTOK: '4',
      AI_MONTHLY_BUDGET_USD: '12.5',
      AI_UPLOAD_MAX_TOKENS: '1000',
      AI_SAMPLE_VALUES: 'on',
      AI_ANOMALY_MAX_ROWS: '10',
      AI_ANOMALY_DENY_COLUMNS: ' email , iban ',
      AI_TIMEOUT_MS: '5000',
      AI_CONCURRENCY: '2',
      AI_BREAKER_FAILURES: '3',
      AI_BREAKER_COOLDOWN_MS: '1000',
    });
    expect(c).toMatchObject({
      anthropicApiKey: 'sk-test',
      anthropicBaseUrl: 'http://127.0.0.1:9999',
      aiModel: 'claude-haiku-4-5',
      aiPriceInputPerMtok: 0.8,
      aiPriceOutputPerMtok: 4,
      aiMonthlyBudgetUsd: 12.5,
      aiUploadMaxTokens: 1000,
      aiSampleValues: true,
      aiAnomalyMaxRows: 10,
      aiAnomalyDenyColumns: ['email', 'iban'],
      aiTimeoutMs: 5000,
      aiConcurrency: 2,
      aiBreakerFailures: 3,
      aiBreakerCooldownMs: 1000,
    });
  });

  it('refuses bad values, naming each', () => {
    let error: unknown;
    try {
      loadConfig({
        AI_MONTHLY_BUDGET_USD: '-1',
        AI_CONCURRENCY: '0',
        ANTHROPIC_BASE_URL: 'ftp://x',
        AI_SAMPLE_VALUES: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'AI_MONTHLY_BUDGET_USD',
      'AI_CONCURRENCY',
      'ANTHROPIC_BASE_URL',
      'AI_SAMPLE_VALUES',
    ]) {
      expect(problems).toContain(name);
    }
  });
});
