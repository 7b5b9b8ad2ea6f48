import { Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { incidentEventSchema, type IncidentEvent } from '../../domain/incidents/events';
import { QUEUE_NAMES, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

export interface IncidentEventHandler {
  handle(event: IncidentEvent): Promise<void>;
}

/**
 * Delivers each incident event to every handler (Slack publisher, timers). Handlers are
 * idempotent: a retried job re-runs all of them.
 */
export function startIncidentEventWorker(options: {
  connection: ConnectionOptions;
  prefix: string;
  handlers: IncidentEventHandler[];
  logger: Logger;
  concurrency?: number;
}): Worker {
  const worker = new Worker(
    QUEUE_NAMES.incidentEvents,
    async (job) => {
      const event = incidentEventSchema.parse(job.data);
      for (const handler of options.handlers) await handler.handle(event);
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 8 },
  );
  worker.on('failed', (job, error) =>
    options.logger.error({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'incident event job failed'),
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'incident event worker error'));
  return worker;
}
