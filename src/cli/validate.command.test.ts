import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from './validate.command.js';
import { SAMPLES_DIR } from '../../test/samples.js';

const exec = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLES = SAMPLES_DIR.replace(/\/$/, '');

let dir: string;
let schemaPath: string;
let validCsv: string;
let invalidCsv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-cli-'));
  schemaPath = join(dir, 'schema.json');
  await writeFile(
    schemaPath,
    JSON.stringify({
      fields: [
        { name: 'id', type: 'integer', constraints: { required: true } },
        { name: 'price', title: 'Price', type: 'number', constraints: { minimum: 0 } },
      ],
    }),
  );
  validCsv = join(dir, 'valid.csv');
  await writeFile(validCsv, 'id,price\n1,2.5\n2,3\n');
  invalidCsv = join(dir, 'invalid.csv');
  const lines = ['id,price'];
  for (let i = 1; i <= 60; i++) lines.push(`${i},${i % 2 === 0 ? -i : i}`);
  await writeFile(invalidCsv, lines.join('\n') + '\n');
});

afterEach(() => {
  process.exitCode = undefined;
});

/** Runs the command in-process with captured output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cmd = validateCommand({
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  process.exitCode = undefined;
  await cmd.parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

describe('intake validate', () => {
  it('exits 0 for a valid file with a text summary', async () => {
    const r = await cli(validCsv, '--schema', schemaPath);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('valid.csv: VALID\nRows: 2 total, 2 valid, 0 invalid\nNo errors.\n');
    expect(r.stderr).toBe('');
  });

  it('exits 1 for an invalid file; text shows the first 50 errors', async () => {
    const r = await cli(invalidCsv, '--schema', schemaPath);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Errors: 30 (minimum 30)');
    expect(r.stdout).toContain('3    B3    price   minimum  Price must be at least 0; got -2');
    expect(r.stdout).not.toContain('Showing the first');
  });

  it('--format json prints the report; --max-errors caps the list only', async () => {
    const r = await cli(invalidCsv, '--schema', schemaPath, '--format', 'json', '--max-errors', '5');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      valid: false,
      error_count: 30,
      truncated: true,
      rows: { total: 60, invalid: 30 },
    });
    expect(report.errors).toHaveLength(5);
    expect(report.file).toMatchObject({ name: 'invalid.csv', format: 'csv', sheet: null });
  });

  it.each([
    [
      'a missing file',
      () => [join(dir, 'nope.csv'), '--schema', schemaPath],
      'file_not_found',
      'File not found',
    ],
    [
      'an unsupported file',
      () => [join(SAMPLES, 'unsupported-legacy-biff8.xls'), '--schema', schemaPath],
      'unsupported_format',
      '',
    ],
    [
      'an encrypted file',
      () => [join(SAMPLES, 'reject-encrypted-password-open-sesame.xlsx'), '--schema', schemaPath],
      'encrypted_file',
      '',
    ],
    [
      'a missing schema',
      () => [validCsv, '--schema', join(dir, 'none.json')],
      'file_not_found',
      'Schema file not found',
    ],
    ['no --schema', () => [validCsv], 'usage_error', '--schema SCHEMA.json is required'],
    [
      'a bad --max-errors',
      () => [validCsv, '--schema', schemaPath, '--max-errors', 'lots'],
      'usage_error',
      '--max-errors must be',
    ],
    [
      'an unknown option',
      () => [validCsv, '--schema', schemaPath, '--colour'],
      'usage_error',
      "unknown option '--colour'",
    ],
    [
      'an unknown option first',
      () => ['--colour', validCsv, '--schema', schemaPath],
      'usage_error',
      "unknown option '--colour'",
    ],
    [
      'an export path that cannot be written',
      () => [invalidCsv, '--schema', schemaPath, '--errors-csv', join(dir, 'no-such-dir', 'e.csv')],
      'output_failed',
      'Cannot write',
    ],
    ['two files', () => [validCsv, validCsv, '--schema', schemaPath], 'usage_error', 'unexpected argument'],
  ])('exits 2 for %s, with JSON on stdout under --format json', async (_label, args, error, message) => {
    const r = await cli(...args(), '--format', 'json');
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout);
    expect(body.error).toBe(error);
    expect(body.message).toContain(message);
    expect(Object.keys(body)).toEqual(['error', 'message']);
  });

  it('exits 2 for an invalid schema, with a plain sentence on stderr in text mode', async () => {
    const bad = join(dir, 'bad-schema.json');
    await writeFile(
      bad,
      JSON.stringify({ fields: [{ name: 'a', type: 'number', constraints: { minimum: 'x' } }] }),
    );
    const r = await cli(validCsv, '--schema', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('intake validate: fields[0].constraints.minimum must be a number\n');
    const notJson = join(dir, 'not-json.json');
    await writeFile(notJson, '{ fields: ');
    const r2 = await cli(validCsv, '--schema', notJson, '--format', 'json');
    expect(JSON.parse(r2.stdout)).toMatchObject({ error: 'schema_invalid' });
  });

  it('exits 2 for an unknown --format', async () => {
    const r = await cli(validCsv, '--schema', schemaPath, '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be "text" or "json"');
  });

  it('--errors-csv gets every issue, not only the capped list; --annotated writes a workbook', async () => {
    const csvOut = join(dir, 'errors.csv');
    const xlsxOut = join(dir, 'annotated.xlsx');
    const r = await cli(
      invalidCsv,
      '--schema',
      schemaPath,
      '--max-errors',
      '3',
      '--errors-csv',
      csvOut,
      '--annotated',
      xlsxOut,
    );
    expect(r.code).toBe(1);
    const lines = (await readFile(csvOut, 'utf8')).trim().split(/\r\n/);
    expect(lines[0]).toBe('row,column,cell,code,message,value');
    expect(lines).toHaveLength(31);
    expect(lines[1]).toBe("3,price,B3,minimum,Price must be at least 0; got -2,'-2");
    const head = (await readFile(xlsxOut)).subarray(0, 2).toString('latin1');
    expect(head).toBe('PK');
    expect((await stat(xlsxOut)).size).toBeGreaterThan(1000);
  });
});

describe('intake validate progress', () => {
  it('prints progress on a TTY stderr for files over 4 MB, then clears the line', async () => {
    const big = join(dir, 'big.csv');
    const lines = ['id,price'];
    for (let i = 1; i <= 400_000; i++) lines.push(`${i},${i}.25`);
    await writeFile(big, lines.join('\n') + '\n');
    let stderr = '';
    let stdout = '';
    const cmd = validateCommand({
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { isTTY: true, write: (t: string) => (stderr += t) },
    });
    await cmd.parseAsync([big, '--schema', schemaPath], { from: 'user' });
    expect(process.exitCode).toBe(0);
    expect(stderr).toMatch(/^\rValidating… \d+% \([\d,]+ rows\)/);
    expect(stderr).toContain('100% (400,001 rows)');
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(stdout).toContain('Rows: 400,000 total');
    // Not a TTY: nothing on stderr.
    const quiet = await cli(big, '--schema', schemaPath);
    expect(quiet.stderr).toBe('');
  });
});

describe('intake validate zip-bomb limits', () => {
  // A genuine Excel file whose 57 MB sheet compresses 121:1: refused by the default 100:1 guard,
  // read once the operator raises the limit.
  const big = `${SAMPLES}/excel2011-mac-large-shared-string-table.xlsx`;
  let partial: string;
  beforeAll(async () => {
    partial = join(dir, 'partial.json');
    await writeFile(
      partial,
      JSON.stringify({ fields: [{ name: 'a', type: 'string' }], fieldsMatch: 'partial' }),
    );
  });

  it('refuses a part past the default compression ratio with limit_exceeded (exit 2) naming the setting', async () => {
    const r = await cli(big, '--schema', partial, '--format', 'json');
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { error: string; message: string };
    expect(body.error).toBe('limit_exceeded');
    expect(body.message).toMatch(/100:1.*--max-ratio/);
  });

  it('reads the same file with --max-ratio 200', async () => {
    const r = await cli(big, '--schema', partial, '--format', 'json', '--max-ratio', '200');
    expect(r.code).not.toBe(2);
    const report = JSON.parse(r.stdout) as { rows: { total: number } };
    expect(report.rows.total).toBe(9998);
  });

  it('rejects a malformed limit as bad usage', async () => {
    const r = await cli(big, '--schema', partial, '--format', 'json', '--max-ratio', 'lots');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'usage_error' });
  });
});

describe('intake validate as a process', () => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  let runner: string;

  beforeAll(async () => {
    runner = join(dir, 'runner.mts');
    const commandUrl = new URL('./validate.command.ts', import.meta.url).href;
    await writeFile(
      runner,
      `const { validateCommand } = await import(${JSON.stringify(commandUrl)});\n` +
        `await validateCommand().parseAsync(process.argv.slice(2), { from: 'user' });\n`,
    );
  });

  async function spawnCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(tsx, [runner, ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('--help lists every option and the exit codes, and exits 0', async () => {
    const r = await spawnCli('--help');
    expect(r.code).toBe(0);
    for (const text of [
      '--schema <schema.json>',
      '--sheet <name>',
      '--format <format>',
      '--max-errors <n>',
      '--annotated <out.xlsx>',
      '--errors-csv <out.csv>',
      'Exit codes:',
      '2  the file cannot be read',
    ]) {
      expect(r.stdout).toContain(text);
    }
  });

  it('exits with the real process codes 1 and 2 (unknown option is bad usage)', async () => {
    expect((await spawnCli(invalidCsv, '--schema', schemaPath)).code).toBe(1);
    const usage = await spawnCli(validCsv, '--schema', schemaPath, '--colour');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown option '--colour'");
  });
});
