import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { FireResult } from '../../domain/escalation/firing';
import { timerSchema, type Timer } from '../../domain/escalation/timers';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

export interface TimerHandler {
  fire(timer: Timer): Promise<FireResult>;
}

/**
 * Runs due timers (escalation levels and their reminders, update and postmortem reminders). BullMQ
 * hands each job to one worker across all replicas; the handler re-reads the incident and guards
 * each step, so a retried job repeats nothing. A timer that finds itself early (its level moved
 * later after a severity change) goes back to waiting.
 */
export function startTimerWorker(options: {
  connection: ConnectionOptions;
  prefix: string; hashTags?: boolean;
  handler: TimerHandler;
  logger: Logger;
  concurrency?: number;
}): Worker {
  const { logger } = options;
  const worker = new Worker(
    QUEUE_NAMES.timers,
    async (job, token) => {
      const parsed = timerSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`timer ${job.id} has invalid data: ${parsed.error.message}`);
      const result = await options.handler.fire(parsed.data);
      if (!result.fired && result.notBefore) {
        await job.moveToDelayed(result.notBefore.getTime(), token);
        throw new DelayedError();
      }
      if (!result.fired) logger.debug({ jobId: job.id, why: result.why }, 'timer did nothing');
      return result.fired;
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: queuePrefix(QUEUE_NAMES.timers, options), concurrency: options.concurrency ?? 64 },
  );
  worker.on('failed', (job, error) => logger.error({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'timer job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'timer worker error'));
  return worker;
}
