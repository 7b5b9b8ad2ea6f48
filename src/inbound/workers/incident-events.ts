import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { incidentEventSchema, type IncidentEvent } from '../../domain/incidents/events';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

export interface IncidentEventHandler {
  handle(event: IncidentEvent): Promise<void>;
}

/**
 * Delivers each incident event to every handler (Slack publisher, timers). Handlers are
 * idempotent (each Slack effect a recorded step): a retried job re-runs all of them, and the ones
 * that finished skip what they already did. One handler failing never holds back the others: all
 * run, then the job fails (and is retried) if any failed; for good only if every failure is final.
 */
export function startIncidentEventWorker(options: {
  connection: ConnectionOptions;
  prefix: string; hashTags?: boolean;
  handlers: IncidentEventHandler[];
  logger: Logger;
  concurrency?: number;
}): Worker {
  const worker = new Worker(
    QUEUE_NAMES.incidentEvents,
    async (job) => {
      const event = incidentEventSchema.parse(job.data);
      const failures: unknown[] = [];
      for (const handler of options.handlers) {
        try {
          await handler.handle(event);
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length === 0) return;
      if (failures.length > 1) options.logger.warn({ errors: failures.map(String), jobId: job.id }, 'several incident event handlers failed');
      throw failures.find((f) => !(f instanceof UnrecoverableError)) ?? failures[0];
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: queuePrefix(QUEUE_NAMES.incidentEvents, options), concurrency: options.concurrency ?? 8 },
  );
  worker.on('failed', (job, error) =>
    options.logger.error({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'incident event job failed'),
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'incident event worker error'));
  return worker;
}
