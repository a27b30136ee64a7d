/**
 * A one-sentence suggested fix for a validation error. Only the value's shape is sent (digits → 9,
 * letters → a, other characters kept), never the value: that keeps personal data out of the
 * request and makes the answer cacheable per code/field/shape, so "2024-13-45" and "2023-14-01"
 * share one call.
 */
import { Type } from '@sinclair/typebox';
import type { AuthContext } from '../identity/index.js';
import type { AiGateway } from './ai-gateway.service.js';

const MAX_SHAPE = 40;

const SYSTEM = [
  'You help people fix cells in a spreadsheet that failed validation. You receive the error code,',
  'the column (field) name and the shape of the bad value, where every digit is shown as 9 and every',
  'letter as a (other characters as they are). Reply with ONE short sentence, under 30 words, telling',
  'the person how to fix the value. Do not repeat the error, do not invent the real value.',
  'Answer only through the suggest_fix tool.',
].join(' ');

const ExplainOutput = Type.Object({ suggestion: Type.String({ minLength: 3, maxLength: 400 }) });

const TOOL = {
  name: 'suggest_fix',
  description: 'Give a one-sentence suggested fix.',
  input_schema: ExplainOutput as unknown as Record<string, unknown>,
};

/** The shape of a value: digits → 9, letters → a, runs kept, long values cut with "…". */
export function valueShape(value: string | null): string {
  if (value === null) return '(empty)';
  const shape = value.replace(/\p{Nd}/gu, '9').replace(/\p{L}/gu, 'a');
  return shape.length > MAX_SHAPE ? `${shape.slice(0, MAX_SHAPE)}…` : shape;
}

export interface ExplainInput {
  readonly code: string;
  readonly field: string;
  readonly value: string | null;
}

export function createExplainService(gateway: AiGateway) {
  return {
    async explain(
      auth: AuthContext,
      input: ExplainInput,
    ): Promise<{ code: string; field: string; value_shape: string; suggestion: string; cached: boolean }> {
      const shape = valueShape(input.value);
      const { output, cached } = await gateway.call({
        purpose: 'explain',
        system: SYSTEM,
        tool: TOOL,
        output: ExplainOutput,
        input: { code: input.code, field: input.field, value_shape: shape },
        kind: 'error',
        items: 1,
        maxTokens: 150,
        userId: auth.userId,
      });
      return {
        code: input.code,
        field: input.field,
        value_shape: shape,
        suggestion: output.suggestion,
        cached,
      };
    },
  };
}
