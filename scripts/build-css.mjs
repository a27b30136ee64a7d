#!/usr/bin/env node
// Builds the Tailwind stylesheet from the templates (src/web/styles.css scans src/web and
// src/features) into dist/web/assets/app.<hash>.css and writes its manifest.json, which the server
// reads at start. Run by `npm run build`, `prestart` and `pretest`; never fetched from a CDN.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'web', 'assets');
const tmp = path.join(outDir, 'app.tmp.css');
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
// Old builds go: the manifest names the one current file.
for (const file of readdirSync(outDir))
  if (/^app\.[0-9a-f]{12}\.css$/.test(file)) rmSync(path.join(outDir, file));
writeFileSync(path.join(outDir, name), css);
rmSync(tmp);
writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify({ 'app.css': name }, null, 2)}\n`);
console.log(`dist/web/assets/${name} (${css.length} bytes)`);
