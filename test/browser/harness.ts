/**
 * The browser test harness: the real app listening on a real port (with the job worker running,
 * as `intake serve` with WORKER=on), and Debian's Chromium driven by playwright-core in a fresh
 * profile. Never downloads a browser: CI installs `chromium` with apt (see .ci/run).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { registerJobHandlers } from '../../src/jobs/index.js';
import { buildTestApp, type TestApp } from '../app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOT_DIR = path.resolve('test-output', 'screenshots');

export interface WebServer {
  readonly t: TestApp;
  /** Starts the job worker (when started with `worker: false`). */
  startWorker(): Promise<void>;
  /** `http://localhost:<port>`: a secure context for the browser, unlike a LAN address. */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `env` overrides settings; `worker: false` holds jobs queued until `startWorker()`, so a test can
 * watch an upload wait.
 */
export async function startWebServer(
  env: Record<string, string> = {},
  options: { worker?: boolean } = {},
): Promise<WebServer> {
  // The stylesheet is built from the templates; rebuild it so the screenshots show current classes.
  execFileSync(process.execPath, ['scripts/build-css.mjs'], { stdio: 'ignore' });
  const t = await buildTestApp({ JOB_POLL_INTERVAL_MS: '500', RATE_LIMIT_AUTH: '1000', ...env });
  registerJobHandlers(t.deps.queue, t.deps);
  let started = false;
  const startWorker = async (): Promise<void> => {
    if (started) return;
    started = true;
    await t.deps.queue.start();
  };
  if (options.worker !== false) await startWorker();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    t,
    startWorker,
    port: address.port,
    baseUrl: `http://localhost:${address.port}`,
    async close() {
      await t.deps.queue.stop({ graceful: false, timeoutMs: 1000 }).catch(() => undefined);
      await t.close();
    },
  };
}

export interface Browser {
  readonly context: BrowserContext;
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with its own temporary profile; `newContext()` gives another isolated user. */
export async function launchBrowser(): Promise<Browser> {
  const profiles: string[] = [];
  const contexts: BrowserContext[] = [];
  async function newContext(): Promise<BrowserContext> {
    const dir = await mkdtemp(path.join(tmpdir(), 'intake-chromium-'));
    profiles.push(dir);
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(context);
    return context;
  }
  const context = await newContext();
  return {
    context,
    newContext,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      for (const dir of profiles) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A full-page PNG under test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fails the test on any script error or CSP violation the page reports. */
export function collectPageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    if (dialog.type() === 'alert') problems.push(`alert dialog: ${dialog.message()}`);
    void dialog.accept();
  });
  return problems;
}
