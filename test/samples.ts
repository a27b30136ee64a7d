/**
 * The shared sample corpus (`../shared/samples`, beside the repository; see its MANIFEST.md),
 * resolved from the repository root so tests work wherever the checkout lives.
 */
import { fileURLToPath } from 'node:url';

export const SAMPLES_DIR = fileURLToPath(new URL('../../shared/samples/', import.meta.url));

export const samplePath = (name: string): string => SAMPLES_DIR + name;
