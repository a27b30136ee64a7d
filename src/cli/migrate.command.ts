/**
 * `intake migrate`: brings the database schema up to date and says what it applied. Safe to run
 * while a server is running and from several processes at once (src/db/migrate.ts).
 */
import { Command } from 'commander';
import { createCommandLogger, installSignalHandlers, onShutdown, readConfig } from '../main/cli-runtime.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('Apply pending database migrations (serve also does this on start).')
    .action(async () => {
      installSignalHandlers();
      const config = readConfig();
      const logger = await createCommandLogger(config);
      const { createDeps } = await import('../main/bootstrap.js');
      const runtime = await createDeps(config, { logger });
      onShutdown(runtime.close);
      try {
        const where = runtime.deps.databaseKind === 'embedded' ? 'embedded PostgreSQL' : 'DATABASE_URL';
        process.stdout.write(
          runtime.applied.length === 0
            ? `Database (${where}) is up to date.\n`
            : `Applied ${runtime.applied.length} migration(s) on ${where}: ${runtime.applied.join(', ')}\n`,
        );
      } finally {
        await runtime.close();
      }
    });
}
