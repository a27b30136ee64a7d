import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sniffFormat } from './index.js';
import { listSamples, sample } from './samples.helper.js';
import { readAll, readError } from './xlsx-fixture.helper.js';

/** Rejected files and delimited text of the shared sample corpus, as its MANIFEST.md says. */

describe('sample corpus: rejected and unsupported files', () => {
  it.each([
    ['reject-encrypted-password-open-sesame.xlsx', 'encrypted_file'],
    ['reject-encrypted-default-password.xlsx', 'encrypted_file'],
    ['reject-xml-bomb-billion-laughs.xlsx', 'corrupt_file'],
    ['reject-corrupt-zip-bad-crc.xlsx', 'corrupt_file'],
    ['reject-empty-zero-bytes.xlsx', 'empty_file'],
    ['unsupported-legacy-biff8.xls', 'unsupported_format'],
    ['unsupported-binary-workbook.xlsb', 'unsupported_format'],
    ['unsupported-opendocument.ods', 'unsupported_format'],
  ])('%s → %s', async (file, code) => {
    expect(await readError(sample(file))).toBe(code);
    // A damaged xlsx is still an xlsx: sniffing only refuses what is not one.
    if (!file.startsWith('reject-xml') && !file.startsWith('reject-corrupt')) {
      await expect(sniffFormat(sample(file))).rejects.toMatchObject({ code });
    }
  });

  it('the billion-laughs bomb fails fast', async () => {
    const t0 = performance.now();
    await readError(sample('reject-xml-bomb-billion-laughs.xlsx'));
    // Generous bound: CI machines are shared; an expanding parser would take far longer (460 MB).
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('messages are for a person', async () => {
    await expect(readAll(sample('unsupported-legacy-biff8.xls'))).rejects.toThrow(
      /legacy Excel 97–2003 workbook \(\.xls\)/,
    );
    await expect(readAll(sample('unsupported-binary-workbook.xlsb'))).rejects.toThrow(/\.xlsb/);
    await expect(readAll(sample('unsupported-opendocument.ods'))).rejects.toThrow(/OpenDocument/);
    await expect(readAll(sample('reject-encrypted-password-open-sesame.xlsx'))).rejects.toThrow(/password/);
  });
});

describe('sample corpus: CSV and delimited text', () => {
  it('excel-mac-csv-cr-line-endings: CR-only records, no final line break', async () => {
    const { rows, csv } = await readAll(sample('excel-mac-csv-cr-line-endings.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding: 'utf-8' });
    expect(rows).toHaveLength(14);
    const text = (i: number): string => rows[i].cells.map((c) => c?.v ?? '').join(',');
    expect(text(0)).toBe('Error,Bang,Que,Non,Val,ErrType,Type,ISERR,ISNA,ErrTypeIsErr');
    expect(text(1)).toBe('#NULL!,#NULL!,#NULL?,#NULL,1,1,16,TRUE,FALSE,FALSE');
    expect(text(13).startsWith('array,array!,array?,array,array,#N/A')).toBe(true);
    expect(rows.every((r) => r.cells.every((c) => c === undefined || c.t === 's'))).toBe(true);
  });

  it('utf8-bom-crlf-quoted-newlines: BOM, CRLF, newlines inside quotes', async () => {
    const { rows, csv } = await readAll(sample('utf8-bom-crlf-quoted-newlines.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding: 'utf-8' });
    expect(rows.map((r) => [r.number, r.cells.map((c) => c?.v ?? '')])).toEqual([
      [1, ['Normal', 'abc\ndef']],
      [2, ['Formula', 'abc\r\ndef']],
      [3, ['Test', '']],
    ]);
  });

  it('excel-unicode-text-utf16le-tab: UTF-16LE, tab-delimited', async () => {
    const { rows, csv } = await readAll(sample('excel-unicode-text-utf16le-tab.txt'));
    expect(csv).toEqual({ delimiter: '\t', encoding: 'utf-16le' });
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    const padded = rows.map((r) => Array.from({ length: 5 }, (_, i) => r.cells[i]?.v ?? ''));
    expect(padded).toEqual([
      ['English', 'Hello', 'World', '', ''],
      ['Hebrew', 'שלום', 'עולם', '', ''],
      ['', '', '', '', ''],
      ['1337', '13.37', ' $1,337.00 ', '', ''],
      ['', '', '', '', ''],
    ]);
  });

  it('utf16le-bom-comma: UTF-16LE, comma, no final line break', async () => {
    const { rows, csv } = await readAll(sample('utf16le-bom-comma.csv'));
    expect(csv).toEqual({ delimiter: ',', encoding: 'utf-16le' });
    expect(rows.map((r) => r.cells.map((c) => c?.v))).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', 'ʤ'],
    ]);
  });

  it('latin1-semicolon-fr-charging-stations: Latin-1 read as Windows-1252, semicolons', async () => {
    const { rows, csv } = await readAll(sample('latin1-semicolon-fr-charging-stations.csv.txt'));
    expect(csv).toEqual({ delimiter: ';', encoding: 'windows-1252' });
    expect(rows).toHaveLength(883);
    const header = rows[0].cells.map((c) => c?.v);
    expect(header).toHaveLength(17);
    expect(header[0]).toBe('n_amenageur');
    expect(header.slice(-3)).toEqual(['accessibilité', 'observations', 'date_maj']);
    const r2 = new Map(header.map((h, i) => [h, rows[1].cells[i]?.v]));
    expect(r2.get('n_amenageur')).toBe('Parasol Bastia');
    expect(r2.get('ad_station')).toBe('Allée du Ninu 20600 Bastia');
    expect(r2.get('code_insee')).toBe('2B033');
    expect(r2.get('Xlongitude')).toBe('9.431030');
    expect(r2.get('puiss_max')).toBe('2.30');
    expect(r2.get('date_maj')).toBe('2020/12/15');
  });

  it('semicolon-leading-zeros: leading zeros stay text', async () => {
    const { rows, csv } = await readAll(sample('semicolon-leading-zeros.csv'));
    expect(csv?.delimiter).toBe(';');
    expect(rows.map((r) => r.cells.map((c) => c?.v))).toEqual([
      ['fieldNameA', 'fieldNameB'],
      ['0123', 'c'],
    ]);
  });

  it('numbers-export-quoted-newlines: LF inside quoted header fields', async () => {
    const { rows } = await readAll(sample('numbers-export-quoted-newlines.csv'));
    expect(rows).toHaveLength(25);
    expect(rows[0].cells.slice(0, 3).map((c) => c?.v)).toEqual(['Date', 'Ben \nAshley', 'Tom Brooks']);
    expect(rows[1].cells.map((c) => c?.v)).toEqual([
      '10/1',
      'FALSE',
      'TRUE',
      'TRUE',
      'TRUE',
      'TRUE',
      'TRUE',
      'FALSE',
      'TRUE',
    ]);
    expect(rows[24].cells.slice(0, 4).map((c) => c?.v)).toEqual(['Total', '0', '1', '1']);
  });

  it('libreoffice-7.3-formatted-values: display strings kept verbatim', async () => {
    const { rows } = await readAll(sample('libreoffice-7.3-formatted-values.csv'));
    expect(rows).toHaveLength(33);
    expect(rows[0].cells.map((c) => c?.v ?? '')).toEqual([
      '1.2345',
      'Number',
      '1',
      '',
      '16:17',
      'Time',
      '1',
      '',
      '10/18/33',
      'Date',
      '1',
    ]);
    expect(rows[1].cells[8]?.v).toBe('Wednesday, October 18, 1933');
    expect(rows[32].cells[0]?.v).toBe('1 23/100');
    expect(rows[32].cells[1]?.v).toBe('Fraction');
  });
});

describe('sample corpus: coverage', () => {
  it('every sample in the folder is named in this test file', async () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir)
      .filter((f) => f.startsWith('samples-') && f.endsWith('.test.ts'))
      .map((f) => readFileSync(dir + f, 'utf8'))
      .join('\n');
    const missing = listSamples().filter((f) => !sources.includes(f.replace(/\.[^.]+$/, '')));
    expect(missing).toEqual([]);
  });

  it('sniffFormat judges by bytes: .txt and .csv.txt are CSV, .xlsm is xlsx', async () => {
    expect(await sniffFormat(sample('excel-unicode-text-utf16le-tab.txt'))).toBe('csv');
    expect(await sniffFormat(sample('latin1-semicolon-fr-charging-stations.csv.txt'))).toBe('csv');
    expect(await sniffFormat(sample('excel2011-mac-number-formats-vba.xlsm'))).toBe('xlsx');
    expect(await sniffFormat(sample('sheetjs-nonstandard-part-paths.xlsx'))).toBe('xlsx');
  });
});
