/**
 * Helpers for the uploads tests: multipart bodies, generated spreadsheets with known problems, and
 * polling an upload over HTTP until it settles. They speak this feature's API only.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { TableSchema } from '../../engine/index.js';

export interface FilePart {
  readonly content: Buffer;
  readonly filename: string;
  readonly contentType?: string;
}

/** A multipart/form-data body with text fields and at most one `file` part. */
export function multipartBody(
  fields: Record<string, string>,
  file?: FilePart,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----intake${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The orders schema the generated files are validated against. */
export const ORDERS_SCHEMA: TableSchema = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
    { name: 'sku', type: 'string', constraints: { pattern: 'SKU-[0-9]{5}' } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'price', type: 'number', constraints: { minimum: 0 } },
    { name: 'status', type: 'string', constraints: { enum: ['active', 'pending', 'closed'] } },
  ],
} as TableSchema;

/**
 * A CSV for ORDERS_SCHEMA. Every `badEvery`-th row (if set) has a bad price (`minimum`) and every
 * `2*badEvery`-th also a bad status (`enum`); the rest are valid.
 */
export function ordersCsvLine(i: number, badEvery = 0): string {
  const badPrice = badEvery > 0 && i % badEvery === 0;
  const badStatus = badEvery > 0 && i % (badEvery * 2) === 0;
  const price = badPrice ? '-1' : ((i % 1000) + 0.5).toFixed(2);
  const status = badStatus ? 'unknown' : ['active', 'pending', 'closed'][i % 3];
  return `${i},SKU-${String(10000 + (i % 90000))},user${i}@example.com,${price},${status}\n`;
}

export function ordersCsv(rows: number, badEvery = 0): Buffer {
  let text = 'id,sku,email,price,status\n';
  for (let i = 1; i <= rows; i++) text += ordersCsvLine(i, badEvery);
  return Buffer.from(text);
}

/** Writes a large orders CSV to `path` without holding it in memory. */
export async function writeOrdersCsv(path: string, rows: number, badEvery = 0): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,sku,email,price,status\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += ordersCsvLine(i, badEvery);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

export interface UploadBody {
  id: string;
  status: string;
  progress: { rows_processed: number; bytes_read: number; bytes_total: number };
  rows_total: number | null;
  rows_valid: number | null;
  rows_invalid: number | null;
  error_count: number | null;
  errors_by_code: Record<string, number> | null;
  errors_stored: number | null;
  errors_truncated: boolean;
  error: { code: string; message: string } | null;
  [key: string]: unknown;
}

/** Polls GET /uploads/{id} until it is valid, invalid or failed. */
export async function waitForUpload(
  app: FastifyInstance,
  token: string,
  id: string,
  timeoutMs = 60_000,
): Promise<UploadBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = response.json<UploadBody>();
    if (['valid', 'invalid', 'failed'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`upload ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
