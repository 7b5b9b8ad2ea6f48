import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { pagerdutyEventJobSchema, type PagerDutyEventJob } from '../../domain/oncall/pagerduty-mirror';
import { handoffJobSchema } from '../../outbound/jobs/oncall-jobs';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

export interface OncallJobHandler {
  handoff(rotation: string, at: Date): Promise<unknown>;
  /** `lastAttempt`: report the failure instead of leaving it to a retry. */
  pagerduty(job: PagerDutyEventJob, attempt: { lastAttempt: boolean }): Promise<void>;
}

/** Runs on-call handoffs at their time and PagerDuty Events v2 calls; both are safe to retry. */
export function startOncallWorker(options: { connection: ConnectionOptions; prefix: string; hashTags?: boolean; handler: OncallJobHandler; logger: Logger }): Worker {
  const { logger } = options;
  const worker = new Worker(
    QUEUE_NAMES.oncall,
    async (job) => {
      if (job.name === 'handoff') {
        const parsed = handoffJobSchema.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`handoff ${job.id} has invalid data: ${parsed.error.message}`);
        return options.handler.handoff(parsed.data.rotation, new Date(parsed.data.at));
      }
      if (job.name === 'pagerduty') {
        const parsed = pagerdutyEventJobSchema.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`PagerDuty job ${job.id} has invalid data: ${parsed.error.message}`);
        return options.handler.pagerduty(parsed.data, { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
      }
      throw new UnrecoverableError(`unknown on-call job ${job.name}`);
    },
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: queuePrefix(QUEUE_NAMES.oncall, options), concurrency: 8 },
  );
  worker.on('failed', (job, error) => logger.warn({ err: error, jobId: job?.id, attempts: job?.attemptsMade }, 'on-call job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'on-call worker error'));
  return worker;
}
