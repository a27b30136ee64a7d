/** `intake worker` as a user runs it: a real process; the SIGKILL/SIGTERM path is in src/jobs/worker-kill.test.ts. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, INTAKE_ENV: 'test', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('intake worker', () => {
  it('documents --concurrency in --help', async () => {
    const result = await run(['worker', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--concurrency <n>');
  });

  it.each(['0', 'many', '1.5'])('refuses --concurrency %s as a usage error (exit 2)', async (value) => {
    const result = await run(['worker', '--concurrency', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be a whole number from 1 to 256');
  });
});
