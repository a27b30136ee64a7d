import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const STRONG_KEY = 'k'.repeat(32);
const PRODUCTION = {
  INTAKE_ENV: 'production',
  SECRET_KEY: STRONG_KEY,
  PUBLIC_URL: 'https://intake.example.com',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('has documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 8000,
      publicUrl: 'http://127.0.0.1:8000',
      databaseUrl: null,
      redisUrl: null,
      dataDir: './data',
      embeddedPgPort: 54329,
      corsOrigins: [],
      trustProxy: false,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 604_800,
      refreshReuseGraceSeconds: 10,
      jwtClockSkewSeconds: 60,
      passwordMinLength: 8,
      cookieSecure: false,
      rateLimitAuthPerMinute: 10,
      rateLimitApiPerMinute: 100,
      devFeatures: false,
      logLevel: 'info',
    });
    expect(config.secretKey.length).toBeGreaterThanOrEqual(32);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('accepts a sound production configuration', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.env).toBe('production');
    expect(config.cookieSecure).toBe(true);
    expect(config.secretKey).toBe(STRONG_KEY);
  });

  it.each([
    ['a missing SECRET_KEY', { SECRET_KEY: '' }, 'SECRET_KEY'],
    ['a 31-byte SECRET_KEY', { SECRET_KEY: 'k'.repeat(31) }, 'SECRET_KEY'],
    ['DEV_FEATURES on', { DEV_FEATURES: 'on' }, 'DEV_FEATURES'],
    ['cookies that are not Secure', { COOKIE_SECURE: 'off' }, 'COOKIE_SECURE'],
    ['a plain-HTTP PUBLIC_URL', { PUBLIC_URL: 'http://intake.example.com' }, 'PUBLIC_URL'],
  ])('refuses production with %s, naming the setting', (_name, override, setting) => {
    const problems = problemsOf({ ...PRODUCTION, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(setting);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      INTAKE_ENV: 'production',
      DEV_FEATURES: 'on',
      COOKIE_SECURE: 'off',
      PORT: 'x',
    });
    expect(problems.join('\n')).toMatch(/SECRET_KEY/);
    expect(problems.join('\n')).toMatch(/DEV_FEATURES/);
    expect(problems.join('\n')).toMatch(/COOKIE_SECURE/);
    expect(problems.join('\n')).toMatch(/PORT/);
  });

  it('allows development conveniences outside production', () => {
    expect(problemsOf({ INTAKE_ENV: 'development', DEV_FEATURES: 'on', COOKIE_SECURE: 'off' })).toEqual([]);
    expect(problemsOf({ INTAKE_ENV: 'test', SECRET_KEY: 'short' })).toEqual([]);
  });

  it.each([
    [{ INTAKE_ENV: 'staging' }, 'INTAKE_ENV'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ WORKER: 'maybe' }, 'WORKER'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ JWT_CLOCK_SKEW: '61' }, 'JWT_CLOCK_SKEW'],
  ])('rejects %j', (env, setting) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(setting);
  });

  it.each([
    [undefined, false],
    ['true', true],
    ['off', false],
    ['2', 2],
    ['10.0.0.1,10.0.0.2', '10.0.0.1,10.0.0.2'],
  ])('TRUST_PROXY=%s is %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', PORT: '' })).toMatchObject({ databaseUrl: null, port: 8000 });
  });
});
