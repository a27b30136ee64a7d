/**
 * The one configuration schema. `loadConfig` reads a plain environment map (src/main passes
 * `process.env`, tests pass their own), validates every setting once, and returns a frozen Config.
 * Nothing else in src/ reads the environment.
 */

export type IntakeEnv = 'development' | 'test' | 'production';

export interface Config {
  /** INTAKE_ENV: development | test | production. Default development. */
  readonly env: IntakeEnv;
  /** HOST. Default 127.0.0.1. */
  readonly host: string;
  /** PORT. Default 8000. */
  readonly port: number;
  /** PUBLIC_URL: the URL clients use; the JWT `iss`. Default http://HOST:PORT. */
  readonly publicUrl: string;
  /** SECRET_KEY: ≥ 32 bytes in production. In development a fixed insecure key is used if unset. */
  readonly secretKey: string;
  /** DATABASE_URL. Unset: an embedded PostgreSQL in DATA_DIR/postgres. */
  readonly databaseUrl: string | null;
  /** DATABASE_REPLICA_URL: read-only queries go here when set. */
  readonly databaseReplicaUrl: string | null;
  /** DATABASE_POOL_SIZE. Default 10. */
  readonly databasePoolSize: number;
  /** DATA_DIR: where embedded PostgreSQL and local files live. Default ./data. */
  readonly dataDir: string;
  /** EMBEDDED_PG_PORT: port of the embedded PostgreSQL. Default 54329. */
  readonly embeddedPgPort: number;
  /** REDIS_URL. Unset: rate limits, caches and the denylist are kept in process. */
  readonly redisUrl: string | null;
  /** TRUST_PROXY: false (default), true, a hop count, or a comma list of proxy addresses. */
  readonly trustProxy: boolean | number | string;
  /** CORS_ORIGINS: comma-separated allowed origins. Default empty (no cross-origin access). */
  readonly corsOrigins: readonly string[];
  /** LOG_LEVEL: fatal | error | warn | info | debug | trace | silent. Default info (warn in test). */
  readonly logLevel: string;
  /** STORAGE_DIR: uploaded files. Default DATA_DIR/uploads. */
  readonly storageDir: string;
  /** MAX_UPLOAD_MB. Default 100. */
  readonly maxUploadMb: number;
  /** MAX_STORED_ERRORS: issues stored per upload (counts stay complete past it). Default 100000. */
  readonly maxStoredErrors: number;
  /** UPLOAD_PROGRESS_MS: how often a validating upload's progress is saved and streamed. Default 500. */
  readonly uploadProgressMs: number;
  /** ZIP_MAX_UNCOMPRESSED_MB: bytes a workbook may inflate to in all. Default 1024 (1 GiB). */
  readonly zipMaxUncompressedBytes: number;
  /** ZIP_MAX_RATIO: largest compression ratio of any workbook part past 1 MB. Default 100. */
  readonly zipMaxRatio: number;
  /** BODY_LIMIT_KB: max JSON body size. Default 1024. */
  readonly bodyLimitBytes: number;
  /** WORKER: on | off — run the job worker inside `intake serve`. Default on. */
  readonly worker: boolean;
  /** ANTHROPIC_API_KEY. Unset: AI review is off. */
  readonly anthropicApiKey: string | null;
  /** ANTHROPIC_BASE_URL: the Messages API endpoint. Unset: the SDK's default (https://api.anthropic.com). */
  readonly anthropicBaseUrl: string | null;
  /** AI_MODEL: the Claude model for every AI feature. Default claude-sonnet-4-6 (claude-sonnet-4-5 reaches end-of-life on 2026-11-30). */
  readonly aiModel: string;
  /** AI_PRICE_INPUT_PER_MTOK: USD per million input tokens (cost accounting, budgets). Default 3. */
  readonly aiPriceInputPerMtok: number;
  /** AI_PRICE_OUTPUT_PER_MTOK: USD per million output tokens. Default 15. */
  readonly aiPriceOutputPerMtok: number;
  /** AI_MONTHLY_BUDGET_USD: spend cap per calendar month (UTC) for the deployment; calls that could pass it are not made. Default 50. */
  readonly aiMonthlyBudgetUsd: number;
  /** AI_UPLOAD_MAX_TOKENS: tokens (in + out) the AI may use for one upload's review. Default 50000. */
  readonly aiUploadMaxTokens: number;
  /** AI_SAMPLE_VALUES: on | off — send up to 5 sample values per column with header mapping requests. Default off. */
  readonly aiSampleValues: boolean;
  /** AI_ANOMALY_MAX_ROWS: valid rows of an upload sent for anomaly review, at most. Default 200. */
  readonly aiAnomalyMaxRows: number;
  /** AI_ANOMALY_DENY_COLUMNS: comma list of field names never sent to the model (e.g. email,iban). Default empty. */
  readonly aiAnomalyDenyColumns: readonly string[];
  /** AI_TIMEOUT_MS: time one model request may take. Default 30000. */
  readonly aiTimeoutMs: number;
  /** AI_CONCURRENCY: model requests in flight at once per process. Default 4. */
  readonly aiConcurrency: number;
  /** AI_BREAKER_FAILURES: consecutive failed model calls that open the circuit breaker. Default 5. */
  readonly aiBreakerFailures: number;
  /** AI_BREAKER_COOLDOWN_MS: how long an open breaker refuses calls before one trial. Default 30000. */
  readonly aiBreakerCooldownMs: number;
  /** SMTP_URL. Unset: emails are logged (development) or not sent. */
  readonly smtpUrl: string | null;
  /** EMAIL_FROM. Default Intake <no-reply@localhost>. */
  readonly emailFrom: string;
  /** ACCESS_TOKEN_TTL: seconds. Default 900 (15 min). */
  readonly accessTokenTtlSeconds: number;
  /** REFRESH_TOKEN_TTL: seconds, absolute lifetime of a refresh family. Default 604800 (7 days). */
  readonly refreshTokenTtlSeconds: number;
  /** REFRESH_REUSE_GRACE: seconds in which a rotated refresh token may be presented again. Default 10. */
  readonly refreshReuseGraceSeconds: number;
  /** JWT_CLOCK_SKEW: seconds of clock skew tolerated when verifying tokens. Default 60, max 60. */
  readonly jwtClockSkewSeconds: number;
  /** PASSWORD_MIN_LENGTH. Default 8. */
  readonly passwordMinLength: number;
  /** COOKIE_SECURE: true | false. Default true outside development and test. */
  readonly cookieSecure: boolean;
  /** RATE_LIMIT_AUTH: requests per minute per client IP and per email on auth routes. Default 10. */
  readonly rateLimitAuthPerMinute: number;
  /** RATE_LIMIT_API: requests per minute per user on the API. Default 100. */
  readonly rateLimitApiPerMinute: number;
  /** RATE_LIMIT_EXPORT: exports (annotated workbook, errors CSV, rows) per hour per user. Default 5. */
  readonly rateLimitExportPerHour: number;
  /** API_DOCS: on | off — serve /api/docs. Default on. */
  readonly apiDocs: boolean;
  /** DEV_FEATURES: development-only conveniences (HS256 test issuer, Basic auth). Default off. */
  readonly devFeatures: boolean;
  /** WORKER_CONCURRENCY: jobs run at once per queue by one worker process. Default 2. */
  readonly workerConcurrency: number;
  /** JOB_VISIBILITY_TIMEOUT: seconds a running job may take before it counts as lost and is retried (a killed worker's job comes back after this). Default 300. */
  readonly jobVisibilityTimeoutSeconds: number;
  /** JOB_RETRY_LIMIT: retries of a job that failed or was lost before it fails for good. Default 3. */
  readonly jobRetryLimit: number;
  /** JOB_RETRY_DELAY: seconds before the first retry; doubles (with jitter) for each next one. Default 5. */
  readonly jobRetryDelaySeconds: number;
  /** JOB_POLL_INTERVAL_MS: how often an idle worker looks for jobs. Default 2000, minimum 500. */
  readonly jobPollIntervalMs: number;
  /** JOB_MAINTENANCE_INTERVAL: seconds between checks for expired (lost) jobs. Default 60, minimum 1. */
  readonly jobMaintenanceIntervalSeconds: number;
  /** JOB_SHUTDOWN_TIMEOUT_MS: on SIGTERM, how long running jobs may finish before they are released for retry. Default 25000. */
  readonly jobShutdownTimeoutMs: number;
  /** WEBHOOK_TIMEOUT_MS: time a webhook receiver has to answer one delivery attempt. Default 10000. */
  readonly webhookTimeoutMs: number;
  /** WEBHOOK_RETRY_SCHEDULE: comma list of seconds to wait before each retry of a failed delivery; after the last, the delivery is failed. Default 5,300,1800,7200,18000,36000,36000 (about a day). */
  readonly webhookRetryScheduleSeconds: readonly number[];
  /** WEBHOOK_ALLOW_PRIVATE: on | off — allow webhook URLs that resolve to private, loopback or link-local addresses. Default off in production, on elsewhere. */
  readonly webhookAllowPrivate: boolean;
  /** BASIC_AUTH: on | off — accept HTTP Basic (email:password); only with INTAKE_ENV=development, refused in production. Default off. */
  readonly basicAuth: boolean;
  /** AUDIT_RETENTION_DAYS: audit events older than this are deleted by the cleanup; 0 keeps them forever. Default 365. */
  readonly auditRetentionDays: number;
  /** API_TOKEN_TOUCH_INTERVAL: seconds between batched writes of API tokens' last_used_at. Default 60. */
  readonly apiTokenTouchIntervalSeconds: number;
  /** SESSION_IDLE_MINUTES: a web session unused this long ends. Default 60. */
  readonly sessionIdleMinutes: number;
  /** SESSION_ABSOLUTE_HOURS: a web session ends this long after sign-in, however active. Default 12. */
  readonly sessionAbsoluteHours: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const DEV_SECRET_KEY = 'insecure-development-key-change-me-0123456789abcdef';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}; got "${value}".`);
      return fallback;
    }
    return n;
  }

  /** A non-negative decimal (prices, budgets). */
  decimal(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max}; got "${value}".`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'on', 'yes'].includes(value)) return true;
    if (['0', 'false', 'off', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be on/off (true/false); got "${value}".`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}; got "${value}".`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, protocols: readonly string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL.`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL.`);
    }
    return value;
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(lower)) return true;
  if (['0', 'false', 'off', 'no'].includes(lower)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** A comma list of non-negative whole seconds (WEBHOOK_RETRY_SCHEDULE); empty means no retries. */
function parseSchedule(r: Reader, name: string, fallback: readonly number[]): readonly number[] {
  const value = r.raw(name);
  if (value === undefined) return Object.freeze([...fallback]);
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const numbers = parts.map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 0 || n > 86_400)) {
    r.problems.push(`${name} must be a comma list of whole seconds from 0 to 86400; got "${value}".`);
    return Object.freeze([...fallback]);
  }
  return Object.freeze(numbers);
}

/** Validates the environment once and returns a frozen Config, or throws ConfigError naming each bad setting. */
export function loadConfig(env: Env): Config {
  const r = new Reader(env);
  const intakeEnv = r.oneOf<IntakeEnv>('INTAKE_ENV', ['development', 'test', 'production'], 'development');
  const production = intakeEnv === 'production';
  const host = r.string('HOST', '127.0.0.1');
  const port = r.int('PORT', 8000, 0, 65535);
  const dataDir = r.string('DATA_DIR', './data');

  const secretKey = r.raw('SECRET_KEY');
  if (production && (secretKey === undefined || Buffer.byteLength(secretKey) < 32)) {
    r.problems.push(
      'SECRET_KEY must be set to at least 32 bytes in production (e.g. `openssl rand -base64 48`).',
    );
  }

  const publicUrl = r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`;
  const cookieSecure = r.bool('COOKIE_SECURE', intakeEnv === 'production');
  const devFeatures = r.bool('DEV_FEATURES', false);
  if (production && !cookieSecure) r.problems.push('COOKIE_SECURE must be on in production.');
  if (production && devFeatures) r.problems.push('DEV_FEATURES must be off in production.');
  if (production && publicUrl.startsWith('http:') && !r.bool('ALLOW_HTTP_PUBLIC_URL', false)) {
    r.problems.push(
      'PUBLIC_URL must be https in production (set ALLOW_HTTP_PUBLIC_URL=on behind a TLS proxy that rewrites it).',
    );
  }

  const basicAuth = r.bool('BASIC_AUTH', false);
  // Basic sends the password on every request: a development convenience only.
  if (basicAuth && intakeEnv !== 'development') {
    r.problems.push(`BASIC_AUTH must be off unless INTAKE_ENV=development (it is ${intakeEnv}).`);
  }

  const clockSkew = r.int('JWT_CLOCK_SKEW', 60, 0, 60);
  const logLevel = r.oneOf('LOG_LEVEL', LOG_LEVELS, intakeEnv === 'test' ? 'warn' : 'info');

  const config: Config = {
    env: intakeEnv,
    host,
    port,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    secretKey: secretKey ?? DEV_SECRET_KEY,
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseReplicaUrl: r.url('DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 1000),
    dataDir,
    embeddedPgPort: r.int('EMBEDDED_PG_PORT', 54329, 1, 65535),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    trustProxy: parseTrustProxy(r.raw('TRUST_PROXY')),
    corsOrigins: (r.raw('CORS_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel,
    storageDir: r.string('STORAGE_DIR', `${dataDir.replace(/\/+$/, '')}/uploads`),
    maxUploadMb: r.int('MAX_UPLOAD_MB', 100, 1, 100_000),
    maxStoredErrors: r.int('MAX_STORED_ERRORS', 100_000, 0, 10_000_000),
    uploadProgressMs: r.int('UPLOAD_PROGRESS_MS', 500, 10, 1000),
    zipMaxUncompressedBytes: r.int('ZIP_MAX_UNCOMPRESSED_MB', 1024, 1, 1_048_576) * 1024 * 1024,
    zipMaxRatio: r.int('ZIP_MAX_RATIO', 100, 2, 100_000),
    bodyLimitBytes: r.int('BODY_LIMIT_KB', 1024, 1, 1_048_576) * 1024,
    worker: r.bool('WORKER', true),
    anthropicApiKey: r.optional('ANTHROPIC_API_KEY'),
    anthropicBaseUrl: r.url('ANTHROPIC_BASE_URL', ['http:', 'https:']),
    aiModel: r.string('AI_MODEL', 'claude-sonnet-4-6'),
    aiPriceInputPerMtok: r.decimal('AI_PRICE_INPUT_PER_MTOK', 3, 0, 10_000),
    aiPriceOutputPerMtok: r.decimal('AI_PRICE_OUTPUT_PER_MTOK', 15, 0, 10_000),
    aiMonthlyBudgetUsd: r.decimal('AI_MONTHLY_BUDGET_USD', 50, 0, 10_000_000),
    aiUploadMaxTokens: r.int('AI_UPLOAD_MAX_TOKENS', 50_000, 1, 100_000_000),
    aiSampleValues: r.bool('AI_SAMPLE_VALUES', false),
    aiAnomalyMaxRows: r.int('AI_ANOMALY_MAX_ROWS', 200, 1, 100_000),
    aiAnomalyDenyColumns: Object.freeze(
      (r.raw('AI_ANOMALY_DENY_COLUMNS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    aiTimeoutMs: r.int('AI_TIMEOUT_MS', 30_000, 100, 600_000),
    aiConcurrency: r.int('AI_CONCURRENCY', 4, 1, 256),
    aiBreakerFailures: r.int('AI_BREAKER_FAILURES', 5, 1, 1000),
    aiBreakerCooldownMs: r.int('AI_BREAKER_COOLDOWN_MS', 30_000, 10, 3_600_000),
    smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
    emailFrom: r.string('EMAIL_FROM', 'Intake <no-reply@localhost>'),
    accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL', 900, 30, 86_400),
    refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL', 604_800, 60, 31_536_000),
    refreshReuseGraceSeconds: r.int('REFRESH_REUSE_GRACE', 10, 0, 60),
    jwtClockSkewSeconds: clockSkew,
    passwordMinLength: r.int('PASSWORD_MIN_LENGTH', 8, 1, 1024),
    cookieSecure,
    sessionIdleMinutes: r.int('SESSION_IDLE_MINUTES', 60, 1, 43_200),
    sessionAbsoluteHours: r.int('SESSION_ABSOLUTE_HOURS', 12, 1, 8_760),
    rateLimitAuthPerMinute: r.int('RATE_LIMIT_AUTH', 10, 1, 1_000_000),
    rateLimitApiPerMinute: r.int('RATE_LIMIT_API', 100, 1, 1_000_000),
    rateLimitExportPerHour: r.int('RATE_LIMIT_EXPORT', 5, 1, 1_000_000),
    apiDocs: r.bool('API_DOCS', true),
    devFeatures,
    workerConcurrency: r.int('WORKER_CONCURRENCY', 2, 1, 256),
    jobVisibilityTimeoutSeconds: r.int('JOB_VISIBILITY_TIMEOUT', 300, 1, 86_399),
    jobRetryLimit: r.int('JOB_RETRY_LIMIT', 3, 0, 100),
    jobRetryDelaySeconds: r.int('JOB_RETRY_DELAY', 5, 0, 86_400),
    jobPollIntervalMs: r.int('JOB_POLL_INTERVAL_MS', 2000, 500, 600_000),
    jobMaintenanceIntervalSeconds: r.int('JOB_MAINTENANCE_INTERVAL', 60, 1, 3600),
    jobShutdownTimeoutMs: r.int('JOB_SHUTDOWN_TIMEOUT_MS', 25_000, 1000, 3_600_000),
    webhookTimeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookRetryScheduleSeconds: parseSchedule(
      r,
      'WEBHOOK_RETRY_SCHEDULE',
      [5, 300, 1800, 7200, 18_000, 36_000, 36_000],
    ),
    webhookAllowPrivate: r.bool('WEBHOOK_ALLOW_PRIVATE', !production),
    basicAuth,
    auditRetentionDays: r.int('AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    apiTokenTouchIntervalSeconds: r.int('API_TOKEN_TOUCH_INTERVAL', 60, 1, 3600),
  };

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze({ ...config, corsOrigins: Object.freeze([...config.corsOrigins]) });
}
