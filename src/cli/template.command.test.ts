import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSpreadsheet } from '../engine/reader/index.js';
import { templateCommand } from './template.command.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-template-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

async function runTemplate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cmd = templateCommand({
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  process.exitCode = undefined;
  await cmd.parseAsync(args, { from: 'user' });
  return { code: Number(process.exitCode ?? 0), stdout, stderr };
}

describe('intake template', () => {
  it('writes a workbook for a valid schema', async () => {
    const schemaPath = join(dir, 'schema.json');
    await writeFile(
      schemaPath,
      JSON.stringify({
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'status', type: 'string', constraints: { enum: ['a', 'b'] } },
        ],
      }),
    );
    const out = join(dir, 'template.xlsx');
    const r = await runTemplate([schemaPath, out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('2 columns');
    const opened = await openSpreadsheet(out);
    const rows = [];
    for await (const batch of opened.rows()) rows.push(...batch);
    await opened.close();
    expect(rows.map((r) => r.cells)).toEqual([
      [
        { t: 's', v: 'id' },
        { t: 's', v: 'status' },
      ],
    ]);
  });

  it.each([
    ['missing.json', null, 'Schema file not found'],
    ['broken.json', '{"fields": [', 'is not valid JSON'],
    ['bad-type.json', JSON.stringify({ fields: [{ name: 'x', type: 'money' }] }), 'money'],
    ['no-fields.json', JSON.stringify({ title: 'nothing' }), 'fields'],
  ])('exits 2 with a plain sentence for %s', async (name, content, message) => {
    const schemaPath = join(dir, name);
    if (content !== null) await writeFile(schemaPath, content);
    const r = await runTemplate([schemaPath, join(dir, 'never.xlsx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^intake template: /);
    expect(r.stderr).toContain(message);
  });

  it('exits 2 when the output cannot be written', async () => {
    const schemaPath = join(dir, 'ok.json');
    await writeFile(schemaPath, JSON.stringify({ fields: [{ name: 'x', type: 'string' }] }));
    const r = await runTemplate([schemaPath, join(dir, 'no-such-dir', 'out.xlsx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot write');
  });

  it('documents its arguments in --help', () => {
    const help = templateCommand().helpInformation();
    expect(help).toContain('<schema.json>');
    expect(help).toContain('<out.xlsx>');
  });
});
