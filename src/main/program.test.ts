/**
 * Every command, at every level, answers --help (the issue asks for it everywhere). Walks the real
 * command tree, so a command added later is covered without touching this file.
 */
import { CommanderError } from 'commander';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((child) => {
    const path = [...prefix, child.name()];
    return [path, ...commandPaths(child, path)];
  });
}

async function helpOf(path: string[]): Promise<{ exitCode: number; out: string }> {
  const program = buildProgram();
  let out = '';
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync([...path, '--help'], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return { exitCode: err.exitCode, out };
    throw err;
  }
  return { exitCode: -1, out };
}

const paths = commandPaths(buildProgram());

describe('intake command tree', () => {
  it('has the platform commands', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'serve',
        'migrate',
        'openapi',
        'createadmin',
        'keys',
        'keys rotate',
        'flushexpiredtokens',
      ]),
    );
  });

  it.each(paths.map((p) => [p.join(' '), p]))(
    'intake %s --help prints usage and exits 0',
    async (_name, path) => {
      const { exitCode, out } = await helpOf(path as string[]);
      expect(exitCode).toBe(0);
      expect(out).toContain(`Usage: intake ${(path as string[]).join(' ')}`);
    },
  );

  it('every command has a description', () => {
    const program = buildProgram();
    const missing = paths.filter((path) => {
      let command: Command | undefined = program;
      for (const name of path) command = command?.commands.find((c) => c.name() === name);
      return !command?.description();
    });
    expect(missing).toEqual([]);
  });
});
