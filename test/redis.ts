/**
 * Tests that need Redis run only when REDIS_URL is set (CI sets it):
 *   describe.skipIf(!testRedisUrl())('… (needs REDIS_URL)', …)
 * so a skipped suite says why in the report.
 */
export function testRedisUrl(): string | null {
  const url = process.env.REDIS_URL;
  return url === undefined || url.trim() === '' ? null : url.trim();
}

/** Why a Redis suite was skipped, for describe titles. */
export const REDIS_SKIP_REASON = 'skipped: REDIS_URL is not set';
