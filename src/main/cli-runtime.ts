/**
 * What every CLI command needs from the process: the validated config (the environment plus
 * `.env` in development), the deps, and an orderly shutdown on SIGINT/SIGTERM. This is the only
 * place, with src/config, that touches process.env.
 *
 * Every `intake` run loads this module, including the spreadsheet commands (validate, infer,
 * template) that need no database, logger or server: so the logger (pino) and the deps
 * (database, kv, queue) are imported only when a command asks for them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from '../config/config.js';
import type { Config } from '../config/config.js';
import type { Deps } from '../deps.js';

/** Exit codes: 1 for a failed command, 2 for bad configuration or usage, 128+n after signal n. */
export const EXIT_CONFIG = 2;

/**
 * The environment the config is read from. `.env` in the working directory fills in unset
 * variables only in development (INTAKE_ENV unset or `development`): a production or test process
 * must be configured explicitly, never by a stray file.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const intakeEnv = env.INTAKE_ENV?.trim() || 'development';
  const file = path.resolve('.env');
  if (intakeEnv !== 'development' || !existsSync(file)) return { ...env };
  return { ...parseDotenv(readFileSync(file)), ...env };
}

let cachedConfig: Config | undefined;

/** Loads and validates the config once; on a ConfigError prints every problem and exits 2. */
export function readConfig(): Config {
  if (cachedConfig) return cachedConfig;
  try {
    cachedConfig = loadConfig(readEnvironment());
    return cachedConfig;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `intake: invalid configuration\n${err.problems.map((p) => `  - ${p}\n`).join('')}`,
      );
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}

type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];
let shuttingDown = false;
let signalExitCode: number | null = null;

/** Registers work to do on SIGINT/SIGTERM; runs last-registered first (the server before the database). */
export function onShutdown(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

/** Long-running commands (serve) treat a signal as the normal way to stop and exit 0 after cleanup. */
export function exitCleanlyOnSignal(): void {
  signalExitCode = 0;
}

/** Runs the registered shutdown work now (a command failed and the process should end). */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup();
    } catch (err) {
      process.stderr.write(
        `intake: error during shutdown: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  }
}

let installed = false;

/** Installs the SIGINT/SIGTERM handlers (once). A second signal during shutdown exits at once. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const handle = (signal: NodeJS.Signals, number: number) => {
    if (shuttingDown) {
      process.stderr.write(`intake: ${signal} again, exiting without cleanup\n`);
      process.exit(128 + number);
    }
    shuttingDown = true;
    process.stderr.write(`intake: ${signal} received, shutting down\n`);
    void runCleanups().finally(() => process.exit(signalExitCode ?? 128 + number));
  };
  process.on('SIGINT', () => handle('SIGINT', 2));
  process.on('SIGTERM', () => handle('SIGTERM', 15));
}

export interface WithDepsOptions {
  /**
   * Where logs go. Default stderr, so a command's stdout carries only its output (e.g. the
   * OpenAPI document); `serve` passes stdout.
   */
  logDestination?: 'stdout' | 'stderr';
}

/** Builds the logger for a command (pino is loaded here, not by every `intake` run). */
export async function createCommandLogger(
  config: Config,
  destination: 'stdout' | 'stderr' = 'stderr',
): Promise<Logger> {
  const [{ pino }, { createLogger }] = await Promise.all([import('pino'), import('../http/logger.js')]);
  return destination === 'stdout' ? createLogger(config) : createLogger(config, pino.destination(2));
}

/**
 * Runs `run` with the app's deps (starting the embedded PostgreSQL if DATABASE_URL is unset and
 * migrating), then closes them, also when `run` throws or the process gets SIGINT/SIGTERM.
 */
export async function withDeps<T>(
  run: (deps: Deps) => Promise<T>,
  options: WithDepsOptions = {},
): Promise<T> {
  const config = readConfig();
  const logger = await createCommandLogger(config, options.logDestination);
  const { createDeps } = await import('./bootstrap.js');
  const runtime = await createDeps(config, { logger });
  onShutdown(runtime.close);
  try {
    return await run(runtime.deps);
  } finally {
    if (!shuttingDown) await runtime.close();
  }
}
