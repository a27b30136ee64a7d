/**
 * `intake template SCHEMA.json OUT.xlsx`: an empty workbook people can fill in that validates
 * against the schema. Exit codes: 0 written, 2 the schema cannot be used or the command line is
 * wrong. The command only sets process.exitCode, so output always flushes.
 */
import { Command } from 'commander';

interface Writable {
  write(chunk: string): unknown;
}

export interface TemplateIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const HELP_AFTER = `
The workbook has one header row of field names (bold, frozen), a number format per column
(text @, integer 0, number 0.00, dates yyyy-mm-dd or the schema's own pattern), a dropdown for
every field with an "enum" (long lists live on a hidden "Lists" sheet), numeric and length
limits as data validation, and each field's description as an input message.

Exit codes:
  0  the template was written
  2  the schema file cannot be read or is not a valid Table Schema, the output cannot be
     written, or the command line is wrong

Examples:
  intake template orders.schema.json orders-template.xlsx`;

/** The `template` command, for the lead's program (`program.addCommand(templateCommand())`). */
export function templateCommand(
  io: TemplateIo = { stdout: process.stdout, stderr: process.stderr },
): Command {
  return (
    new Command('template')
      .description('Write an .xlsx template (header, formats, dropdowns) for a Table Schema')
      .argument('<schema.json>', 'the Table Schema JSON file')
      .argument('<out.xlsx>', 'where to write the template workbook')
      .addHelpText('after', HELP_AFTER)
      // Commander exits 1 on usage errors; Intake promises 2. Parsing fails before any work starts.
      .exitOverride((err) => {
        if (err.exitCode !== 0) process.exit(2);
      })
      .action(async (schemaPath: string, outPath: string) => {
        const { runTemplate } = await import('./template.run.js');
        process.exitCode = await runTemplate(schemaPath, outPath, io);
      })
  );
}
