import { open, type FileHandle } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import { CFB_SIGNATURE, listCfbEntryNames } from './cfb-inspect.js';
import { DEFAULT_LIMITS } from './limits.js';
import { locateWorkbook } from './xlsx-package.js';
import { InflateBudget, ZipArchive } from './zip-archive.js';

/**
 * Format detection from the bytes, never the file name: a zip holding an Office workbook is xlsx,
 * an OLE2 container is an encrypted package or a legacy .xls, other binary is refused, and anything
 * that reads as text is CSV.
 */

export type DetectedFormat =
  { readonly format: 'xlsx'; readonly archive: ZipArchive } | { readonly format: 'csv' };

const SAMPLE_BYTES = 64 * 1024;

/** Well-known binary formats, for a more helpful message than "binary junk". */
const KNOWN_BINARY: ReadonlyArray<readonly [number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF executable)'],
  [[0x4d, 0x5a], 'a Windows program'],
];

function startsWith(buf: Buffer, sig: readonly number[]): boolean {
  return buf.length >= sig.length && sig.every((b, i) => buf[i] === b);
}

export async function detectFormat(
  fh: FileHandle,
  size: number,
  budget: InflateBudget,
): Promise<DetectedFormat> {
  if (size === 0) throw new EngineError('empty_file', 'This file is empty (0 bytes).');
  const head = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
  await fh.read(head, 0, head.length, 0);

  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 3 || head[2] === 5) &&
    (head[3] === 4 || head[3] === 6)
  ) {
    const archive = await ZipArchive.open(fh, size);
    await locateWorkbook(archive, budget);
    return { format: 'xlsx', archive };
  }
  if (startsWith(head, [...CFB_SIGNATURE])) {
    const names = await listCfbEntryNames(fh, size);
    if (names.includes('EncryptionInfo') || names.includes('EncryptedPackage')) {
      throw new EngineError(
        'encrypted_file',
        'This workbook is password-protected (encrypted). Remove the password in Excel (File › Info › Protect Workbook) and upload it again.',
      );
    }
    if (names.includes('Workbook') || names.includes('Book')) {
      throw new EngineError(
        'unsupported_format',
        'This file is a legacy Excel 97–2003 workbook (.xls); save it as .xlsx or CSV.',
      );
    }
    throw new EngineError(
      'unsupported_format',
      'This file is a legacy Microsoft Office 97–2003 document, not a spreadsheet we can read; upload .xlsx or CSV.',
    );
  }
  for (const [sig, what] of KNOWN_BINARY) {
    if (startsWith(head, sig))
      throw new EngineError(
        'unsupported_format',
        `This file is ${what}, not a spreadsheet; upload .xlsx or CSV.`,
      );
  }
  if (!looksLikeText(head)) {
    throw new EngineError(
      'unsupported_format',
      'This file is not a spreadsheet or text file we can read; upload .xlsx or CSV.',
    );
  }
  const markup = describeMarkup(head);
  if (markup !== null) throw new EngineError('unsupported_format', markup);
  return { format: 'csv' };
}

/**
 * Text that is really a web page or an Excel 2003 XML workbook: web applications often export
 * HTML tables named .xls, which would otherwise be "read" as one-column CSV full of tags.
 */
function describeMarkup(head: Buffer): string | null {
  let text = head.toString(
    head[0] === 0xff || head[0] === 0xfe ? 'utf16le' : 'utf8',
    0,
    Math.min(head.length, 4096),
  );
  text = text
    .replace(/^\ufeff/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<?xml') && text.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
    return 'This file is an Excel 2003 XML spreadsheet; save it as .xlsx or CSV.';
  }
  if (/^(<!doctype html|<html|<table|<meta|<head|<body)/.test(text)) {
    return 'This file is a web page (HTML), not a spreadsheet, even if it is named .xls; open it in Excel and save it as .xlsx or CSV.';
  }
  return null;
}

/** Text unless it has NUL bytes (outside UTF-16) or many control characters. */
function looksLikeText(sample: Buffer): boolean {
  if (startsWith(sample, [0xff, 0xfe]) || startsWith(sample, [0xfe, 0xff])) return true;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) controls++;
  }
  return controls <= sample.length / 100;
}

/** The format of the file at `path`, judged from its bytes. Throws EngineError when unreadable. */
export async function sniffFormat(path: string): Promise<'xlsx' | 'csv'> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const detected = await detectFormat(fh, size, new InflateBudget(DEFAULT_LIMITS));
    return detected.format;
  } finally {
    await fh.close();
  }
}
