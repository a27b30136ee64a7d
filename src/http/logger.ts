/**
 * The app's one pino logger: JSON lines, level from config, and redaction so credentials never
 * reach a log. Fastify gets it as `loggerInstance`; request logs carry the request id.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from '../config/config.js';

/** Keys whose values are secrets wherever they appear in a logged object (pino has no `**`). */
const SECRET_KEYS = [
  'password',
  'current_password',
  'new_password',
  'refresh_token',
  'access_token',
  'token',
  'secret',
  'secretKey',
  'authorization',
  'cookie',
];

function redactPaths(): string[] {
  const paths = [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-api-key"]',
    'res.headers["set-cookie"]',
    'headers.authorization',
    'headers.cookie',
  ];
  // Secrets may sit at the top of a log object, or one to three levels down (body, err, user...).
  for (const key of SECRET_KEYS) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  return paths;
}

/** Builds the app logger. `destination` defaults to stdout; tests pass a memory stream. */
export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'intake', env: config.env },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    formatters: {
      // Keep `level` readable ("info") rather than pino's numeric default.
      level: (label: string) => ({ level: label }),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
