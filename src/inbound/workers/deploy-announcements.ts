import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { announcementJobSchema, type AnnouncementJob } from '../../domain/deploys/announce';
import { QUEUE_NAMES, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

/** Runs deploy announcement jobs: parse, then post (each post a recorded step, so a retry never repeats one). */
export function startDeployAnnouncementWorker(options: {
  connection: ConnectionOptions;
  prefix: string;
  announcer: { handle(job: AnnouncementJob): Promise<void> };
  logger: Logger;
}): Worker {
  const { logger } = options;
  const worker = new Worker(
    QUEUE_NAMES.deployAnnouncements,
    async (job) => {
      const parsed = announcementJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`deploy announcement ${job.id} has invalid data: ${parsed.error.message}`);
      await options.announcer.handle(parsed.data);
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: options.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'deploy announcement failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'deploy announcement worker error'));
  return worker;
}
