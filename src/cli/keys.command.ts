/**
 * `intake keys rotate`: makes a new JWT signing key current. Tokens signed with the old key keep
 * verifying (and the key stays in the JWKS) until the last of them has expired; running servers
 * pick the new key up through the kv announcement or on first sight of its `kid`.
 */
import { Command } from 'commander';
import { installSignalHandlers, withDeps } from '../main/cli-runtime.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('Manage the JWT signing keys.');
  keys
    .command('rotate')
    .description('Create a new signing key; old keys keep verifying until their tokens expire.')
    .action(async () => {
      installSignalHandlers();
      const { createIdentityService } = await import('../features/identity/index.js');
      await withDeps(async (deps) => {
        const result = await createIdentityService(deps).keys.rotate();
        const retired = result.retired.length > 0 ? result.retired.join(', ') : 'none';
        process.stdout.write(`New signing key ${result.kid} is current. Retired: ${retired}.\n`);
      });
    });
  keys
    .command('list')
    .description('List the public keys currently published in the JWKS.')
    .action(async () => {
      installSignalHandlers();
      const { createIdentityService } = await import('../features/identity/index.js');
      await withDeps(async (deps) => {
        const { keys: published } = await createIdentityService(deps).keys.jwks();
        for (const key of published) process.stdout.write(`${key.kid}\t${key.alg}\n`);
      });
    });
  return keys;
}
