import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { PermanentActionError } from '../../domain/remediation/errors';
import { publishRequestSchema } from '../../domain/status/model';
import type { StatusPageService } from '../../domain/status/service';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

/**
 * Runs status page publications. One at a time per process, so two clicks on the same incident
 * create the provider's incident once and then update it. A refusal by the provider (4xx) is
 * final and said in the channel; timeouts and 5xx are retried with backoff.
 */
export function startStatusPageWorker(options: { connection: ConnectionOptions; prefix: string; hashTags?: boolean; service: StatusPageService; logger: Logger }): Worker {
  const { logger, service } = options;
  const worker = new Worker(
    QUEUE_NAMES.statusPage,
    async (job) => {
      const parsed = publishRequestSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`status page job ${job.id} has invalid data: ${parsed.error.message}`);
      try {
        await service.publish(parsed.data);
      } catch (error) {
        const permanent = error instanceof PermanentActionError;
        if (permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          await service.failed(parsed.data, error instanceof Error ? error.message : String(error));
        }
        if (permanent) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: queuePrefix(QUEUE_NAMES.statusPage, options), concurrency: 1 },
  );
  worker.on('failed', (job, error) => logger.error({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'status page job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'status page worker error'));
  return worker;
}
