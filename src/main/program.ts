/**
 * The `intake` command tree. Built by a function so tests can inspect it without running it.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { createadminCommand } from '../cli/createadmin.command.js';
import { inferCommand } from '../cli/infer.command.js';
import { flushExpiredTokensCommand } from '../cli/flushexpiredtokens.command.js';
import { keysCommand } from '../cli/keys.command.js';
import { migrateCommand } from '../cli/migrate.command.js';
import { openapiCommand } from '../cli/openapi.command.js';
import { serveCommand } from '../cli/serve.command.js';
import { templateCommand } from '../cli/template.command.js';
import { validateCommand } from '../cli/validate.command.js';
import { workerCommand } from '../cli/worker.command.js';

/** package.json sits two levels up from both src/main and dist/main. */
function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command('intake')
    .description(
      'Intake: validate spreadsheets (xlsx, CSV) against a schema, on an identity and API platform.',
    )
    .version(readVersion())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEvery command takes --help. Settings come from the environment; see the README.',
    );

  program.addCommand(serveCommand());
  program.addCommand(migrateCommand());
  program.addCommand(openapiCommand());
  program.addCommand(workerCommand());
  program.addCommand(createadminCommand());
  program.addCommand(keysCommand());
  program.addCommand(flushExpiredTokensCommand());

  // The spreadsheet engine's doors: no database, no server.
  program.addCommand(validateCommand());
  program.addCommand(inferCommand());
  program.addCommand(templateCommand());

  return program;
}
