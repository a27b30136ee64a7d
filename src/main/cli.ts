/**
 * Entry point of the `intake` command (bin/intake.js runs the compiled dist/main/cli.js).
 * Exit codes: 0 success, 1 a command failed, 2 bad configuration or usage, 128+n on signal n.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { EXIT_CONFIG, runCleanups } from './cli-runtime.js';
import { buildProgram } from './program.js';

// `intake openapi | head` closes the pipe early: that is the reader's choice, not our failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const program = buildProgram();
// Every level throws instead of exiting, so usage errors get exit code 2 and cleanup still runs.
const visit = (command: typeof program): void => {
  command.exitOverride();
  command.commands.forEach(visit);
};
visit(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version come through here with exit code 0; usage errors with 1 → 2.
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_CONFIG;
  } else if (err instanceof ConfigError) {
    process.stderr.write(`intake: invalid configuration\n${err.problems.map((p) => `  - ${p}\n`).join('')}`);
    process.exitCode = EXIT_CONFIG;
  } else {
    process.stderr.write(`intake: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.INTAKE_DEBUG === '1' && err instanceof Error)
      process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = 1;
  }
  // A command that failed half-way may hold pools or the embedded PostgreSQL open.
  await runCleanups();
}
