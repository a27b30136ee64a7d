/** Passwords and tokens that pass through the identity routes never reach the logs, even at trace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../http/logger.js';
import { call, RELAXED_LIMITS, registerUser, STRONG_PASSWORD } from './identity.test-support.js';

const lines: string[] = [];
let t: TestApp;

beforeAll(async () => {
  const config = loadConfig({ INTAKE_ENV: 'test', LOG_LEVEL: 'trace' });
  const logger = createLogger(config, { write: (line: string) => void lines.push(line) });
  t = await buildTestApp(RELAXED_LIMITS, { logger });
});
afterAll(async () => {
  await t?.close();
});

describe('identity logging', () => {
  it('logs requests but no password, access token or refresh token', async () => {
    const s = await registerUser(t.app, { password: STRONG_PASSWORD });
    await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: 'Wrong-password-Zebra-1' },
    });
    const refreshed = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: s.refreshToken },
    });
    await call(t.app, 'GET', '/api/v1/users/me', { token: s.accessToken });
    // Reuse after the grace window logs a warning: it must name ids only.
    await t.deps.db
      .updateTable('refresh_tokens')
      .set({ rotated_at: new Date(Date.now() - 60_000) })
      .execute();
    await call(t.app, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: s.refreshToken } });

    // Request completion lines are written at the end of the event-loop iteration.
    await new Promise((resolve) => setImmediate(resolve));
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('refresh token reuse detected');
    for (const secret of [
      STRONG_PASSWORD,
      'Wrong-password-Zebra-1',
      s.accessToken,
      s.accessToken.split('.')[2]!,
      s.refreshToken,
      refreshed.body.refresh_token as string,
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
