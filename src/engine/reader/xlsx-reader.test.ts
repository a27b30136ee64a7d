import { describe, expect, it } from 'vitest';
import { cellAt, readAll, readError, valueAt, writeXlsx } from './xlsx-fixture.helper.js';

/** xlsx features on small workbooks written inline, so each case isolates one rule. */

const DATE_STYLES = `<numFmts count="3">
  <numFmt numFmtId="164" formatCode="yyyy&quot;-&quot;mm&quot;-&quot;dd"/>
  <numFmt numFmtId="165" formatCode="&quot;Day&quot; 0.00"/>
  <numFmt numFmtId="166" formatCode="[h]:mm"/>
  <numFmt numFmtId="167" formatCode="[Red][&gt;=100]#,##0;0.00"/>
</numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="4"/></cellXfs>`;

describe('xlsx reader: cell types', () => {
  it('reads shared, inline, formula-string, boolean, error and ISO-date cells', async () => {
    const path = writeXlsx({
      sharedStrings: ['zero', '<r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r>'].map((s) =>
        s.startsWith('<r>') ? `<si>${s}</si>` : s,
      ),
      sheets: [
        {
          name: 'S',
          xml: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c>
            <c r="D1" t="str"><f>A1&amp;"x"</f><v>zerox</v></c><c r="E1" t="b"><v>1</v></c><c r="F1" t="e"><v>#DIV/0!</v></c>
            <c r="G1" t="d"><v>2024-02-29T12:00:00Z</v></c><c r="H1" t="n"><v>-1.5E-3</v></c><c r="I1"><f>1+1</f></c></row>`,
        },
      ],
    });
    const { rows } = await readAll(path);
    expect(rows).toEqual([
      {
        number: 1,
        cells: [
          { t: 's', v: 'zero' },
          { t: 's', v: 'rich text' },
          { t: 's', v: 'inline' },
          { t: 's', v: 'zerox' },
          { t: 'b', v: true },
          { t: 'e', v: '#DIV/0!' },
          { t: 'd', v: '2024-02-29T12:00:00Z' },
          { t: 'n', v: -0.0015 },
        ],
      },
    ]);
  });

  it('decodes XML entities and _xHHHH_ escapes, keeps _x005F_ as an escaped underscore', async () => {
    const path = writeXlsx({
      sharedStrings: [
        'a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;',
        'line&#10;break &#x41;&#66;',
        'x_x000D_y',
        '_x005F_x000D_',
      ],
      sheets: [
        {
          name: 'S',
          xml: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c>
            <c r="E1" t="inlineStr"><is><t>p_x0009_q</t></is></c><c r="F1" t="str"><v>1 &lt; 2_x000A_</v></c></row>`,
        },
      ],
    });
    const { rows } = await readAll(path);
    expect(rows[0].cells.map((c) => c?.v)).toEqual([
      `a & b <c> "d" 'e'`,
      'line\nbreak AB',
      'x\ry',
      '_x000D_',
      'p\tq',
      '1 < 2\n',
    ]);
  });

  it('normalises literal CR LF in XML text to LF, while _x000D_ survives', async () => {
    const path = writeXlsx({
      sheets: [
        { name: 'S', xml: '<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_\r\nb\rc</t></is></c></row>' },
      ],
    });
    expect(valueAt((await readAll(path)).rows, 'A1')).toBe('a\r\nb\nc');
  });

  it('ignores phonetic runs and reads CDATA and comments inside values', async () => {
    const path = writeXlsx({
      sharedStrings: ['<si><t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1"/></si>'],
      sheets: [
        {
          name: 'S',
          xml: '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t><![CDATA[<raw> & text]]></t></is></c><c r="C1"><v>4<!-- c -->2</v></c></row>',
        },
      ],
    });
    expect((await readAll(path)).rows[0].cells.map((c) => c?.v)).toEqual(['漢字', '<raw> & text', 42]);
  });

  it('treats empty strings and formulas without a cached value as empty cells', async () => {
    const path = writeXlsx({
      sharedStrings: ['', 'x'],
      sheets: [
        {
          name: 'S',
          xml: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"/><c r="C1" t="inlineStr"><is><t></t></is></c><c r="D1"><f>A1</f></c><c r="E1" t="str"><f>A1</f><v></v></c><c r="F1" s="3"/><c r="G1" t="s"><v>1</v></c></row>
            <row r="2"><c r="A2" s="1"/><c r="B2" t="s"/></row>`,
        },
      ],
    });
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(1);
    expect(rows[0].cells.length).toBe(7);
    expect(rows[0].cells.filter((c) => c !== undefined)).toEqual([{ t: 's', v: 'x' }]);
  });
});

describe('xlsx reader: positions', () => {
  it('places rows and cells without r after the previous one, also mixed with explicit refs', async () => {
    const path = writeXlsx({
      sheets: [
        {
          name: 'S',
          xml: `<row><c><v>1</v></c><c><v>2</v></c></row>
            <row><c r="C2"><v>3</v></c><c><v>4</v></c></row>
            <row r="5"><c><v>5</v></c></row>
            <row><c r="b6"><v>6</v></c></row>`,
        },
      ],
    });
    const { rows } = await readAll(path);
    expect(rows.map((r) => [r.number, Array.from(r.cells, (c) => c?.v ?? null)])).toEqual([
      [1, [1, 2]],
      [2, [null, null, 3, 4]],
      [5, [5]],
      [6, [null, 6]],
    ]);
  });

  it('keeps cells written out of column order, and rows of varying width', async () => {
    const path = writeXlsx({
      sheets: [
        {
          name: 'S',
          xml: `<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c></row>
            <row r="2"><c r="C2"><v>3</v></c><c r="A2"><v>1</v></c><c r="E2" s="1"/></row>
            <row r="3"><c r="A3"><v>1</v></c><c r="D3" s="1"/></row>`,
        },
      ],
    });
    const { rows } = await readAll(path);
    expect(rows.map((r) => Array.from(r.cells, (c) => c?.v ?? null))).toEqual([[1, 2, 3], [1, null, 3], [1]]);
  });

  it('a sheet whose XML stops after a complete cell still yields the open row', async () => {
    const path = writeXlsx({
      sheets: [
        { name: 'S', xml: '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>' },
      ],
    });
    expect((await readAll(path)).rows).toEqual([
      {
        number: 1,
        cells: [
          { t: 'n', v: 1 },
          { t: 'n', v: 2 },
        ],
      },
    ]);
  });

  it('handles namespace prefixes, single quotes and attribute order', async () => {
    const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const path = writeXlsx({
      sheets: [
        {
          name: 'S',
          xml: `<?xml version="1.0"?><x:worksheet xmlns:x="${ns}"><x:sheetData><x:row r='3' spans='1:2'><x:c t='inlineStr' s='0' r='B3'><x:is><x:t>p</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
        },
      ],
    });
    expect(cellAt((await readAll(path)).rows, 'B3')).toEqual({ t: 's', v: 'p' });
  });

  it('keeps sparse rows sparse: a value at XFD makes one cell, not a dense grid', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'S', xml: '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' }],
    });
    const { rows } = await readAll(path);
    expect(rows[0].number).toBe(1_048_576);
    expect(rows[0].cells[16_383]).toEqual({ t: 'n', v: 1 });
    expect(Object.keys(rows[0].cells)).toEqual(['16383']);
  });
});

describe('xlsx reader: dates and number formats', () => {
  it('flags date formats: built-in ids, custom codes with date tokens, elapsed [h]; not quoted text or conditions', async () => {
    const xml = [1, 2, 3, 4, 5, 6, 0]
      .map((s, i) => `<c r="${String.fromCharCode(65 + i)}1" s="${s}"><v>45000.5</v></c>`)
      .join('');
    const path = writeXlsx({ styles: DATE_STYLES, sheets: [{ name: 'S', xml: `<row r="1">${xml}</row>` }] });
    const { rows } = await readAll(path);
    expect(rows[0].cells.map((c) => (c?.t === 'n' ? (c.date ?? false) : null))).toEqual([
      true, // id 14
      true, // yyyy"-"mm"-"dd
      false, // "Day" 0.00
      true, // [h]:mm
      false, // [Red][>=100]#,##0;0.00
      false, // id 4
      false, // General
    ]);
  });

  it('reads the 1904 date system from workbookPr (1 or true)', async () => {
    for (const attr of ['date1904="1"', 'date1904="true"', 'date1904="0"']) {
      const path = writeXlsx({
        workbookPr: `<workbookPr ${attr}/>`,
        styles: DATE_STYLES,
        sheets: [{ name: 'S', xml: '<row r="1"><c r="A1" s="1"><v>1</v></c></row>' }],
      });
      expect(cellAt((await readAll(path)).rows, 'A1')).toEqual({
        t: 'n',
        v: 1,
        date: true,
        date1904: attr !== 'date1904="0"',
      });
    }
  });

  it('a style index beyond cellXfs is not a date', async () => {
    const path = writeXlsx({
      styles: DATE_STYLES,
      sheets: [{ name: 'S', xml: '<row r="1"><c r="A1" s="99"><v>1</v></c></row>' }],
    });
    expect(cellAt((await readAll(path)).rows, 'A1')).toEqual({ t: 'n', v: 1 });
  });
});

describe('xlsx reader: sheets', () => {
  const sheets = [
    { name: 'Hidden one', xml: '<row r="1"><c r="A1"><v>1</v></c></row>', state: 'hidden' as const },
    { name: 'Data & more', xml: '<row r="1"><c r="A1"><v>2</v></c></row>' },
    { name: 'Other', xml: '<row r="1"><c r="A1"><v>3</v></c></row>' },
  ];

  it('defaults to the first visible worksheet and lists all', async () => {
    const path = writeXlsx({ sheets: sheets.map((s) => ({ ...s, name: s.name.replace('&', '&amp;') })) });
    const result = await readAll(path);
    expect(result.sheet).toBe('Data & more');
    expect(valueAt(result.rows, 'A1')).toBe(2);
    expect(result.sheets).toEqual([
      { name: 'Hidden one', visible: false },
      { name: 'Data & more', visible: true },
      { name: 'Other', visible: true },
    ]);
    expect(valueAt((await readAll(path, { sheet: 'Other' })).rows, 'A1')).toBe(3);
    expect(valueAt((await readAll(path, { sheet: 'Hidden one' })).rows, 'A1')).toBe(1);
  });

  it('an unknown sheet name is sheet_not_found and lists the names', async () => {
    const path = writeXlsx({ sheets });
    expect(await readError(path, { sheet: 'Nope' })).toBe('sheet_not_found');
    await expect(readAll(path, { sheet: 'Nope' })).rejects.toThrow(/"Hidden one", "Data & more", "Other"/);
  });

  it('resolves absolute and backslashed relationship targets', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'S', xml: '<row r="1"><c r="A1"><v>1</v></c></row>' }],
      parts: {
        'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="/data\\Sheet-One.xml"/></Relationships>`,
        'data/sheet-one.xml':
          '<worksheet><sheetData><row r="1"><c r="A1"><v>7</v></c></row></sheetData></worksheet>',
      },
    });
    expect(valueAt((await readAll(path)).rows, 'A1')).toBe(7);
  });

  it('a workbook with only a chartsheet has no worksheet to read', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'Chart', xml: '<row/>' }],
      parts: {
        'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>`,
      },
    });
    expect(await readError(path)).toBe('empty_file');
  });

  it('a worksheet part missing from the zip is corrupt_file', async () => {
    const path = writeXlsx({
      sheets: [{ name: 'S', xml: '<row/>' }],
      parts: {
        'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/missing.xml"/></Relationships>`,
      },
    });
    expect(await readError(path)).toBe('corrupt_file');
  });
});

describe('xlsx reader: streaming', () => {
  it('shared strings read by the fast path and by the general path agree', async () => {
    const n = 20_000;
    const raw = (i: number): string =>
      i % 3 === 0 ? `plain ${i} ${'ü'.repeat(i % 5)}` : i % 3 === 1 ? `a &amp; b ${i}` : `x_x0042_${i}`;
    const decoded = (i: number): string =>
      i % 3 === 0 ? `plain ${i} ${'ü'.repeat(i % 5)}` : i % 3 === 1 ? `a & b ${i}` : `xB${i}`;
    const sst = Array.from({ length: n }, (_, i) =>
      i % 7 === 0 ? `<si><r><t>${raw(i)}</t></r></si>` : `<si><t>${raw(i)}</t></si>`,
    );
    const rowsXml = Array.from(
      { length: n },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${n - 1 - i}</v></c></row>`,
    ).join('');
    const { rows } = await readAll(writeXlsx({ sharedStrings: sst, sheets: [{ name: 'S', xml: rowsXml }] }));
    const bad = rows.filter((r, i) => r.cells[0]?.v !== decoded(n - 1 - i));
    expect(rows).toHaveLength(n);
    expect(bad).toEqual([]);
  });

  it('stopping after the first batch releases everything cleanly', async () => {
    const rowsXml = Array.from(
      { length: 50_000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`,
    ).join('');
    const path = writeXlsx({ sheets: [{ name: 'S', xml: rowsXml }] });
    const { openSpreadsheet } = await import('./index.js');
    const opened = await openSpreadsheet(path);
    let seen = 0;
    for await (const batch of opened.rows()) {
      seen += batch.length;
      break;
    }
    await opened.close();
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(50_000);
    // The file can be opened and read again: nothing was left locked or half-read.
    expect((await readAll(path)).rows).toHaveLength(50_000);
  });

  it('gives the same values whether a cell is read by the fast path or split across chunks', async () => {
    // 20k rows ≈ 2 MB of XML: parse slices end inside cells hundreds of times, so both the
    // one-piece fast path and the general path (carry-over) are exercised on the same shapes.
    const n = 20_000;
    const text = (i: number): string => `n${i} &amp; _x0041_ ${'é'.repeat(i % 7)}`;
    const rowsXml = Array.from(
      { length: n },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}.25</v></c><c r="B${i + 1}" t="inlineStr"><is><t>${text(i)}</t></is></c><c r="C${i + 1}" t="str"><v>${text(i)}</v></c><c r="D${i + 1}" t="b"><v>${i % 2}</v></c></row>`,
    ).join('');
    const path = writeXlsx({ sheets: [{ name: 'S', xml: rowsXml }] });
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(n);
    const expected = (i: number): string => `n${i} & A ${'é'.repeat(i % 7)}`;
    const bad = rows.filter((r, i) => {
      const [a, b, c, d] = r.cells;
      return (
        r.number !== i + 1 ||
        a?.v !== i + 0.25 ||
        b?.v !== expected(i) ||
        c?.v !== expected(i) ||
        d?.v !== (i % 2 === 1)
      );
    });
    expect(bad).toEqual([]);
  });

  it('yields batches of a few hundred rows and reports progress as it goes', async () => {
    const rowsXml = Array.from(
      { length: 3000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`,
    ).join('');
    const path = writeXlsx({ sheets: [{ name: 'S', xml: rowsXml }] });
    const { openSpreadsheet } = await import('./index.js');
    const opened = await openSpreadsheet(path);
    const sizes: number[] = [];
    let lastRows = 0;
    for await (const batch of opened.rows()) {
      sizes.push(batch.length);
      const p = opened.progress();
      expect(p.rowsRead).toBeGreaterThanOrEqual(lastRows);
      lastRows = p.rowsRead;
    }
    const end = opened.progress();
    await opened.close();
    await opened.close();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(Math.max(...sizes)).toBeLessThan(3000);
    expect(end).toEqual({ bytesRead: end.bytesTotal, bytesTotal: opened.bytes, rowsRead: 3000 });
  });
});
