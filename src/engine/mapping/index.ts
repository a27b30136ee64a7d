/** Header → field mapping by rules (exact, remembered, normalised, alias, fuzzy). Pure engine code. */
export {
  suggestMappingByRules,
  type HeaderSuggestion,
  type MappingField,
  type MappingSource,
  type RulesMappingResult,
  type SuggestMappingOptions,
} from './suggest-mapping.js';
export { headerSimilarity, jaroWinkler } from './header-similarity.js';
export { headerTokens, type HeaderToken } from './header-tokens.js';
export { MAPPING_FIXTURES, type MappingFixture, type MappingScore } from './fixtures.js';
export { scoreRulesMapping } from './score-mapping.js';
