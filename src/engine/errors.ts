/**
 * Errors the engine raises when a file cannot be read at all (exit code 2 in the CLI). Row-level
 * validation problems are never thrown: they are collected in the report.
 */
export const ENGINE_ERROR_CODES = [
  'unsupported_format',
  'encrypted_file',
  'corrupt_file',
  'limit_exceeded',
  'empty_file',
  'sheet_not_found',
  'schema_invalid',
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}
