/**
 * The rules-only header mapping stage: resolves what rules can, and leaves the rest `unresolved`
 * for a person (or a model) to decide. Stages, per header, first hit wins: exact field name, a
 * remembered (confirmed) mapping, the normalised name, a normalised alias or title, then a fuzzy
 * match. Fuzzy matches are taken only when clearly better than every other field and not claimed
 * by a better header: a rule must never map confidently to the wrong field, so unsure means
 * unresolved.
 */
import { normaliseName } from '../schema/normalise-name.js';
import type { Field } from '../schema/types.js';
import { tokenSimilarity } from './header-similarity.js';
import { headerTokens, type HeaderToken } from './header-tokens.js';

export type MappingSource = 'exact' | 'normalised' | 'alias' | 'fuzzy' | 'remembered' | 'model';

/** What the mapping stage needs of a field. */
export type MappingField = Pick<Field, 'name'> & Partial<Pick<Field, 'title' | 'description' | 'aliases'>>;

export interface HeaderSuggestion {
  readonly header: string;
  /** The schema field, or null for a header confirmed to be no field (remembered only). */
  readonly field: string | null;
  /** 0…1. Exact 1, remembered 1, normalised 0.99, alias 0.97, fuzzy ≤ 0.95. */
  readonly confidence: number;
  readonly source: MappingSource;
}

export interface RulesMappingResult {
  /** Resolved headers, in header order. */
  readonly mappings: readonly HeaderSuggestion[];
  /** Headers no rule could place with confidence, in header order. */
  readonly unresolved: readonly string[];
}

export interface SuggestMappingOptions {
  /** Confirmed mappings: normalised header (see `normaliseName`) → field name or null (not a field). */
  readonly remembered?: ReadonlyMap<string, string | null>;
  /** Lowest fuzzy score accepted. Default 0.85. */
  readonly fuzzyThreshold?: number;
  /** How far the best fuzzy field must lead the runner-up. Default 0.1. */
  readonly fuzzyMargin?: number;
}

interface FuzzyPick {
  readonly header: string;
  readonly fieldIndex: number;
  readonly score: number;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The best fuzzy score of a header against one field (its name, title and aliases). */
function fieldScore(header: readonly HeaderToken[], candidates: readonly (readonly HeaderToken[])[]): number {
  let best = 0;
  for (const c of candidates) best = Math.max(best, tokenSimilarity(header, c));
  return best;
}

/** Maps spreadsheet headers to schema fields with rules only. Pure; never throws for odd input. */
export function suggestMappingByRules(
  headers: readonly string[],
  fields: readonly MappingField[],
  options: SuggestMappingOptions = {},
): RulesMappingResult {
  const threshold = options.fuzzyThreshold ?? 0.85;
  const margin = options.fuzzyMargin ?? 0.1;
  const remembered = options.remembered ?? new Map<string, string | null>();
  const byName = new Map(fields.map((f, i) => [f.name, i]));
  const byNormalised = new Map<string, number>();
  const byAlias = new Map<string, number>();
  fields.forEach((f, i) => {
    const n = normaliseName(f.name);
    if (!byNormalised.has(n)) byNormalised.set(n, i);
    for (const alias of [...(f.aliases ?? []), ...(f.title ? [f.title] : [])]) {
      const a = normaliseName(alias);
      if (!byAlias.has(a)) byAlias.set(a, i);
    }
  });

  const resolved = new Map<string, HeaderSuggestion>();
  const claimed = new Set<number>();
  const pending: string[] = [];
  const uniqueHeaders = [...new Set(headers.filter((h) => h.trim() !== ''))];
  for (const header of uniqueHeaders) {
    const norm = normaliseName(header);
    const exact = byName.get(header);
    if (exact !== undefined) {
      resolved.set(header, { header, field: fields[exact].name, confidence: 1, source: 'exact' });
      claimed.add(exact);
      continue;
    }
    if (remembered.has(norm)) {
      const field = remembered.get(norm) ?? null;
      const index = field === null ? undefined : byName.get(field);
      // A remembered field the schema no longer has is stale: fall through to the other rules.
      if (field === null || index !== undefined) {
        resolved.set(header, { header, field, confidence: 1, source: 'remembered' });
        if (index !== undefined) claimed.add(index);
        continue;
      }
    }
    const normalised = byNormalised.get(norm);
    if (normalised !== undefined) {
      resolved.set(header, {
        header,
        field: fields[normalised].name,
        confidence: 0.99,
        source: 'normalised',
      });
      claimed.add(normalised);
      continue;
    }
    const alias = byAlias.get(norm);
    if (alias !== undefined) {
      resolved.set(header, { header, field: fields[alias].name, confidence: 0.97, source: 'alias' });
      claimed.add(alias);
      continue;
    }
    pending.push(header);
  }

  const fieldTokens = fields.map((f) =>
    [f.name, ...(f.title ? [f.title] : []), ...(f.aliases ?? [])].map(headerTokens),
  );
  const picks: FuzzyPick[] = [];
  for (const header of pending) {
    const tokens = headerTokens(header);
    let best = 0;
    let second = 0;
    let bestIndex = -1;
    fields.forEach((_f, i) => {
      const s = fieldScore(tokens, fieldTokens[i]);
      if (s > best) {
        second = best;
        best = s;
        bestIndex = i;
      } else if (s > second) second = s;
    });
    // The runner-up counts even when already claimed: a header that looks like two fields is unsure.
    if (bestIndex >= 0 && !claimed.has(bestIndex) && best >= threshold && best - second >= margin) {
      picks.push({ header, fieldIndex: bestIndex, score: best });
    }
  }
  // Two headers wanting one field: the clearly better one wins, a near tie leaves both unresolved.
  const byField = new Map<number, FuzzyPick[]>();
  for (const p of picks) byField.set(p.fieldIndex, [...(byField.get(p.fieldIndex) ?? []), p]);
  for (const [fieldIndex, group] of byField) {
    group.sort((x, y) => y.score - x.score);
    const [top, next] = group;
    if (next !== undefined && top.score - next.score < margin) continue;
    resolved.set(top.header, {
      header: top.header,
      field: fields[fieldIndex].name,
      confidence: round2(Math.min(0.95, top.score * 0.95)),
      source: 'fuzzy',
    });
  }

  const mappings: HeaderSuggestion[] = [];
  const unresolved: string[] = [];
  for (const header of uniqueHeaders) {
    const s = resolved.get(header);
    if (s) mappings.push(s);
    else unresolved.push(header);
  }
  return { mappings, unresolved };
}
