import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { TickResult } from '../../domain/guard/service';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

const tickSchema = z.object({ deployId: z.string().min(1), tick: z.number().int().min(0) });

export interface GuardTickHandler {
  tick(deployId: string, tick: number): Promise<TickResult>;
}

/** Runs deploy-guard ticks: parse the job, evaluate the window (or finish a failed tick's steps). */
export function startGuardWorker(options: {
  connection: ConnectionOptions;
  prefix: string; hashTags?: boolean;
  guard: GuardTickHandler;
  logger: Logger;
  concurrency?: number;
}): Worker {
  const { logger } = options;
  const worker = new Worker(
    QUEUE_NAMES.guard,
    async (job) => {
      const parsed = tickSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`guard tick ${job.id} has invalid data: ${parsed.error.message}`);
      return options.guard.tick(parsed.data.deployId, parsed.data.tick);
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: queuePrefix(QUEUE_NAMES.guard, options), concurrency: options.concurrency ?? 16 },
  );
  worker.on('failed', (job, error) => logger.error({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'guard tick failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'guard worker error'));
  return worker;
}
