import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../../engine/index.js';
import { draftFromForm, draftFromSchema, schemaFromDraft, SchemaFormError } from './schema-form.js';

const definition = {
  fields: [
    {
      name: 'id',
      type: 'integer',
      title: 'Identifier',
      constraints: { required: true, unique: true, minimum: 1, maximum: 999 },
    },
    {
      name: 'email',
      type: 'string',
      format: 'email',
      aliases: ['E-mail', 'mail'],
      constraints: { pattern: '.+@.+', maxLength: 80 },
    },
    { name: 'size', type: 'string', constraints: { enum: ['S', 'M', 'L'] } },
    { name: 'born', type: 'date', constraints: { minimum: '1900-01-01' } },
  ],
  primaryKey: ['id'],
  missingValues: ['', 'NA'],
};

describe('schema form model', () => {
  it('round-trips a definition through the form rows without losing properties', () => {
    const draft = draftFromSchema(definition);
    expect(draft.fields.map((f) => f.name)).toEqual(['id', 'email', 'size', 'born']);
    expect(draft.fields[0]).toMatchObject({ required: true, unique: true, minimum: '1', maximum: '999' });
    expect(draft.fields[1]).toMatchObject({ aliases: 'E-mail, mail', pattern: '.+@.+' });
    expect(draft.fields[2].enum).toBe('S, M, L');
    const back = schemaFromDraft(draft);
    expect(back).toEqual(definition);
    expect(() => parseSchema(back)).not.toThrow();
  });

  it('reads a url-encoded form in index order (checkboxes only when ticked), skipping the blank row', () => {
    const draft = draftFromForm({
      'f.1.name': 'qty',
      'f.1.type': 'integer',
      'f.1.minimum': '0',
      'f.1.enum': '1, 2,3',
      'f.0.name': ' code ',
      'f.0.type': 'string',
      'f.0.required': 'on',
      'f.0.aliases': 'Code, CODE no',
      'f.2.name': '',
      'f.2.type': 'string',
      'f.2.pattern': ' ',
      schema_extra: '{"missingValues":["-"]}',
      _csrf: 'ignored',
    });
    expect(schemaFromDraft(draft)).toEqual({
      fields: [
        { name: 'code', type: 'string', constraints: { required: true }, aliases: ['Code', 'CODE no'] },
        { name: 'qty', type: 'integer', constraints: { minimum: 0, enum: [1, 2, 3] } },
      ],
      missingValues: ['-'],
    });
  });

  it('refuses hidden JSON that is not an object', () => {
    const draft = draftFromForm({ 'f.0.name': 'a', 'f.0.type': 'string', 'f.0.extra': '[1]' });
    expect(() => schemaFromDraft(draft)).toThrow(SchemaFormError);
    expect(() => schemaFromDraft({ fields: [], extra: '{' })).toThrow(/not valid JSON/);
  });
});
