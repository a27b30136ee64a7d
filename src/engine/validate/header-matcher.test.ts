import { describe, expect, it } from 'vitest';
import { type LooseSchema, brief, run } from './test-rows.helper.js';

const schema = (extra: Partial<LooseSchema> = {}): LooseSchema => ({
  fields: [
    { name: 'id', type: 'integer' },
    { name: 'Price', type: 'number', aliases: ['Unit cost'] },
    { name: 'note' },
  ],
  ...extra,
});

describe('header matching', () => {
  it('takes the first non-blank row as the header and matches by name, never by position', async () => {
    const report = await run(schema(), [[], [null, ''], ['note', 'Price', 'id'], ['hello', 2.5, 1]]);
    expect(report.valid).toBe(true);
    expect(report.rows.total).toBe(1);
  });

  it('matches case-, space- and width-insensitively (NFKC), then by alias', async () => {
    for (const header of ['  PRICE ', 'price', 'Ｐｒｉｃｅ', 'unit   COST']) {
      const report = await run(schema(), [
        ['id', header, 'note'],
        [1, 'x', 'n'],
      ]);
      expect(brief(report), header).toEqual(['B2 type']);
      expect(report.errors[0].column).toBe('Price');
    }
  });

  it('applies a confirmed headerMapping before names', async () => {
    const report = await run(
      schema(),
      [
        ['id', 'Cost (EUR)', 'note'],
        [1, 'x', 'n'],
      ],
      {
        headerMapping: { 'Cost (EUR)': 'Price' },
      },
    );
    expect(brief(report)).toEqual(['B2 type']);
  });

  it('ignores a column a person confirmed as no field (null mapping): no extra_column, cells unread', async () => {
    const rows = [
      ['id', 'Price', 'note', 'Internal ref'],
      [1, 2, 'n', 'anything'],
    ];
    const without = await run(schema(), rows);
    expect(brief(without)).toEqual(['D1 extra_column']);
    const report = await run(schema(), rows, { headerMapping: { 'internal ref': null } });
    expect(report.valid).toBe(true);
    expect(brief(report)).toEqual([]);
  });

  it('reports a second column for the same field as duplicate_column at its own header cell', async () => {
    const report = await run(schema(), [
      ['id', 'Price', 'note', 'price'],
      [1, 2, 'n', 'not checked'],
    ]);
    expect(brief(report)).toEqual(['D1 duplicate_column']);
    expect(report.errors[0].message).toBe('Column "price" (D1) duplicates column "Price" (B1) for Price');
  });

  it('lets an exact match win over an earlier normalised one', async () => {
    const report = await run(schema(), [
      ['id', 'PRICE', 'note', 'Price'],
      [1, 'bad', 'n', 3],
    ]);
    expect(brief(report)).toEqual(['B1 duplicate_column']);
  });

  describe('fieldsMatch', () => {
    const header = ['id', 'Notes', 'Price'];
    const data = [1, 'x', 2];

    it.each([
      [undefined, ['B1 extra_column', 'row1:note missing_column']],
      ['equal', ['B1 extra_column', 'row1:note missing_column']],
      ['exact', ['B1 extra_column', 'row1:note missing_column']],
      ['subset', ['row1:note missing_column']],
      ['superset', ['B1 extra_column']],
      ['partial', []],
    ] as const)('%s', async (mode, expected) => {
      const report = await run(schema({ fieldsMatch: mode }), [header, data]);
      expect(brief(report)).toEqual(expected);
    });

    it('partial needs at least one field', async () => {
      const report = await run(schema({ fieldsMatch: 'partial' }), [
        ['a', 'b'],
        [1, 2],
      ]);
      expect(brief(report)).toEqual(['row1: missing_column']);
      expect(report.errors[0].message).toContain('expected at least one of: id, Price, note');
    });

    it('superset allows every field to be absent', async () => {
      const report = await run(schema({ fieldsMatch: 'superset' }), [['id'], [1]]);
      expect(report.valid).toBe(true);
    });
  });

  it('words header errors for a person and counts them without making rows invalid', async () => {
    const report = await run(
      schema(),
      [
        [null, 'id', 'Price', 'Notes'],
        [null, 1, 2, 'x'],
      ].map((r, i) => ({
        number: i + 3,
        cells: r.map((v) =>
          v === null ? undefined : typeof v === 'string' ? { t: 's' as const, v } : { t: 'n' as const, v },
        ),
      })),
    );
    expect(report.errors.map((e) => [e.row, e.cell, e.column, e.code, e.message])).toEqual([
      [3, 'D3', 'Notes', 'extra_column', 'Column "Notes" (D3) is not in the schema'],
      [3, null, 'note', 'missing_column', 'Column "note" is missing'],
    ]);
    expect(report.valid).toBe(false);
    expect(report.error_count).toBe(2);
    expect(report.errors_by_code).toEqual({ extra_column: 1, missing_column: 1 });
    expect(report.rows).toEqual({ total: 1, valid: 1, invalid: 0 });
  });

  it('does not validate the cells of a missing column, even for a required field', async () => {
    const s: LooseSchema = { fields: [{ name: 'a' }, { name: 'b', constraints: { required: true } }] };
    const report = await run(s, [['a'], ['x'], ['y']]);
    expect(brief(report)).toEqual(['row1:b missing_column']);
  });

  it('ignores empty header cells without data, and reports data under them once (equal/superset)', async () => {
    const s: LooseSchema = { fields: [{ name: 'a' }, { name: 'b' }] };
    expect(
      (
        await run(s, [
          ['a', null, 'b'],
          ['x', null, 'y'],
        ])
      ).valid,
    ).toBe(true);
    const report = await run(s, [
      ['a', '', 'b'],
      ['x', null, 'y'],
      ['x', 'stray', 'y', 'far'],
      ['x', 'again', 'y'],
    ]);
    expect(brief(report)).toEqual(['B3 extra_column', 'D3 extra_column']);
    expect(report.errors[0].message).toBe('Column B has values but no header (first at B3)');
    expect(report.rows.invalid).toBe(0);
    const subset = await run({ ...s, fieldsMatch: 'subset' }, [
      ['a', '', 'b'],
      ['x', 'stray', 'y'],
    ]);
    expect(subset.valid).toBe(true);
  });
});
