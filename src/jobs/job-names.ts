/**
 * Every job the queue knows. A queue (and its dead-letter queue) is created for each at start, so
 * a job can only be sent to a name listed here.
 */
export const JOB_NAMES = ['validate-upload', 'deliver-webhook', 'dispatch-events'] as const;

export type JobName = (typeof JOB_NAMES)[number];

/**
 * Where a job goes after its last failed attempt (including a lost one: a worker killed past its
 * visibility timeout). A worker on this queue calls the handler's `onFailed`.
 */
export function deadLetterQueueOf(name: JobName): string {
  return `${name}__failed`;
}
