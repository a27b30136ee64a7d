/** Scores the rules-only mapping stage on the fixture set (used by the quality test and the bench). */
import { MAPPING_FIXTURES, type MappingFixture, type MappingScore } from './fixtures.js';
import { suggestMappingByRules } from './suggest-mapping.js';

export function scoreRulesMapping(fixtures: readonly MappingFixture[] = MAPPING_FIXTURES): MappingScore {
  let total = 0;
  let correct = 0;
  let unresolved = 0;
  const wrong: { fixture: string; header: string; expected: string | null; got: string }[] = [];
  for (const fixture of fixtures) {
    const headers = Object.keys(fixture.expected);
    const result = suggestMappingByRules(headers, fixture.fields);
    const got = new Map(result.mappings.map((m) => [m.header, m.field]));
    for (const header of headers) {
      const expected = fixture.expected[header] ?? null;
      const field = got.get(header) ?? null;
      if (expected !== null) total++;
      if (field === null) {
        if (expected !== null) unresolved++;
      } else if (field === expected) correct++;
      else wrong.push({ fixture: fixture.name, header, expected, got: field });
    }
  }
  return { total, correct, unresolved, wrong };
}
