/**
 * Scores the rules-only header mapping stage on the fixture set and prints a table.
 * Run: npx tsx bench/mapping/run.ts
 */
import {
  MAPPING_FIXTURES,
  scoreRulesMapping,
  suggestMappingByRules,
} from '../../src/engine/mapping/index.js';

const score = scoreRulesMapping();
const rows: string[][] = [['fixture', 'headers', 'correct', 'unresolved', 'wrong']];
for (const fixture of MAPPING_FIXTURES) {
  const s = scoreRulesMapping([fixture]);
  rows.push([fixture.name, String(s.total), String(s.correct), String(s.unresolved), String(s.wrong.length)]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows)
  console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));

const started = performance.now();
const rounds = 200;
for (let i = 0; i < rounds; i++) {
  for (const f of MAPPING_FIXTURES) suggestMappingByRules(Object.keys(f.expected), f.fields);
}
const perList = (performance.now() - started) / (rounds * MAPPING_FIXTURES.length);

console.log('');
console.log(`fixtures: ${MAPPING_FIXTURES.length}, headers with a field: ${score.total}`);
console.log(
  `rules-only: ${score.correct}/${score.total} correct (${((100 * score.correct) / score.total).toFixed(1)}%), ` +
    `${score.unresolved} unresolved, ${score.wrong.length} wrong`,
);
console.log(`time per header list: ${(perList * 1000).toFixed(0)} µs`);
for (const w of score.wrong)
  console.log(`WRONG ${w.fixture}: "${w.header}" → ${w.got} (expected ${w.expected})`);
