import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnvironment } from './cli-runtime.js';

describe('readEnvironment (.env handling)', () => {
  const originalCwd = process.cwd();
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'intake-env-'));
    await writeFile(path.join(dir, '.env'), 'PORT=9001\nSECRET_KEY=from-dotenv\n# comment\nHOST="0.0.0.0"\n');
    process.chdir(dir);
  });

  afterEach(async () => {
    process.chdir(originalCwd);
    await rm(dir, { recursive: true, force: true });
  });

  it('fills unset variables from .env in development', () => {
    expect(readEnvironment({})).toMatchObject({ PORT: '9001', SECRET_KEY: 'from-dotenv', HOST: '0.0.0.0' });
    expect(readEnvironment({ INTAKE_ENV: 'development' })).toMatchObject({ PORT: '9001' });
  });

  it('never overrides the real environment', () => {
    expect(readEnvironment({ PORT: '7000' })).toMatchObject({ PORT: '7000', SECRET_KEY: 'from-dotenv' });
  });

  it.each(['production', 'test'])('ignores .env when INTAKE_ENV=%s', (env) => {
    const result = readEnvironment({ INTAKE_ENV: env });
    expect(result.PORT).toBeUndefined();
    expect(result.SECRET_KEY).toBeUndefined();
  });

  it('works without a .env file', async () => {
    await rm(path.join(dir, '.env'));
    expect(readEnvironment({ PORT: '1' })).toEqual({ PORT: '1' });
  });
});
