import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';

/** Every BullMQ queue Firebreak uses. */
export const QUEUE_NAMES = {
  incidentEvents: 'incident-events',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * Completed jobs are kept a day so a deterministic job id still deduplicates a late retry;
 * failed ones a week, for the audit.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface QueueSettings {
  connection: ConnectionOptions;
  prefix: string;
}

export function createQueue(name: QueueName, settings: QueueSettings): Queue {
  return new Queue(name, { connection: settings.connection, prefix: settings.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
}
