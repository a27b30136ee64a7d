/**
 * `intake openapi`: prints the OpenAPI 3.1 document the server serves at /api/v1/openapi.json.
 * It builds the real app (never listening) on real deps, so the spec is exactly what `serve`
 * would publish; that means it reaches the database like any command (embedded when
 * DATABASE_URL is unset). Logs go to stderr, so stdout is pure JSON.
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { installSignalHandlers, withDeps } from '../main/cli-runtime.js';

export function openapiCommand(): Command {
  return new Command('openapi')
    .description('Print the OpenAPI 3.1 document of the API as JSON.')
    .option('-o, --output <file>', 'write it to a file instead of stdout')
    .action(async (options: { output?: string }) => {
      installSignalHandlers();
      // The whole HTTP app loads only for this command, not for every `intake` run.
      const { buildApp } = await import('../http/app.js');
      const json = await withDeps(async (deps) => {
        const app = await buildApp(deps);
        try {
          await app.ready();
          return `${JSON.stringify(app.swagger(), null, 2)}\n`;
        } finally {
          await app.close();
        }
      });
      if (options.output !== undefined) await writeFile(options.output, json);
      else process.stdout.write(json);
    });
}
