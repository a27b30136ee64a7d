/**
 * The Table Schema every validating benchmark uses (measure.ts in-process, run.ts --cli through
 * the real `intake validate`), for the columns generate.ts writes.
 */
import { HEADERS } from './generate.js';

export const BENCH_SCHEMA = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
    { name: 'sku', type: 'string', constraints: { pattern: 'SKU-[0-9]{5}' } },
    { name: 'name', type: 'string', constraints: { required: true } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'price', type: 'number', constraints: { minimum: 0 } },
    { name: 'quantity', type: 'integer', constraints: { minimum: 1 } },
    { name: 'status', type: 'string', constraints: { enum: ['active', 'pending', 'closed'] } },
    { name: 'ordered_on', type: 'date' },
    { name: 'paid', type: 'boolean' },
    { name: 'note', type: 'string', constraints: { maxLength: 200 } },
  ].filter((f) => HEADERS.includes(f.name)),
};
