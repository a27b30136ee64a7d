/**
 * How alike two headers are, from 0 to 1: a weighted soft token-set overlap (Dice), where tokens
 * match exactly or, for tokens of 4+ letters, by Jaro-Winkler ≥ 0.92 (typos: "Adress", "Quantitiy").
 * Extra tokens on either side lower the score, so "Unit Price" is not a subset-match for `unit`.
 * The joined forms compare too ("FirstName" vs `first_name`).
 */
import { compactForm, headerTokens, type HeaderToken } from './header-tokens.js';

const TYPO_MIN_LENGTH = 4;
const TYPO_THRESHOLD = 0.92;

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - range);
    const to = Math.min(b.length - 1, i + range);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Optimal-string-alignment distance (adjacent transpositions count 1), stopping past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length][b.length];
}

/** How well two tokens match: 1 when equal, the Jaro-Winkler score for a likely typo, else 0. */
function tokenMatch(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < TYPO_MIN_LENGTH || b.length < TYPO_MIN_LENGTH) return 0;
  // Digits differ on purpose ("address1" vs "address2"): never a typo.
  if (/\d/.test(a) || /\d/.test(b)) return 0;
  const s = jaroWinkler(a, b);
  return s >= TYPO_THRESHOLD ? s : 0;
}

/** Weighted soft Dice over two token sets: each token pairs with at most one on the other side. */
function softDice(a: readonly HeaderToken[], b: readonly HeaderToken[]): number {
  const total = a.reduce((s, t) => s + t.weight, 0) + b.reduce((s, t) => s + t.weight, 0);
  if (total === 0) return 0;
  const used = new Set<number>();
  let matched = 0;
  for (const ta of a) {
    let best = 0;
    let bestJ = -1;
    b.forEach((tb, j) => {
      if (used.has(j)) return;
      const s = tokenMatch(ta.text, tb.text);
      if (s > best) {
        best = s;
        bestJ = j;
      }
    });
    if (bestJ < 0) continue;
    used.add(bestJ);
    // A pair counts with the smaller weight of its two tokens, from both sides.
    matched += best * 2 * Math.min(ta.weight, b[bestJ].weight);
  }
  return matched / total;
}

/** Similarity of two pre-tokenised texts, 0…1. */
export function tokenSimilarity(a: readonly HeaderToken[], b: readonly HeaderToken[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const ca = compactForm(a);
  const cb = compactForm(b);
  if (ca === cb) return 1;
  let compact = 0;
  // Joined forms catch a typo across a joint ("Frist_name"); one edit in 6+ letters only, as
  // Jaro-Winkler on joined forms rewards a shared prefix ("customer" vs "customerid") too much.
  if (Math.min(ca.length, cb.length) >= 6 && !/\d/.test(ca + cb) && editDistance(ca, cb, 1) <= 1) {
    compact = 0.9;
  }
  return Math.max(compact, softDice(a, b));
}

/** Similarity of two header texts, 0…1. */
export function headerSimilarity(a: string, b: string): number {
  return tokenSimilarity(headerTokens(a), headerTokens(b));
}
