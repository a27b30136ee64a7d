/**
 * What bounds a run: self time of a V8 .cpuprofile grouped by stage (file reading, inflate glue,
 * tokenising, text decoding, cell values, casting, rules, the validation loop, GC).
 *   node --cpu-prof --cpu-prof-dir=bench/out/prof bench/out/measure.mjs validate <file>
 *   npx tsx bench/engine/profile-summary.ts bench/out/prof/<file>.cpuprofile [bench/out/measure.mjs]
 * The bundle (what run.ts builds) maps line numbers back to source modules through esbuild's
 * `// src/...` markers. The profile covers the main thread only: inflate itself runs on libuv's
 * threadpool, so compare the busy time here with the whole process's cpu s from run.ts.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [profilePath, bundlePath = 'bench/out/measure.mjs'] = process.argv.slice(2);
if (!profilePath) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [bundle.mjs]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as Profile;

// Line ranges of the bundle's modules: esbuild writes `// src/engine/reader/csv-parser.ts` first.
const markers: { line: number; module: string }[] = [];
readFileSync(bundlePath, 'utf8')
  .split('\n')
  .forEach((text, i) => {
    const m = /^\/\/ ((?:src|bench)\/\S+\.ts)$/.exec(text);
    if (m) markers.push({ line: i, module: m[1] });
  });
function moduleAt(line: number): string {
  let found = '?';
  for (const m of markers) {
    if (m.line > line) break;
    found = m.module;
  }
  return found;
}

const STAGES: [stage: string, test: (module: string, fn: string) => boolean][] = [
  ['idle', (m, f) => f === '(idle)' || f === '(program)'],
  ['garbage collection', (_m, f) => f === '(garbage collector)'],
  [
    'bench harness (issue digest)',
    (m, f) => m.startsWith('bench/') || m.includes('crypto') || f === 'update',
  ],
  ['file reading', (m) => m.endsWith('file-range.ts') || m.includes('internal/fs')],
  [
    'inflate glue (zlib callbacks, crc32, streams)',
    (m, f) => m.includes('zlib') || m.includes('internal/streams') || f === 'crc32' || f === 'runMicrotasks',
  ],
  [
    'text decoding (Buffer to string)',
    (m, f) => /^(latin1Slice|utf8Slice|_copyActual)$/.test(f) || m.endsWith('xml-text.ts'),
  ],
  [
    'tokenising (CSV records, XML tags)',
    (m) =>
      /reader\/(csv-parser|csv-reader|xml-stream-scanner|sheet-parser|xlsx-reader|shared-strings)\.ts$/.test(
        m,
      ),
  ],
  ['cell values (types, styles, numbers)', (m) => /reader\/(cell-value|number-format)\.ts$/.test(m)],
  ['casting (schema types)', (m) => m.startsWith('src/engine/schema/')],
  [
    'rules (constraints, formats, uniqueness)',
    (m, f) => /validate\/(field-rules|first-seen|row-checks)\.ts$/.test(m) || f.startsWith('RegExp:'),
  ],
  ['validation loop and report', (m) => m.startsWith('src/engine/validate/')],
];

const byStage = new Map<string, number>();
const byModule = new Map<string, number>();
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  total += delta;
  const node = nodes.get(id);
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const module = url.endsWith('.mjs') ? moduleAt(lineNumber) : url.replace(/^node:/, '') || '(native)';
  const stage = STAGES.find(([, test]) => test(module, functionName))?.[0] ?? 'other';
  byStage.set(stage, (byStage.get(stage) ?? 0) + delta);
  byModule.set(module, (byModule.get(module) ?? 0) + delta);
});

const idle = byStage.get('idle') ?? 0;
const busy = total - idle;
console.log(
  `main thread: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy; % of busy time`,
);
for (const [stage, us] of [...byStage.entries()].filter(([s]) => s !== 'idle').sort((a, b) => b[1] - a[1])) {
  console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${stage}`);
}
console.log('\nby module:');
for (const [module, us] of [...byModule.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${module}`);
}
