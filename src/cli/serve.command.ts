/**
 * `intake serve`: the API on HOST:PORT (and, from the jobs issue on, the job worker in the same
 * process). SIGINT/SIGTERM stop it gracefully: stop accepting, finish in-flight requests, close
 * the pools and the kv store, then stop the embedded PostgreSQL; exit code 0.
 */
import { Command } from 'commander';
import {
  createCommandLogger,
  exitCleanlyOnSignal,
  installSignalHandlers,
  onShutdown,
  readConfig,
} from '../main/cli-runtime.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the API server on HOST:PORT (default 127.0.0.1:8000); Ctrl-C stops it cleanly.')
    .addHelpText(
      'after',
      '\nSettings come from the environment (and .env in development); see the README.\n' +
        'Without DATABASE_URL an embedded PostgreSQL is started in DATA_DIR/postgres.',
    )
    .action(async () => {
      installSignalHandlers();
      exitCleanlyOnSignal();
      const config = readConfig();
      const logger = await createCommandLogger(config, 'stdout');
      // The HTTP app, the deps and the job handlers load only for this command, not for every
      // `intake` run (validate would otherwise pay ~0.6 s and ~130 MB for them).
      const [{ buildApp }, { createDeps }, { registerJobHandlers }] = await Promise.all([
        import('../http/app.js'),
        import('../main/bootstrap.js'),
        import('../jobs/registry.js'),
      ]);
      const runtime = await createDeps(config, { logger });
      onShutdown(runtime.close);
      const app = await buildApp(runtime.deps);
      // Registered after the deps, so it runs first: no request may outlive its database.
      onShutdown(() => app.close());
      const address = await app.listen({ host: config.host, port: config.port });
      if (config.worker) {
        // WORKER=on: the same handlers as `intake worker`, in this process.
        registerJobHandlers(runtime.deps.queue, runtime.deps);
        await runtime.deps.queue.start();
        onShutdown(() => runtime.deps.queue.stop({ graceful: true, timeoutMs: config.jobShutdownTimeoutMs }));
      }
      logger.info(
        { address, env: config.env, database: runtime.deps.databaseKind, kv: runtime.deps.kv.kind },
        `intake listening on ${address}`,
      );
    });
}
