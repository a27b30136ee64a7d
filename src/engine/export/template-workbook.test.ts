import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/index.js';
import type { TableSchema } from '../schema/types.js';
import { validateFile } from '../validate/index.js';
import { strptimeToExcel } from './template-formats.js';
import { writeTemplateWorkbook } from './template-workbook.writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-template-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const longList = Array.from({ length: 60 }, (_, i) => `Country number ${i + 1}`);
const schema: TableSchema = {
  fields: [
    {
      name: 'order_id',
      type: 'integer',
      description: 'Unique order number',
      constraints: { required: true, minimum: 1 },
    },
    { name: 'sku', type: 'string', constraints: { maxLength: 12 } },
    {
      name: 'status',
      type: 'string',
      title: 'Order status',
      description: 'Where the order is',
      constraints: { enum: ['new', 'paid', 'shipped'] },
    },
    { name: 'country', type: 'string', constraints: { enum: longList } },
    { name: 'price', type: 'number' },
    { name: 'ordered_on', type: 'date' },
    { name: 'delivered_at', type: 'datetime' },
    { name: 'local_date', type: 'date', format: '%d/%m/%Y' },
    { name: 'gift', type: 'boolean' },
    { name: 'size', type: 'integer', constraints: { enum: [1, 2, 3] } },
    { name: 'note', type: 'string', constraints: { enum: ['a, b', 'c'] } },
  ],
};

async function readBack(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

describe('writeTemplateWorkbook', () => {
  it('writes field names as a bold frozen header with formats, dropdowns and input messages', async () => {
    const out = join(dir, 'template.xlsx');
    // A short validation range keeps exceljs (which expands every range cell by cell) quick.
    await writeTemplateWorkbook(schema, out, { rows: 50 });
    const wb = await readBack(out);
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['Data', 'visible'],
      ['Lists', 'hidden'],
    ]);
    const ws = wb.getWorksheet('Data')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(schema.fields.map((f) => f.name));
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    // Column formats: integer 0, text @, number 0.00, dates.
    expect(ws.getColumn(1).numFmt).toBe('0');
    expect(ws.getColumn(2).numFmt).toBe('@');
    expect(ws.getColumn(5).numFmt).toBe('0.00');
    expect(ws.getColumn(6).numFmt).toBe('yyyy-mm-dd');
    expect(ws.getColumn(7).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(ws.getColumn(8).numFmt).toBe('dd/mm/yyyy');
    expect(ws.getColumn(9).numFmt).toBeUndefined();
    expect(ws.getColumn(4).width).toBeGreaterThan(ws.getColumn(9).width!);

    const dv = (ws as unknown as { dataValidations: unknown }).dataValidations as {
      model: Record<string, Record<string, unknown>>;
    };
    expect(dv.model.C2).toMatchObject({
      type: 'list',
      formulae: ['"new,paid,shipped"'],
      showInputMessage: true,
      promptTitle: 'Order status',
      prompt: 'Where the order is',
    });
    expect(dv.model.C50).toMatchObject({ type: 'list' });
    expect(dv.model.C51).toBeUndefined();
    expect(dv.model.C1).toBeUndefined();
    // Longer than 255 characters, or items with commas: referenced from the hidden Lists sheet.
    expect(dv.model.D2).toMatchObject({ type: 'list', formulae: ['Lists!$A$1:$A$60'] });
    expect(dv.model.K2).toMatchObject({ type: 'list', formulae: ['Lists!$B$1:$B$2'] });
    expect(dv.model.J2).toMatchObject({ type: 'list', formulae: ['"1,2,3"'] });
    expect(dv.model.A2).toMatchObject({
      type: 'whole',
      operator: 'greaterThanOrEqual',
      formulae: [1],
      prompt: 'Unique order number',
    });
    expect(dv.model.B2).toMatchObject({ type: 'textLength', operator: 'lessThanOrEqual', formulae: [12] });
    expect(dv.model.E2).toBeUndefined();
    // Booleans get a TRUE/FALSE dropdown; a date column none.
    expect(dv.model.I2).toMatchObject({ type: 'list', formulae: ['"TRUE,FALSE"'] });
    expect(dv.model.F2).toBeUndefined();

    const lists = wb.getWorksheet('Lists')!;
    expect(lists.getCell('A1').value).toBe('Country number 1');
    expect(lists.getCell('A60').value).toBe('Country number 60');
    expect(lists.getCell('B1').value).toBe('a, b');
  });

  it('covers whole columns by default (Excel convention) and writes to a stream', async () => {
    const out = join(dir, 'full.xlsx');
    await writeTemplateWorkbook(
      { fields: [{ name: 'status', type: 'string', constraints: { enum: ['x'] } }] },
      out,
    );
    const sheet = strFromU8(unzipSync(await readFile(out))['xl/worksheets/sheet1.xml']);
    expect(sheet).toContain('sqref="A2:A1048576"');
    expect(sheet).toContain('<dataValidation type="list"');
  });
});

describe('writeTemplateWorkbook options', () => {
  it.each([0, 1, 1.5, Number.NaN, 2_000_000])('refuses rows = %s', async (rows) => {
    await expect(writeTemplateWorkbook(schema, join(dir, 'bad.xlsx'), { rows })).rejects.toThrow(RangeError);
  });
});

describe('a template and the validator', () => {
  it('validates against its own schema, empty and once filled in', async () => {
    const out = join(dir, 'roundtrip.xlsx');
    const parsed = parseSchema(JSON.parse(JSON.stringify(schema)));
    await writeTemplateWorkbook(parsed, out, { rows: 20 });
    const empty = await validateFile(out, parsed);
    expect(empty.errors).toEqual([]);
    expect(empty.valid).toBe(true);

    // A person fills in one row, typing into the formatted columns.
    const wb = await readBack(out);
    const ws = wb.getWorksheet('Data')!;
    ws.getRow(2).values = [
      7,
      'ABC-1',
      'paid',
      'Country number 3',
      12.5,
      new Date(Date.UTC(2024, 4, 1)),
      new Date(Date.UTC(2024, 4, 1, 9, 30)),
      new Date(Date.UTC(2024, 4, 2)),
      true,
      2,
      'a, b',
    ];
    const filled = join(dir, 'filled.xlsx');
    await wb.xlsx.writeFile(filled);
    const report = await validateFile(filled, parsed);
    expect(report.errors).toEqual([]);
    expect(report.rows.total).toBe(1);
  });
});

describe('strptimeToExcel', () => {
  it.each([
    ['%Y-%m-%d', 'yyyy-mm-dd'],
    ['%d.%m.%Y %H:%M', 'dd.mm.yyyy hh:mm'],
    ['%Y%m%dT', 'yyyymmdd\\T'],
    ['%q', null],
  ])('%s → %s', (pattern, expected) => {
    expect(strptimeToExcel(pattern)).toBe(expected);
  });
});
