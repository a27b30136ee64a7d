import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { parseSchema } from './schema-parser.js';

function errorOf(json: unknown): EngineError {
  try {
    parseSchema(json);
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected parseSchema to throw');
}

const ok = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ fields, ...extra });

describe('parseSchema rejects bad schemas with a message naming the property', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 'nope', 'The schema must be a JSON object'],
    ['no fields', {}, 'fields must be a non-empty array'],
    ['empty fields', { fields: [] }, 'fields must be a non-empty array'],
    [
      'unknown top-level property',
      { fields: [{ name: 'a' }], foreignKeys: [] },
      'foreignKeys is not a known property',
    ],
    ['field not an object', ok(['a']), 'fields[0] must be an object'],
    ['missing name', ok([{ type: 'string' }]), 'fields[0].name must be a non-empty string'],
    ['unknown type', ok([{ name: 'a', type: 'text' }]), 'fields[0].type must be one of string, number'],
    [
      'unknown field property',
      ok([{ name: 'a', maxLenght: 3 }]),
      'fields[0].maxLenght is not a known property',
    ],
    [
      'duplicate names',
      ok([{ name: 'a' }, { name: 'b' }, { name: 'a' }]),
      'fields[2].name "a" duplicates fields[0].name',
    ],
    [
      'minimum of the wrong kind',
      ok([{ name: 'a' }, { name: 'b' }, { name: 'price', type: 'number', constraints: { minimum: 'zero' } }]),
      'fields[2].constraints.minimum must be a number',
    ],
    [
      'date bound not a date',
      ok([{ name: 'd', type: 'date', constraints: { maximum: '2024-13-01' } }]),
      'fields[0].constraints.maximum must be a date like 2024-01-31',
    ],
    [
      'integer bound fractional',
      ok([{ name: 'q', type: 'integer', constraints: { exclusiveMaximum: 1.5 } }]),
      'fields[0].constraints.exclusiveMaximum must be an integer',
    ],
    [
      'bad regex',
      ok([{ name: 'a', constraints: { pattern: '([a-z' } }]),
      'fields[0].constraints.pattern is not a valid regular expression',
    ],
    [
      'unknown constraint',
      ok([{ name: 'a', constraints: { maxSize: 3 } }]),
      'fields[0].constraints.maxSize is not a known constraint',
    ],
    [
      'constraint for another type',
      ok([{ name: 'a', type: 'integer', constraints: { pattern: '\\d+' } }]),
      'fields[0].constraints.pattern does not apply to an integer field',
    ],
    [
      'required not boolean',
      ok([{ name: 'a', constraints: { required: 'yes' } }]),
      'fields[0].constraints.required must be true or false',
    ],
    [
      'minLength negative',
      ok([{ name: 'a', constraints: { minLength: -1 } }]),
      'fields[0].constraints.minLength must be a non-negative integer',
    ],
    [
      'minLength above maxLength',
      ok([{ name: 'a', constraints: { minLength: 5, maxLength: 2 } }]),
      'fields[0].constraints.minLength must not be greater than maxLength',
    ],
    [
      'enum empty',
      ok([{ name: 'a', constraints: { enum: [] } }]),
      'fields[0].constraints.enum must be a non-empty array',
    ],
    [
      'enum item of the wrong kind',
      ok([{ name: 'a', type: 'integer', constraints: { enum: [1, 'two'] } }]),
      'fields[0].constraints.enum[1] must be an integer',
    ],
    [
      'string format unknown',
      ok([{ name: 'a', format: 'phone' }]),
      'fields[0].format must be one of default, email, uri, uuid',
    ],
    [
      'number format',
      ok([{ name: 'a', type: 'number', format: 'currency' }]),
      'fields[0].format must be "default" for a number field',
    ],
    [
      'bad date directive',
      ok([{ name: 'a', type: 'date', format: '%d/%Q/%Y' }]),
      'fields[0].format has an unknown directive %Q',
    ],
    [
      'trueValues on a string',
      ok([{ name: 'a', trueValues: ['y'] }]),
      'fields[0].trueValues applies to boolean fields only',
    ],
    [
      'groupChar on a date',
      ok([{ name: 'a', type: 'date', groupChar: ',' }]),
      'fields[0].groupChar applies to number and integer fields only',
    ],
    ['aliases not strings', ok([{ name: 'a', aliases: ['x', 3] }]), 'fields[0].aliases[1] must be a string'],
    [
      'primaryKey unknown field',
      ok([{ name: 'id' }], { primaryKey: ['id', 'nope'] }),
      'primaryKey[1] names an unknown field "nope"',
    ],
    [
      'primaryKey string unknown',
      ok([{ name: 'id' }], { primaryKey: 'nope' }),
      'primaryKey names an unknown field "nope"',
    ],
    [
      'uniqueKeys unknown field',
      ok([{ name: 'a' }], { uniqueKeys: [['a', 'b']] }),
      'uniqueKeys[0][1] names an unknown field "b"',
    ],
    [
      'missingValues not strings',
      ok([{ name: 'a' }], { missingValues: [null] }),
      'missingValues[0] must be a string',
    ],
    [
      'fieldsMatch unknown',
      ok([{ name: 'a' }], { fieldsMatch: 'loose' }),
      'fieldsMatch must be one of equal, exact, subset, superset, partial',
    ],
  ];

  it.each(cases)('%s', (_label, json, message) => {
    const err = errorOf(json);
    expect(err.code).toBe('schema_invalid');
    expect(err.message).toContain(message);
  });
});

describe('parseSchema accepts valid schemas', () => {
  it('keeps the known parts, defaults the type to string and normalises a string primaryKey', () => {
    const schema = parseSchema({
      $schema: 'https://specs.frictionlessdata.io/schemas/table-schema.json',
      title: 'Orders',
      fields: [
        { name: 'id', type: 'integer', title: 'ID' },
        { name: 'email', format: 'email', constraints: { required: true, pattern: '[^@]+@example\\.com' } },
        {
          name: 'price',
          type: 'number',
          decimalChar: ',',
          groupChar: '.',
          constraints: { minimum: 0, maximum: '1000' },
        },
        {
          name: 'day',
          type: 'date',
          format: '%d/%m/%Y',
          constraints: { minimum: '2024-01-01', maximum: '31/12/2024' },
        },
        {
          name: 'paid',
          type: 'boolean',
          trueValues: ['y'],
          falseValues: ['n'],
          constraints: { enum: ['y'] },
        },
        { name: 'notes', aliases: ['Comments'] },
      ],
      primaryKey: 'id',
      uniqueKeys: [['email', 'day']],
      missingValues: ['', 'NA'],
      fieldsMatch: 'subset',
    });
    expect(schema.fields[5].type).toBe('string');
    expect(schema.primaryKey).toEqual(['id']);
    expect(schema.uniqueKeys).toEqual([['email', 'day']]);
    expect(schema.fieldsMatch).toBe('subset');
    expect(schema).not.toHaveProperty('title');
    expect(schema.fields[2]).toMatchObject({ decimalChar: ',', groupChar: '.' });
  });

  it('accepts patterns that only the legacy regex grammar allows', () => {
    expect(() =>
      parseSchema({ fields: [{ name: 'a', constraints: { pattern: '[A-Z]\\-\\d' } }] }),
    ).not.toThrow();
  });
});
