/**
 * The README is the user's manual: every setting the config reads and every CLI command must be
 * documented there. Guards against a new setting landing without its line in the table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/main/program.js';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const configSource = readFileSync(new URL('src/config/config.ts', root), 'utf8');

describe('README', () => {
  it('documents every setting the config reads', () => {
    const settings = [...configSource.matchAll(/r\.\w+\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]);
    expect(settings.length).toBeGreaterThan(40);
    const undocumented = [...new Set(settings)].filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it('documents every command of the intake CLI', () => {
    const commands = buildProgram().commands.map((c) => c.name());
    expect(commands).toContain('validate');
    const undocumented = commands.filter((name) => !readme.includes(`intake ${name}`));
    expect(undocumented).toEqual([]);
  });
});
