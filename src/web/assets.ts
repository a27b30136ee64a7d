/**
 * Static assets with a content hash in their names, served from memory with a one-year immutable
 * cache. The stylesheet comes from the Tailwind build (`npm run build:css` writes dist/web/);
 * htmx, Alpine and our small client script are hashed here at start from node_modules and src.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

export interface AssetManifest {
  /** Logical name (`app.css`, `htmx.js`, `alpine.js`, `app.js`) → URL path (`/assets/app.1a2b3c4d.css`). */
  readonly urls: Readonly<Record<string, string>>;
  /** File name → content. */
  readonly files: ReadonlyMap<string, Asset>;
}

/** The package root (where package.json is), from src/web or its compiled copy in dist/web. */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above src/web');
    dir = parent;
  }
  return dir;
}

const root = findRoot();

/** Where scripts/build-css.mjs writes the stylesheet and its manifest. */
export const CSS_OUT_DIR = path.join(root, 'dist', 'web', 'assets');

function hashed(name: string, body: Buffer): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Loads every asset once. Missing CSS is a warning (pages still work, unstyled), not a crash. */
export function loadAssets(warn: (message: string) => void): AssetManifest {
  const require = createRequire(import.meta.url);
  const sources: Array<[string, string]> = [
    ['htmx.js', require.resolve('htmx.org/dist/htmx.min.js')],
    // The CSP build: the standard one evaluates expressions with eval, which script-src 'self' forbids.
    ['alpine.js', require.resolve('@alpinejs/csp/dist/cdn.min.js')],
    ['app.js', path.join(root, 'src', 'web', 'client', 'app.js')],
  ];
  const manifestPath = path.join(CSS_OUT_DIR, 'manifest.json');
  if (existsSync(manifestPath)) {
    const built = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
    const css = built['app.css'];
    if (css) sources.push(['app.css', path.join(CSS_OUT_DIR, css)]);
  } else {
    warn('dist/web/assets/manifest.json is missing: run `npm run build:css`; pages are served unstyled.');
  }
  const urls: Record<string, string> = {};
  const files = new Map<string, Asset>();
  for (const [name, file] of sources) {
    const body = readFileSync(file);
    const fileName = hashed(name, body);
    urls[name] = `/assets/${fileName}`;
    files.set(fileName, { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream' });
  }
  return { urls, files };
}
