/** The spreadsheet engine's public surface. Imports nothing of the app. */
export * from './errors.js';
export * from './schema/index.js';
export * from './validate/index.js';
export * from './reader/index.js';
export * from './export/index.js';
export * from './infer/index.js';
