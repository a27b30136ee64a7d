/**
 * `intake createadmin --email E`: creates an admin account, like Django's createsuperuser. The
 * password is asked twice without echo on a terminal, or read as one line from stdin with
 * `--password-stdin` (scripts, CI). The same rules as registration apply. An existing email is
 * an error (exit 1) rather than a silent promotion: promote existing users with
 * PATCH /api/v1/users/{id} instead. Exit codes: 0 created, 1 refused (taken email, weak password,
 * mismatch), 2 usage (no terminal and no --password-stdin, bad configuration).
 */
import type { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import type { IdentityService, PublicUser } from '../features/identity/index.js';
import type { AppError } from '../lib/app-error.js';
import { installSignalHandlers, withDeps } from '../main/cli-runtime.js';

export interface CreateAdminOptions {
  email: string;
  passwordStdin?: boolean;
  firstName?: string;
  lastName?: string;
}

/** Reads the first line of a stream (without its line ending; spaces are part of a password). */
export async function readFirstLine(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** Asks for a secret on a TTY with echo off. Ctrl-C aborts. */
export function promptHidden(question: string, input: NodeJS.ReadStream, output: Writable): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = input.isRaw;
    // Echo goes off before the prompt shows, so nothing typed at once can be echoed.
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    output.write(question);
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null);
        if (ch === '\u0003') return finish(new Error('aborted'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** Creates the admin through the same service (and rules) as registration; AppErrors carry the reasons. */
export async function createAdmin(
  service: IdentityService,
  options: { email: string; password: string; firstName?: string; lastName?: string },
): Promise<PublicUser> {
  return service.accounts.createUser({
    email: options.email,
    password: options.password,
    first_name: options.firstName,
    last_name: options.lastName,
    role: 'admin',
  });
}

/** The reasons of a refusal, one per line, for the terminal. */
export function describeRefusal(err: AppError): string {
  const lines = err.details.length > 0 ? err.details.map((d) => `  - ${d.message}`) : [];
  return [`Error: ${err.message}`, ...lines].join('\n');
}

export function createadminCommand(): Command {
  const command = new Command('createadmin')
    .description('Create an admin account (asks for the password on a terminal).')
    .requiredOption('--email <email>', 'email address of the new admin')
    .option('--password-stdin', 'read the password as one line from standard input')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name');

  command.action(async (options: CreateAdminOptions) => {
    installSignalHandlers();
    let password: string;
    if (options.passwordStdin) {
      password = await readFirstLine(process.stdin);
    } else if (process.stdin.isTTY) {
      password = await promptHidden('Password: ', process.stdin, process.stderr);
      const again = await promptHidden('Password (again): ', process.stdin, process.stderr);
      if (password !== again) {
        process.stderr.write("Error: the passwords didn't match.\n");
        process.exitCode = 1;
        return;
      }
    } else {
      command.error('error: no terminal to ask for the password; pass --password-stdin and pipe it in.', {
        exitCode: 2,
      });
    }
    // The identity feature (and its crypto, database code) loads only when the command runs.
    const [{ createIdentityService }, { AppError }] = await Promise.all([
      import('../features/identity/index.js'),
      import('../lib/app-error.js'),
    ]);
    await withDeps(async (deps) => {
      try {
        const user = await createAdmin(createIdentityService(deps), { ...options, password });
        process.stdout.write(`Admin ${user.email} created (id ${user.id}).\n`);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        process.stderr.write(`${describeRefusal(err)}\n`);
        process.exitCode = 1;
      }
    });
  });
  return command;
}
