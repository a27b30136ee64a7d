import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellValue, Row } from '../reader/types.js';
import type { ValidationIssue } from '../validate/types.js';
import { writeAnnotatedWorkbookFromRows } from './annotated-rows.writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-annotated-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const s = (v: string): CellValue => ({ t: 's', v });
const n = (v: number, date?: boolean, date1904?: boolean): CellValue => ({ t: 'n', v, date, date1904 });

async function* batches(rows: Row[], size = 2): AsyncGenerator<readonly Row[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

function issue(
  row: number,
  column: string | null,
  cell: string | null,
  code: string,
  message: string,
): ValidationIssue {
  return { row, column, cell, code, message, value: null };
}

async function readBack(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

function noteText(cell: ExcelJS.Cell): string {
  const note = cell.note as string | { texts?: { text: string }[] } | undefined;
  if (note === undefined) return '';
  return typeof note === 'string' ? note : (note.texts ?? []).map((t) => t.text).join('');
}

function fillColor(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  return fill?.fgColor?.argb;
}

describe('writeAnnotatedWorkbookFromRows', () => {
  const rows: Row[] = [
    { number: 1, cells: [s('id'), s('name'), s('price'), s('when'), s('ok')] },
    { number: 2, cells: [n(1), s('Apple'), n(1.5), n(45000, true), { t: 'b', v: true }] },
    {
      number: 3,
      cells: [
        n(2),
        s('=cmd() & <tag> "q"'),
        n(-3),
        { t: 'd', v: '2024-02-29T10:30:00.000Z' },
        { t: 'e', v: '#N/A' },
      ],
    },
    // Row 4 is absent (blank in the source); row 5 has a hole and a 1904-system date-time.
    {
      number: 5,
      cells: [n(3), s('bad\u0001char _x000D_'), undefined, n(0.5, true, true), { t: 'b', v: false }],
    },
  ];
  const issues: ValidationIssue[] = [
    issue(1, 'when', 'D1', 'duplicate_column', 'Header "when" appears twice'),
    issue(3, 'price', 'C3', 'minimum', 'price must be at least 0; got -3'),
    issue(3, 'price', 'C3', 'type', 'price looks odd'),
    issue(5, 'price', 'C5', 'required', 'price is required'),
    issue(6, 'name', 'B6', 'required', 'name is required'),
    issue(4, 'id', 'A4', 'required', 'id is required'),
    {
      row: 1,
      column: 'sku',
      cell: null,
      code: 'missing_column',
      message: 'Column "sku" is missing',
      value: null,
    },
  ];

  it('copies values as typed cells, highlights and comments bad cells, lists every issue', async () => {
    const out = join(dir, 'annotated.xlsx');
    await writeAnnotatedWorkbookFromRows(
      { sheetName: 'Orders', textOnly: false, rows: batches(rows) },
      issues,
      out,
    );
    const wb = await readBack(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Orders', 'Errors']);
    const data = wb.getWorksheet('Orders')!;

    expect(data.getCell('A2').value).toBe(1);
    expect(data.getCell('B2').value).toBe('Apple');
    expect(data.getCell('C2').value).toBe(1.5);
    expect(data.getCell('D2').value).toEqual(new Date(Date.UTC(2023, 2, 15)));
    expect(data.getCell('D2').numFmt).toBe('yyyy-mm-dd');
    expect(data.getCell('E2').value).toBe(true);
    expect(data.getCell('B3').value).toBe('=cmd() & <tag> "q"');
    expect(data.getCell('D3').value).toEqual(new Date(Date.UTC(2024, 1, 29, 10, 30)));
    expect(data.getCell('D3').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(data.getCell('E3').value).toEqual({ error: '#N/A' });
    // Illegal XML characters are dropped; a literal _x000D_ is protected from Excel's unescaping
    // (exceljs does not unescape at all, so it shows the protection).
    expect(data.getCell('B5').value).toBe('badchar _x005F_x000D_');
    // 1904 serial 0.5 = 1904-01-01 12:00.
    expect(data.getCell('D5').value).toEqual(new Date(Date.UTC(1904, 0, 1, 12)));

    // Clean cells are not highlighted; bad ones are, with all their messages in one comment.
    expect(fillColor(data.getCell('C2'))).toBeUndefined();
    expect(fillColor(data.getCell('C3'))).toBe('FFFFC7CE');
    expect(noteText(data.getCell('C3'))).toBe('price must be at least 0; got -3\nprice looks odd');
    expect(noteText(data.getCell('D1'))).toBe('Header "when" appears twice');
    // Empty bad cells, in a row the source has, a blank row, and past the last row.
    expect(fillColor(data.getCell('C5'))).toBe('FFFFC7CE');
    expect(noteText(data.getCell('C5'))).toBe('price is required');
    expect(noteText(data.getCell('A4'))).toBe('id is required');
    expect(noteText(data.getCell('B6'))).toBe('name is required');
    expect(noteText(data.getCell('B2'))).toBe('');

    const errors = wb.getWorksheet('Errors')!;
    const listed = errors.getSheetValues().slice(1) as unknown[][];
    expect(listed[0].slice(1)).toEqual(['row', 'column', 'cell', 'code', 'message', 'value']);
    expect(listed).toHaveLength(issues.length + 1);
    expect(listed[2].slice(1)).toEqual([3, 'price', 'C3', 'minimum', 'price must be at least 0; got -3']);
    expect(listed[7].slice(1, 6)).toEqual([1, 'sku', undefined, 'missing_column', 'Column "sku" is missing']);
    expect(errors.getCell('A1').font?.bold).toBe(true);
    expect(errors.autoFilter).toBe('A1:F8');
    // Each cell reference links to the bad cell (issues without a cell get no link).
    expect(errors.getCell('C3').font?.underline).toBe(true);
    const errorsXml = strFromU8(unzipSync(await readFile(out))['xl/worksheets/sheet2.xml']);
    expect(errorsXml).toContain('<hyperlink ref="C3" location="\'Orders\'!C3" display="C3"/>');
    expect(errorsXml.match(/<hyperlink /g)).toHaveLength(6);
  });

  it('names the data sheet "Data" for CSV input and accepts async issues', async () => {
    const out = join(dir, 'csv.xlsx');
    async function* asyncIssues(): AsyncGenerator<ValidationIssue> {
      yield issue(2, 'a', 'A2', 'type', 'a must be a number; got "x"');
    }
    await writeAnnotatedWorkbookFromRows(
      {
        sheetName: null,
        textOnly: true,
        rows: batches([
          { number: 1, cells: [s('a')] },
          { number: 2, cells: [s('x')] },
        ]),
      },
      asyncIssues(),
      out,
    );
    const wb = await readBack(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Data', 'Errors']);
    expect(noteText(wb.getWorksheet('Data')!.getCell('A2'))).toBe('a must be a number; got "x"');
  });

  it("says in the Errors sheet when source rows lie past Excel's last row", async () => {
    const out = join(dir, 'long.xlsx');
    const rows: Row[] = [1, 2, 1_048_576, 1_048_577, 1_048_578].map((number) => ({
      number,
      cells: [s(`r${number}`)],
    }));
    await writeAnnotatedWorkbookFromRows({ sheetName: null, textOnly: true, rows: batches(rows) }, [], out);
    const wb = await readBack(out);
    expect(wb.getWorksheet('Data')!.getCell('A1048576').value).toBe('r1048576');
    expect(wb.getWorksheet('Errors')!.getCell('E2').value).toBe(
      "2 rows past row 1048576 (Excel's last row) are not copied.",
    );
  });

  it('leaves no file behind when the rows fail mid-way', async () => {
    const out = join(dir, 'failed.xlsx');
    async function* failing(): AsyncGenerator<readonly Row[]> {
      yield [{ number: 1, cells: [s('a')] }];
      throw new Error('reader broke');
    }
    await expect(
      writeAnnotatedWorkbookFromRows({ sheetName: 'S', textOnly: false, rows: failing() }, [], out),
    ).rejects.toThrow('reader broke');
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.startsWith('failed'))).toEqual([]);
  });
});
