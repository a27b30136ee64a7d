export type * from './types.js';
export { validateFile } from './validate-file.js';
export { validateRows, type RowsMeta, type ValidateOptions } from './validate-rows.js';
export { formatReportText, type ReportTextOptions } from './report-text.js';
export { cellRef, columnLetter } from './column-letter.js';
export { matchHeader, normaliseHeader, type ColumnBinding, type HeaderMatch } from './header-matcher.js';
export { castValue } from '../schema/value-cast.js';
