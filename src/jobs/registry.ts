/**
 * Where every feature's job handlers are registered, so `intake serve` (WORKER=on) and
 * `intake worker` run exactly the same handlers. Features export a `register…Jobs(queue, deps)`.
 */
import type { Deps } from '../deps.js';
import type { JobQueue } from './job-types.js';

export function registerJobHandlers(queue: JobQueue, deps: Deps): void {
  void queue;
  void deps;
}
