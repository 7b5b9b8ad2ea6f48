import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { recoveryJobSchema, type RecoveryJob } from '../../domain/recovery/model';
import type { FireOutcome } from '../../domain/recovery/service';
import { QUEUE_NAMES, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

export interface RecoveryJobHandler {
  fire(job: RecoveryJob): Promise<FireOutcome>;
}

/** Runs due recovery checks and checklist reminders: parse the job, hand it to the watch. */
export function startRecoveryWorker(options: { connection: ConnectionOptions; prefix: string; watch: RecoveryJobHandler; logger: Logger; concurrency?: number }): Worker {
  const { logger } = options;
  const worker = new Worker(
    QUEUE_NAMES.recovery,
    async (job) => {
      const parsed = recoveryJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`recovery job ${job.id} has invalid data: ${parsed.error.message}`);
      const outcome = await options.watch.fire(parsed.data);
      if (outcome !== 'posted') logger.debug({ jobId: job.id, outcome }, 'recovery job did nothing');
      return outcome;
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 16 },
  );
  worker.on('failed', (job, error) => logger.error({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'recovery job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'recovery worker error'));
  return worker;
}
