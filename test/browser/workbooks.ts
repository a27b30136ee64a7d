/** Workbooks for the browser tests, written with exceljs (a different writer from our engine). */
import ExcelJS from 'exceljs';

export const XSS = '<script>alert(1)</script>';
export const XSS_IMG = '<img src=x onerror=alert(2)>';

/** A clean sample to infer a schema from: id (integer), email, amount (number), city. */
export async function sampleWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Orders');
  ws.addRow(['id', 'email', 'amount', 'city']);
  for (let i = 1; i <= 30; i++) ws.addRow([i, `buyer${i}@example.com`, i * 1.5, i % 2 ? 'Lyon' : 'Oslo']);
  await wb.xlsx.writeFile(path);
}

/**
 * The same columns with problems: text in the numeric `amount` every 3rd row (type errors), a
 * script tag as a cell value, and an extra column whose header is markup.
 */
export async function invalidWorkbook(path: string, rows = 60): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Orders');
  ws.addRow(['id', 'email', 'amount', 'city', XSS_IMG]);
  for (let i = 1; i <= rows; i++) {
    const amount = i % 3 === 0 ? (i === 3 ? XSS : 'lots') : i * 2;
    ws.addRow([i, `buyer${i}@example.com`, amount, 'Lyon', 'x']);
  }
  await wb.xlsx.writeFile(path);
}
