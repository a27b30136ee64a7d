/** The server's log destination: one write per event-loop iteration, nothing lost on exit. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { batchLines } from './log-destination.js';

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function collector() {
  const writes: string[] = [];
  return {
    writes,
    target: {
      write: (text: string) => void writes.push(text),
      writeSync: (text: string) => void writes.push(`sync:${text}`),
    },
  };
}

/** Runs `body` in a child process with `stdoutLines` and pino imported; resolves its exit. */
function runScript(body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    import { pino } from 'pino';
    import { stdoutLines } from ${JSON.stringify(fileURLToPath(new URL('./log-destination.ts', import.meta.url)))};
    const log = pino({ base: null, timestamp: false }, stdoutLines());
    ${body}
  `;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

const messages = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('batched log lines', () => {
  it('writes the lines of one iteration joined, in order, once at its end', async () => {
    const { writes, target } = collector();
    const lines = batchLines(target);
    lines.write('a\n');
    lines.write('b\n');
    await Promise.resolve();
    lines.write('c\n');
    expect(writes).toEqual([]);
    await endOfTurn();
    lines.write('d\n');
    await endOfTurn();
    await endOfTurn();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('flush() writes the pending lines at once and calls back', async () => {
    const { writes, target } = collector();
    const lines = batchLines(target);
    lines.write('now\n');
    const flushed = new Promise<void>((resolve) => lines.flush(() => resolve()));
    expect(writes).toEqual(['now\n']);
    await flushed;
    await endOfTurn();
    expect(writes).toEqual(['now\n']);
  });

  it('delivers every line, in order, through stdout across many iterations', async () => {
    const { code, stdout } = await runScript(`
      for (let turn = 0; turn < 40; turn++) {
        for (let i = 0; i < 250; i++) log.info('line ' + (turn * 250 + i) + ' ' + 'x'.repeat(i));
        await new Promise((resolve) => setImmediate(resolve));
      }
    `);
    expect(code).toBe(0);
    expect(messages(stdout)).toEqual(
      Array.from({ length: 10_000 }, (_, n) => `line ${n} ${'x'.repeat(n % 250)}`),
    );
  });

  it('writes the pending lines when the process exits at once (process.exit)', async () => {
    const { code, stdout } = await runScript(`
      log.info('first');
      await new Promise((resolve) => setImmediate(resolve));
      log.info('second');
      log.warn('third');
      process.exit(3);
    `);
    expect(code).toBe(3);
    expect(messages(stdout)).toEqual(['first', 'second', 'third']);
  });

  it('writes the pending lines when the process crashes', async () => {
    const { code, stdout, stderr } = await runScript(`
      log.info('before the crash');
      log.error('about to throw');
      throw new Error('boom');
    `);
    expect(code).toBe(1);
    expect(stderr).toContain('boom');
    expect(messages(stdout)).toEqual(['before the crash', 'about to throw']);
  });
});
