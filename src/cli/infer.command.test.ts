import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inferCommand } from './infer.command.js';
import { SAMPLES_DIR } from '../../test/samples.js';

const SAMPLES = SAMPLES_DIR.replace(/\/$/, '');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-infer-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

async function runInfer(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cmd = inferCommand({
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  process.exitCode = undefined;
  await cmd.parseAsync(args, { from: 'user' });
  return { code: Number(process.exitCode ?? 0), stdout, stderr };
}

describe('intake infer', () => {
  it('prints the draft schema as pretty JSON', async () => {
    const r = await runInfer([join(SAMPLES, 'utf16le-bom-comma.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  "fields": [\n');
    expect(JSON.parse(r.stdout).fields.map((f: { name: string }) => f.name)).toEqual(['a', 'b', 'c']);
  });

  it('writes --out, honours --sheet and --sample-rows', async () => {
    const out = join(dir, 'schema.json');
    const r = await runInfer([
      join(SAMPLES, 'openpyxl-3.0-inline-strings-341x25.xlsx'),
      '--sheet',
      'KA lijst',
      '--sample-rows',
      '5',
      '--out',
      out,
    ]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain(out);
    expect(JSON.parse(await readFile(out, 'utf8')).fields[0].name).toBe('AP');
  });

  it.each([
    [['/nonexistent/file.xlsx'], 'File not found: /nonexistent/file.xlsx'],
    [[join(SAMPLES, 'unsupported-legacy-biff8.xls')], 'legacy Excel 97–2003'],
    [[join(SAMPLES, 'reject-empty-zero-bytes.xlsx')], 'empty'],
    [
      [join(SAMPLES, 'utf16le-bom-comma.csv'), '--sample-rows', 'ten'],
      '--sample-rows must be a whole number',
    ],
    [[join(SAMPLES, 'utf16le-bom-comma.csv'), '--sample-rows', '0'], '--sample-rows must be a whole number'],
    [[join(SAMPLES, 'excel2016-win-hidden-veryhidden-chartsheet.xlsx'), '--sheet', 'Nope'], 'Nope'],
  ])('exits 2 with a plain sentence for %j', async (args, message) => {
    const r = await runInfer(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^intake infer: /);
    expect(r.stderr).toContain(message);
  });

  it('documents every option in --help', () => {
    const help = inferCommand().helpInformation();
    for (const option of ['--sheet <name>', '--sample-rows <n>', '--out <schema.json>', '<file>']) {
      expect(help).toContain(option);
    }
  });

  it('exits 2 on a usage error in a real process', async () => {
    const harness = join(dir, 'harness.mts');
    await writeFile(
      harness,
      `import { inferCommand } from ${JSON.stringify(resolve('src/cli/infer.command.ts'))};\n` +
        'await inferCommand().parseAsync(process.argv.slice(2), { from: "user" });\n',
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', harness, '--no-such-option'], {
      cwd: resolve('.'),
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown option '--no-such-option'");
  });
});
