export { writeAnnotatedWorkbook, type AnnotatedWorkbookOptions } from './annotated-workbook.writer.js';
export {
  writeAnnotatedWorkbookFromRows,
  type AnnotatedSource,
  type IssueSource,
} from './annotated-rows.writer.js';
export { ERRORS_CSV_HEADER, errorsCsvLine, writeErrorsCsv } from './errors-csv.writer.js';
export { writeTemplateWorkbook, type TemplateOptions } from './template-workbook.writer.js';
export type { IssueIndexLimits } from './issue-index.js';
export type { OutputTarget } from './output-target.js';
