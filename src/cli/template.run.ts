/**
 * The work behind `intake template` (src/cli/template.command.ts defines the command, its options and help,
 * and imports this module only when the command runs, so building the command tree stays cheap).
 */
import { readFile } from 'node:fs/promises';
import type { TemplateIo } from './template.command.js';
import { isEngineError } from '../engine/errors.js';
import { writeTemplateWorkbook } from '../engine/export/index.js';
import { parseSchema } from '../engine/schema/index.js';

function errnoCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : null;
}

class UsageProblem extends Error {}

async function loadSchemaJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    throw new UsageProblem(
      code === 'ENOENT'
        ? `Schema file not found: ${path}`
        : `Cannot read the schema file ${path} (${code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageProblem(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Runs one `intake template` and returns its exit code (0 written, 2 unusable schema or output). */
export async function runTemplate(schemaPath: string, outPath: string, io: TemplateIo): Promise<number> {
  try {
    const schema = parseSchema(await loadSchemaJson(schemaPath));
    try {
      await writeTemplateWorkbook(schema, outPath);
    } catch (err) {
      const code = errnoCode(err);
      if (code === null) throw err;
      throw new UsageProblem(`Cannot write ${outPath} (${code})`);
    }
    io.stderr.write(`Wrote a template with ${schema.fields.length} columns to ${outPath}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageProblem) && !isEngineError(err)) throw err;
    io.stderr.write(`intake template: ${err.message}\n`);
    return 2;
  }
}
