/**
 * `intake flushexpiredtokens`: deletes refresh tokens whose family has expired, like simplejwt's
 * management command of the same name. `serve` already does this every hour; the command is for
 * deployments that run it from cron, or to clear a backlog at once.
 */
import { Command } from 'commander';
import { installSignalHandlers, withDeps } from '../main/cli-runtime.js';

export function flushExpiredTokensCommand(): Command {
  return new Command('flushexpiredtokens')
    .description('Delete expired refresh tokens (serve also does this every hour).')
    .action(async () => {
      installSignalHandlers();
      const { deleteExpiredRefreshTokens } = await import('../features/identity/index.js');
      await withDeps(async (deps) => {
        const deleted = await deleteExpiredRefreshTokens(deps.db);
        process.stdout.write(`Deleted ${deleted} expired refresh token${deleted === 1 ? '' : 's'}.\n`);
      });
    });
}
