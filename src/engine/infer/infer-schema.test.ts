import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../reader/types.js';
import type { Field, TableSchema } from '../schema/types.js';
import { parseSchema } from '../schema/index.js';
import { validateFile } from '../validate/index.js';
import { inferSchema, inferSchemaFromRows } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-infer-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function field(schema: TableSchema, name: string): Field {
  const f = schema.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name} in ${schema.fields.map((x) => x.name).join(', ')}`);
  return f;
}

describe('inferSchema on a generated CSV', () => {
  const statuses = ['new', 'paid', 'shipped'];
  const lines = ['id,code,status,email,site,uuid,price,qty,active,day,stamp,note,blank,free text'];
  for (let i = 1; i <= 40; i++) {
    lines.push(
      [
        i,
        `00${i}`,
        statuses[i % 3],
        `user${i}@example.org`,
        `https://example.org/p/${i}`,
        `${String(i).padStart(8, '0')}-1234-4abc-8def-0123456789ab`,
        (i * 1.5).toFixed(2),
        i % 4,
        i % 2 ? 'TRUE' : 'false',
        `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
        `2024-01-01T10:${String(i % 60).padStart(2, '0')}:00`,
        i % 5 ? `note ${i}` : '',
        '',
        `"text, ${i}"`,
      ].join(','),
    );
  }

  it('finds types, required, enum, unique and formats', async () => {
    const path = join(dir, 'orders.csv');
    await writeFile(path, lines.join('\n') + '\n');
    const schema = await inferSchema(path);
    expect(schema.fields.map((f) => f.name)).toEqual(lines[0].split(','));
    expect(field(schema, 'id')).toEqual({
      name: 'id',
      type: 'integer',
      constraints: { required: true, unique: true },
    });
    // Leading zeros mark a code: text, not a number.
    expect(field(schema, 'code')).toMatchObject({
      type: 'string',
      constraints: { required: true, unique: true },
    });
    expect(field(schema, 'status')).toEqual({
      name: 'status',
      type: 'string',
      constraints: { required: true, enum: ['new', 'paid', 'shipped'] },
    });
    expect(field(schema, 'email')).toMatchObject({ type: 'string', format: 'email' });
    expect(field(schema, 'site')).toMatchObject({ type: 'string', format: 'uri' });
    expect(field(schema, 'uuid')).toMatchObject({ type: 'string', format: 'uuid' });
    expect(field(schema, 'price')).toEqual({
      name: 'price',
      type: 'number',
      constraints: { required: true },
    });
    // Low-cardinality integers stay integers, not enums or booleans.
    expect(field(schema, 'qty')).toEqual({ name: 'qty', type: 'integer', constraints: { required: true } });
    expect(field(schema, 'active')).toEqual({
      name: 'active',
      type: 'boolean',
      constraints: { required: true },
    });
    expect(field(schema, 'day')).toMatchObject({ type: 'date', constraints: { required: true } });
    expect(field(schema, 'stamp')).toMatchObject({ type: 'datetime', constraints: { required: true } });
    // Not required (some cells are empty); unique counts only the values present.
    expect(field(schema, 'note')).toEqual({ name: 'note', type: 'string', constraints: { unique: true } });
    expect(field(schema, 'blank')).toEqual({ name: 'blank', type: 'any' });
    expect(field(schema, 'free text').constraints).toEqual({ required: true, unique: true });

    // The draft accepts the very file it came from.
    const report = await validateFile(path, parseSchema(JSON.parse(JSON.stringify(schema))));
    expect(report.errors).toEqual([]);
  });

  it('does not make an enum from too few rows', async () => {
    const path = join(dir, 'few.csv');
    await writeFile(path, lines.slice(0, 11).join('\n'));
    const schema = await inferSchema(path);
    expect(field(schema, 'status').constraints?.enum).toBeUndefined();
  });

  it('stops at sampleRows', async () => {
    const path = join(dir, 'sampled.csv');
    await writeFile(path, ['n', '1', '2', '3', 'x'].join('\n'));
    expect(field(await inferSchema(path, { sampleRows: 3 }), 'n').type).toBe('integer');
    expect(field(await inferSchema(path), 'n').type).toBe('string');
    await expect(inferSchema(path, { sampleRows: 0 })).rejects.toThrow(/sampleRows/);
  });

  it('keeps long digit strings (card numbers, EANs) as text', async () => {
    const path = join(dir, 'codes.csv');
    await writeFile(path, 'ean,qty\n4006381333931123,1\n4006381333931999,2\n');
    const schema = await inferSchema(path);
    expect(field(schema, 'ean').type).toBe('string');
    expect(field(schema, 'qty').type).toBe('integer');
  });

  it('recognises day-first and slashed text dates as strptime formats', async () => {
    const path = join(dir, 'dates.csv');
    await writeFile(path, 'dmy,ymd\n13/02/2024,2024/02/13\n01/03/2024,2024/03/01\n');
    const schema = await inferSchema(path);
    expect(field(schema, 'dmy')).toMatchObject({ type: 'date', format: '%d/%m/%Y' });
    expect(field(schema, 'ymd')).toMatchObject({ type: 'date', format: '%Y/%m/%d' });
  });
});

describe('inferSchema on a generated xlsx', () => {
  it('reads typed cells: numbers, booleans, date and date-time cells', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    ws.addRow(['title row above the table']);
    ws.addRow([]);
    ws.addRow(['id', 'amount', 'ok', 'born', 'seen', '', 'id']);
    for (let i = 1; i <= 30; i++) {
      ws.addRow([
        i,
        i / 4,
        i % 2 === 0,
        new Date(Date.UTC(1990, 0, i)),
        new Date(Date.UTC(2024, 0, 1, 8, i)),
        null,
        'dup',
      ]);
    }
    ws.getColumn(4).numFmt = 'yyyy-mm-dd';
    ws.getColumn(5).numFmt = 'yyyy-mm-dd hh:mm';
    const path = join(dir, 'typed.xlsx');
    await wb.xlsx.writeFile(path);
    const schema = await inferSchema(path);
    // The header is the first non-blank row: here the title row, whose one cell names one field.
    expect(schema.fields.map((f) => f.name)).toEqual(['title row above the table']);

    const rows: Row[] = [];
    ws.eachRow((row, number) => {
      if (number >= 3) {
        rows.push({
          number,
          cells: (row.values as unknown[])
            .slice(1)
            .map((v) =>
              v === null || v === undefined || v === ''
                ? undefined
                : v instanceof Date
                  ? { t: 'd' as const, v: v.getUTCHours() ? v.toISOString() : v.toISOString().slice(0, 10) }
                  : typeof v === 'number'
                    ? { t: 'n' as const, v }
                    : typeof v === 'boolean'
                      ? { t: 'b' as const, v }
                      : { t: 's' as const, v: String(v) },
            ),
        });
      }
    });
    async function* once(): AsyncGenerator<readonly Row[]> {
      yield rows;
    }
    const fromRows = await inferSchemaFromRows(once());
    // Blank and repeated headers get no field (validation could never bind them).
    expect(fromRows.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['amount', 'number'],
      ['ok', 'boolean'],
      ['born', 'date'],
      ['seen', 'datetime'],
    ]);
  });

  it('reads date-formatted numeric cells through the real reader', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    ws.addRow(['born', 'seen']);
    for (let i = 1; i <= 5; i++)
      ws.addRow([new Date(Date.UTC(1990, 0, i)), new Date(Date.UTC(2024, 0, 1, 8, i))]);
    ws.getColumn(1).numFmt = 'yyyy-mm-dd';
    ws.getColumn(2).numFmt = 'yyyy-mm-dd hh:mm';
    const path = join(dir, 'dates.xlsx');
    await wb.xlsx.writeFile(path);
    const schema = await inferSchema(path);
    expect(schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['born', 'date'],
      ['seen', 'datetime'],
    ]);
  });
});

describe('inferSchemaFromRows', () => {
  it('reads no more than the sample from a long source', async () => {
    let yielded = 0;
    async function* endless(): AsyncGenerator<readonly Row[]> {
      yield [{ number: 1, cells: [{ t: 's', v: 'n' }] }];
      for (let r = 2; ; r += 100) {
        const batch: Row[] = [];
        for (let i = 0; i < 100; i++) batch.push({ number: r + i, cells: [{ t: 'n', v: r + i }] });
        yielded += batch.length;
        yield batch;
      }
    }
    const schema = await inferSchemaFromRows(endless(), { sampleRows: 1_000 });
    expect(schema.fields).toEqual([
      { name: 'n', type: 'integer', constraints: { required: true, unique: true } },
    ]);
    expect(yielded).toBe(1_000);
  });

  it('stops tracking uniqueness past its cap instead of growing', async () => {
    async function* ids(): AsyncGenerator<readonly Row[]> {
      const rows: Row[] = [{ number: 1, cells: [{ t: 's', v: 'id' }] }];
      for (let i = 0; i < 1_500; i++) rows.push({ number: i + 2, cells: [{ t: 'n', v: i }] });
      yield rows;
    }
    // 1,000 tracked values per column at least: 1,500 distinct ids overflow it.
    const capped = await inferSchemaFromRows(ids(), { maxTrackedValues: 10 });
    expect(capped.fields[0]).toEqual({ name: 'id', type: 'integer', constraints: { required: true } });
    const uncapped = await inferSchemaFromRows(ids());
    expect(uncapped.fields[0].constraints).toEqual({ required: true, unique: true });
  });

  it('refuses a source with no header', async () => {
    async function* blank(): AsyncGenerator<readonly Row[]> {
      yield [{ number: 1, cells: [undefined, { t: 's', v: '' }] }];
    }
    await expect(inferSchemaFromRows(blank())).rejects.toMatchObject({ code: 'empty_file' });
  });
});
