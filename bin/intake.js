#!/usr/bin/env node
// The `intake` command. Runs the compiled CLI (npm run build) — see src/main/cli.ts.
import('../dist/main/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main/cli.js')) {
    console.error('intake: not built yet. Run `npm run build` (npm start does it for you).');
    process.exit(2);
  }
  throw err;
});
