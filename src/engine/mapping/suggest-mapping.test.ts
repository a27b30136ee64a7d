import { describe, expect, it } from 'vitest';
import { headerSimilarity, jaroWinkler, scoreRulesMapping, suggestMappingByRules } from './index.js';
import { MAPPING_FIXTURES } from './fixtures.js';

const FIELDS = [
  { name: 'order_id' },
  { name: 'price', aliases: ['Cost'] },
  { name: 'quantity', title: 'Number of items' },
  { name: 'customer_id' },
  { name: 'customer_name' },
];

describe('suggestMappingByRules', () => {
  it('resolves exact, normalised, alias/title and fuzzy headers with their source', () => {
    const result = suggestMappingByRules(
      ['order_id', 'PRICE ', 'number of items', 'Customer Nmae', 'Notes'],
      FIELDS,
    );
    expect(result.mappings).toEqual([
      { header: 'order_id', field: 'order_id', confidence: 1, source: 'exact' },
      { header: 'PRICE ', field: 'price', confidence: 0.99, source: 'normalised' },
      { header: 'number of items', field: 'quantity', confidence: 0.97, source: 'alias' },
      expect.objectContaining({ header: 'Customer Nmae', field: 'customer_name', source: 'fuzzy' }),
    ]);
    expect(result.unresolved).toEqual(['Notes']);
  });

  it('strips units and currencies: "Unit Price (EUR)" is price', () => {
    const result = suggestMappingByRules(['Unit Price (EUR)', 'Qty'], FIELDS);
    expect(result.mappings.map((m) => [m.header, m.field])).toEqual([
      ['Unit Price (EUR)', 'price'],
      ['Qty', 'quantity'],
    ]);
  });

  it('consults remembered mappings right after exact ones, including "not a field"', () => {
    const remembered = new Map<string, string | null>([
      ['betrag in euro', 'price'],
      ['kommentar', null],
      ['old', 'a_field_that_is_gone'],
    ]);
    const result = suggestMappingByRules(['Betrag in Euro', 'Kommentar', 'old'], FIELDS, { remembered });
    expect(result.mappings).toEqual([
      { header: 'Betrag in Euro', field: 'price', confidence: 1, source: 'remembered' },
      { header: 'Kommentar', field: null, confidence: 1, source: 'remembered' },
    ]);
    expect(result.unresolved).toEqual(['old']);
  });

  it('leaves a header that fits two fields equally unresolved (never a confident guess)', () => {
    const result = suggestMappingByRules(['Customer'], FIELDS);
    expect(result.unresolved).toEqual(['Customer']);
  });

  it('gives a field to at most one fuzzy header; a near tie leaves both unresolved', () => {
    const result = suggestMappingByRules(['Quantitiy', 'Quantitty'], FIELDS);
    expect(result.mappings).toEqual([]);
    expect(result.unresolved).toEqual(['Quantitiy', 'Quantitty']);
  });

  it('does not treat numbered columns as typos of each other', () => {
    expect(headerSimilarity('Address Line 3', 'address_line_1')).toBeLessThan(0.85);
  });

  it('ignores empty and repeated headers', () => {
    const result = suggestMappingByRules(['', '  ', 'price', 'price'], FIELDS);
    expect(result.mappings).toHaveLength(1);
    expect(result.unresolved).toEqual([]);
  });
});

describe('jaroWinkler', () => {
  it('matches the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', '')).toBe(0);
  });
});

describe('rules-only mapping quality (fixture set)', () => {
  it('has at least 30 messy header lists', () => {
    expect(MAPPING_FIXTURES.length).toBeGreaterThanOrEqual(30);
  });

  it('maps ≥ 80% of the headers correctly and never maps one to a wrong field', () => {
    const score = scoreRulesMapping();
    expect(score.wrong).toEqual([]);
    expect(score.correct / score.total).toBeGreaterThanOrEqual(0.8);
  });
});
