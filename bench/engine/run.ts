/**
 * Reader benchmark:
 * `npx tsx bench/engine/run.ts [--rows 100000,1000000] [--only intake,validate,exceljs,floor] [--repeat 3] [--cli]`.
 * Generates fixtures into bench/out/ (gitignored; reused when present) and measures each reader in
 * its own child process (rows/s from the child's own clock, peak RSS from its resourceUsage).
 *
 * `--cli` adds the row `cli`: the real command, `node bin/intake.js validate FILE --schema
 * bench/out/bench-schema.json --format json` (run `npm run build` first; it runs dist/), timed
 * as a whole process: wall clock from spawn to exit as seen here (node start-up, module loading,
 * schema, validation and the JSON report included), peak RSS and cpu from the child's own
 * process.resourceUsage() at exit (a one-line --import hook prints them to stderr). This is the
 * "one process, whole CLI run" figure of the engine targets; `--only cli` measures only it.
 * Nothing else should run on the machine meanwhile: on two cores any other work skews the figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { BENCH_SCHEMA } from './bench-schema.js';
import { generateCsv, generateXlsx } from './generate.js';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const rowCounts = (argValue('--rows') ?? '100000,1000000').split(',').map((s) => Number(s.trim()));
const only = argValue('--only')?.split(',');
const outDir = join('bench', 'out');
mkdirSync(outDir, { recursive: true });

interface Fixture {
  readonly label: string;
  readonly path: string;
  readonly xlsx: boolean;
}

const fixtures: Fixture[] = [];
for (const rows of rowCounts) {
  const inline = join(outDir, `orders-${rows}-inline.xlsx`);
  const sst = join(outDir, `orders-${rows}-sst.xlsx`);
  const csv = join(outDir, `orders-${rows}.csv`);
  const t0 = performance.now();
  if (!existsSync(inline)) await generateXlsx(inline, rows, false);
  if (!existsSync(sst)) await generateXlsx(sst, rows, true);
  if (!existsSync(csv)) await generateCsv(csv, rows);
  const took = performance.now() - t0;
  if (took > 100) console.error(`generated ${rows}-row fixtures in ${(took / 1000).toFixed(1)} s`);
  fixtures.push(
    { label: `xlsx inline ${rows.toLocaleString('en-US')}`, path: inline, xlsx: true },
    { label: `xlsx sst ${rows.toLocaleString('en-US')}`, path: sst, xlsx: true },
    { label: `csv ${rows.toLocaleString('en-US')}`, path: csv, xlsx: false },
  );
}

/**
 * Children run a bundled plain-JS build of measure.ts when esbuild (installed with tsx) is there,
 * like the compiled CLI would run; tsx's own loader would add ~40 MB to every RSS figure.
 */
async function measureCommand(): Promise<string[]> {
  const bundle = join(outDir, 'measure.mjs');
  try {
    const esbuild = await import('esbuild');
    const haveValidate = existsSync(join('src', 'engine', 'validate', 'index.ts'));
    await esbuild.build({
      entryPoints: [join('bench', 'engine', 'measure.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'warning',
      external: haveValidate
        ? ['exceljs']
        : ['exceljs', '../../src/engine/validate/index.js', '../../src/engine/schema/index.js'],
    });
    return [bundle];
  } catch (err) {
    console.error(
      `(no bundle: ${(err as Error).message.split('\n')[0]}; measuring under tsx, RSS includes its loader)`,
    );
    return ['--import', 'tsx', join('bench', 'engine', 'measure.ts')];
  }
}
const command = await measureCommand();

const readers = ['intake', 'validate', 'reference', 'exceljs', 'floor', 'cli'].filter((r) =>
  r === 'cli' ? args.includes('--cli') || only?.includes('cli') === true : !only || only.includes(r),
);
const repeat = Math.max(1, Number(argValue('--repeat') ?? '1'));

interface Measurement {
  rows?: number;
  /** validate/reference: the issue count and a digest of every issue. */
  cells?: number;
  digest?: string;
  ms?: number;
  cpuMs?: number;
  maxRssMb?: number;
  skipped?: string;
  error?: string;
}

const CLI_SCHEMA = join(outDir, 'bench-schema.json');
const CLI_BIN = join('bin', 'intake.js');
/** Prints the child's own peak RSS (kB) and cpu (µs) as its last stderr line, at exit. */
const RUSAGE_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    "process.on('exit',()=>{const u=process.resourceUsage();" +
      "process.stderr.write('\\nINTAKE_RUSAGE '+u.maxRSS+' '+(u.userCPUTime+u.systemCPUTime)+'\\n')})",
  );

/** One whole `intake validate` process: wall clock around it, rusage from inside it. */
function measureCli(path: string): Measurement {
  if (!existsSync(join('dist', 'main', 'cli.js'))) return { skipped: 'no dist/ (run npm run build)' };
  writeFileSync(CLI_SCHEMA, JSON.stringify(BENCH_SCHEMA));
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--import', RUSAGE_HOOK, CLI_BIN, 'validate', path, '--schema', CLI_SCHEMA, '--format', 'json'],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000 },
  );
  const ms = performance.now() - t0;
  // 0 valid, 1 invalid (the fixtures have errors on purpose); 2 or a signal is a failure.
  if (child.status !== 0 && child.status !== 1) {
    const why = child.error?.message ?? child.stderr.trim().split('\n')[0] ?? `signal ${child.signal}`;
    return { error: `intake validate exited ${child.status ?? child.signal}: ${why}` };
  }
  const usage = /INTAKE_RUSAGE (\d+) (\d+)/.exec(child.stderr);
  const report = JSON.parse(child.stdout) as { rows: { total: number }; error_count: number };
  return {
    rows: report.rows.total,
    ms,
    cpuMs: usage ? Number(usage[2]) / 1000 : undefined,
    maxRssMb: usage ? Number(usage[1]) / 1024 : undefined,
  };
}

function measureOnce(reader: string, path: string): Measurement {
  if (reader === 'cli') return measureCli(path);
  try {
    const out = execFileSync(process.execPath, [...command, reader, path], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      timeout: 600_000,
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measurement;
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] };
  }
}

const lines: string[] = [];
const pad = (s: string, n: number): string => s.padEnd(n);
const [load1] = loadavg();
lines.push(
  `${cpus().length} CPUs, load average ${load1.toFixed(1)} at start; ${repeat > 1 ? `best and median wall time of ${repeat} runs (cpu s and rows/s of the best), peak RSS the worst seen` : 'one run each'}; cpu s = user+system of the whole child (all threads)`,
  `${pad('file', 24)}${pad('MB', 8)}${pad('reader', 10)}${pad('rows', 10)}${pad('best s', 9)}${pad('median s', 9)}${pad('cpu s', 8)}${pad('rows/s', 11)}${pad('median r/s', 11)}${pad('peak RSS MB', 12)}issues (validate = reference when the digests match)`,
);
for (const f of fixtures) {
  const mb = (statSync(f.path).size / 1048576).toFixed(1);
  for (const reader of readers) {
    if (!f.xlsx && (reader === 'exceljs' || reader === 'floor' || reader === 'reference')) continue;
    // Best-of-N wall time filters out other load on a shared machine; RSS is the worst seen.
    let best: Measurement = {};
    let worstRss = 0;
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const m = measureOnce(reader, f.path);
      worstRss = Math.max(worstRss, m.maxRssMb ?? 0);
      if (best.ms === undefined || (m.ms !== undefined && m.ms < best.ms)) best = m;
      if (m.ms === undefined) break;
      times.push(m.ms);
    }
    times.sort((a, b) => a - b);
    const median =
      times.length % 2 === 1
        ? times[(times.length - 1) / 2]
        : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    const r = best;
    const line =
      r.rows !== undefined && r.ms !== undefined
        ? `${pad(f.label, 24)}${pad(mb, 8)}${pad(reader, 10)}${pad(String(r.rows), 10)}${pad((r.ms / 1000).toFixed(2), 9)}${pad((median / 1000).toFixed(2), 9)}${pad(((r.cpuMs ?? 0) / 1000).toFixed(2), 8)}${pad(Math.round((r.rows / r.ms) * 1000).toLocaleString('en-US'), 11)}${pad(Math.round((r.rows / median) * 1000).toLocaleString('en-US'), 11)}${pad(worstRss.toFixed(0), 12)}${r.digest ? `${r.cells} issues, digest ${r.digest}` : ''}`
        : `${pad(f.label, 24)}${pad(mb, 8)}${pad(reader, 10)}${r.skipped ?? r.error}`;
    console.log(line);
    lines.push(line);
  }
}
console.log('\n' + lines.join('\n'));
