import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpreadsheet } from '../reader/index.js';
import { parseSchema } from '../schema/index.js';
import { cellText } from '../schema/value-cast.js';
import { validateFile } from '../validate/index.js';
import type { ValidationIssue } from '../validate/types.js';
import { writeAnnotatedWorkbook } from './annotated-workbook.writer.js';
import { SAMPLES_DIR } from '../../../test/samples.js';

const SAMPLES = SAMPLES_DIR.replace(/\/$/, '');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-annotated-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every non-empty cell as `A1 → text`, as our reader reads it (dates as ISO text). */
async function grid(path: string, sheet?: string): Promise<Map<string, string>> {
  const opened = await openSpreadsheet(path, { sheet });
  const cells = new Map<string, string>();
  try {
    for await (const batch of opened.rows()) {
      for (const row of batch) {
        row.cells.forEach((cell, c) => {
          const text = cellText(cell);
          if (text !== null && text !== '') cells.set(`${c}:${row.number}`, text);
        });
      }
    }
  } finally {
    await opened.close();
  }
  return cells;
}

describe('writeAnnotatedWorkbook with the real reader', () => {
  it.each([
    ['excel2011-mac-1904-typed-columns.xlsx', undefined],
    ['node-xlsx-stream-d-date-cells.xlsx', undefined],
    ['excel2011-mac-error-types-booleans.xlsx', undefined],
    ['xlsxwriter-inline-string-x000D-escape.xlsx', undefined],
    ['libreoffice-7.3-1904-dates.xlsx', undefined],
    ['openpyxl-3.0-inline-strings-341x25.xlsx', 'KA lijst'],
    ['latin1-semicolon-fr-charging-stations.csv.txt', undefined],
    ['utf8-bom-crlf-quoted-newlines.csv', undefined],
  ])('copies %s value for value', async (name, sheet) => {
    const input = join(SAMPLES, name);
    const out = join(dir, `${name}.annotated.xlsx`);
    await writeAnnotatedWorkbook(input, [], out, { sheet });
    const source = await grid(input, sheet);
    const copy = await grid(out);
    expect(copy.size).toBeGreaterThan(0);
    // A t="d" cell's zone suffix cannot survive as a serial (Excel has no zones); the digits do.
    const withoutZone = (m: Map<string, string>) =>
      Object.fromEntries([...m].map(([k, v]) => [k, v.replace(/^(\d{4}-\d\d-\d\dT[\d:.]+)Z$/, '$1')]));
    expect(withoutZone(copy)).toEqual(withoutZone(source));
  });

  it('annotates the issues validation found', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Orders');
    ws.addRow(['id', 'price', 'status']);
    ws.addRow([1, 10, 'new']);
    ws.addRow([2, -5, 'lost']);
    ws.addRow([2, null, 'paid']);
    const input = join(dir, 'orders.xlsx');
    await wb.xlsx.writeFile(input);
    const schema = parseSchema({
      fields: [
        { name: 'id', type: 'integer', constraints: { unique: true } },
        { name: 'price', type: 'number', constraints: { required: true, minimum: 0 } },
        { name: 'status', type: 'string', constraints: { enum: ['new', 'paid'] } },
        { name: 'sku', type: 'string' },
      ],
    });
    const issues: ValidationIssue[] = [];
    await validateFile(input, schema, { onIssue: (i) => issues.push(i) });
    expect(issues.map((i) => i.cell).sort()).toEqual([null, 'A4', 'B3', 'B4', 'C3'].sort());

    const out = join(dir, 'orders.annotated.xlsx');
    await writeAnnotatedWorkbook(input, issues, out);

    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(out);
    const data = back.getWorksheet('Orders')!;
    for (const issue of issues.filter((i) => i.cell !== null)) {
      const cell = data.getCell(issue.cell!);
      expect((cell.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
      const note = cell.note as { texts: { text: string }[] };
      expect(note.texts.map((t) => t.text).join('')).toBe(issue.message);
    }
    expect(data.getCell('A2').note).toBeUndefined();

    const errors = await grid(out, 'Errors');
    expect(errors.get('0:1')).toBe('row');
    const listedCodes = [...errors].filter(([k]) => k.startsWith('3:') && k !== '3:1').map(([, v]) => v);
    expect(listedCodes.sort()).toEqual(issues.map((i) => i.code).sort());
    expect(await grid(out)).toEqual(await grid(input));
  });

  it('refuses an input it cannot read, with the reader error', async () => {
    await expect(
      writeAnnotatedWorkbook(join(SAMPLES, 'unsupported-opendocument.ods'), [], join(dir, 'x.xlsx')),
    ).rejects.toMatchObject({ code: 'unsupported_format' });
  });
});
