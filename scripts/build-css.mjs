#!/usr/bin/env node
// Builds the Tailwind stylesheet from the templates (src/web/styles.css scans src/web and
// src/features) into dist/web/assets/app.<hash>.css and writes its manifest.json, which the server
// reads at start. Run by `npm run build`, `prestart` and `pretest`; never fetched from a CDN.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'web', 'assets');
// Per-process temporary names and renames: test files may run this script at the same time.
const tmp = path.join(outDir, `app.tmp-${process.pid}.css`);
mkdirSync(outDir, { recursive: true });

const cli = path.join(root, 'node_modules', '@tailwindcss', 'cli', 'dist', 'index.mjs');
execFileSync(
  process.execPath,
  [cli, '-i', path.join(root, 'src', 'web', 'styles.css'), '-o', tmp, '--minify'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);

const css = readFileSync(tmp);
const name = `app.${createHash('sha256').update(css).digest('hex').slice(0, 12)}.css`;
function writeAtomically(file, data) {
  const part = `${file}.${process.pid}.part`;
  writeFileSync(part, data);
  renameSync(part, file);
}
writeAtomically(path.join(outDir, name), css);
rmSync(tmp);
writeAtomically(path.join(outDir, 'manifest.json'), `${JSON.stringify({ 'app.css': name }, null, 2)}\n`);
// Older builds go (never the current one, which a concurrently starting server may be reading).
for (const file of readdirSync(outDir)) {
  if (/^app\.[0-9a-f]{12}\.css$/.test(file) && file !== name)
    rmSync(path.join(outDir, file), { force: true });
}
console.log(`dist/web/assets/${name} (${css.length} bytes)`);
