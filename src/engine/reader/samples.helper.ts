import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared sample corpus (see MANIFEST.md there), resolved from this folder. */
export const SAMPLES_DIR = fileURLToPath(new URL('../../../../shared/samples/', import.meta.url));

export const sample = (name: string): string => SAMPLES_DIR + name;

/** Every sample file name (MANIFEST.md and SHA256SUMS excluded). */
export function listSamples(): string[] {
  return readdirSync(SAMPLES_DIR).filter((f) => f !== 'MANIFEST.md' && f !== 'SHA256SUMS');
}
