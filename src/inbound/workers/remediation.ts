import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { PermanentActionError } from '../../domain/remediation/errors';
import { actionSpecSchema, retryDelayMs } from '../../domain/remediation/model';
import type { RemediationService } from '../../domain/remediation/service';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

/**
 * Crash recovery in seconds, not BullMQ's default 30 s + 30 s: a killed worker's lock expires after
 * `lockDuration` and the next stalled check (every `stalledInterval`, by any worker) puts the job back.
 * The lock is renewed every lockDuration / 2, so only an event loop blocked that long looks dead.
 */
export const REMEDIATION_WORKER_TIMING = {
  lockDuration: 5_000,
  stalledInterval: 2_000,
  /** A job may be recovered this often before it is failed (and reported) for good. */
  maxStalledCount: 2,
};

/**
 * BullMQ fetches a worker's jobs one Redis round trip at a time; a burst of clicks is picked up
 * sooner by a few workers side by side (each with its own blocking connection).
 */
export const REMEDIATION_WORKERS = { count: 4, concurrencyEach: 64 };

const STALLED_TOO_OFTEN = 'stalled more than allowable limit';

export interface RemediationWorkerOptions {
  connection: ConnectionOptions;
  prefix: string; hashTags?: boolean;
  service: RemediationService;
  logger: Logger;
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
}

/** `count` workers on the remediation queue (default REMEDIATION_WORKERS.count). */
export function startRemediationWorkers(options: RemediationWorkerOptions & { count?: number }): Worker[] {
  return Array.from({ length: options.count ?? REMEDIATION_WORKERS.count }, () => startRemediationWorker(options));
}

/** Parses the job, runs the action; errors retrying cannot fix end the job at once. */
export function startRemediationWorker(options: RemediationWorkerOptions): Worker {
  const { service, logger } = options;
  const worker = new Worker(
    QUEUE_NAMES.remediation,
    async (job: Job) => {
      const spec = actionSpecSchema.parse(job.data);
      try {
        await service.run({ spec, attemptsMade: job.attemptsMade });
      } catch (error) {
        if (error instanceof PermanentActionError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      ...WORKER_DEFAULTS,
      connection: options.connection,
      prefix: queuePrefix(QUEUE_NAMES.remediation, options),
      concurrency: options.concurrency ?? REMEDIATION_WORKERS.concurrencyEach,
      lockDuration: options.lockDuration ?? REMEDIATION_WORKER_TIMING.lockDuration,
      stalledInterval: options.stalledInterval ?? REMEDIATION_WORKER_TIMING.stalledInterval,
      maxStalledCount: REMEDIATION_WORKER_TIMING.maxStalledCount,
      settings: {
        // Exponential from the config's base, never before the far side's Retry-After.
        backoffStrategy: (attemptsMade, _type, error, job) => {
          const parsed = actionSpecSchema.shape.retry.safeParse((job?.data as { retry?: unknown } | undefined)?.retry);
          const retryAfter = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
          return retryDelayMs(attemptsMade, parsed.success ? parsed.data.backoffMs : 1_000, typeof retryAfter === 'number' ? retryAfter : undefined);
        },
      },
    },
  );
  worker.on('failed', (job, error) => {
    logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'remediation job attempt failed');
    // BullMQ failed it without running it to the end: make the action say so, and report it.
    if (job && error.message.includes(STALLED_TOO_OFTEN)) {
      const parsed = actionSpecSchema.safeParse(job.data);
      if (parsed.success) {
        service
          .abandon(parsed.data, 'the worker running it stopped responding too many times')
          .catch((err: unknown) => logger.error({ err, jobId: job.id }, 'could not report an abandoned remediation job'));
      }
    }
  });
  worker.on('error', (error) => logger.error({ err: error }, 'remediation worker error'));
  return worker;
}
