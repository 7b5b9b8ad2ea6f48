import { DelayedError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DIGEST_DELAY_MS, DIGEST_LOCK_MS, type BullAlertDigestScheduler } from '../../outbound/jobs/alert-digests';
import { QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from '../../outbound/jobs/queues';

const digestJobSchema = z.object({ service: z.string() });

/** Drains each service's changed alerts into Slack; the periodic sweep re-nudges any service left waiting. */
export function startAlertDigestWorker(options: {
  connection: ConnectionOptions;
  prefix: string; hashTags?: boolean;
  digests: BullAlertDigestScheduler;
  digest: (service: string) => Promise<void>;
  logger: Logger;
}): Worker {
  const worker = new Worker(
    QUEUE_NAMES.alertDigests,
    async (job, token) => {
      if (job.name === 'sweep') {
        for (const service of await options.digests.pendingServices()) await options.digests.nudge(service);
        return;
      }
      const { service } = digestJobSchema.parse(job.data);
      await options.digests.starting(service);
      await options.digest(service);
      // Alerts marked while this ran found its id taken: run once more after the usual delay.
      if (await options.digests.markedSince(service)) {
        await job.moveToDelayed(Date.now() + DIGEST_DELAY_MS, token);
        throw new DelayedError();
      }
    },
    // A digest cut by a crash is taken over within seconds (its batch waits in Redis, in flight).
    { ...WORKER_DEFAULTS, connection: options.connection, prefix: queuePrefix(QUEUE_NAMES.alertDigests, options), concurrency: 4, lockDuration: DIGEST_LOCK_MS, stalledInterval: 2_000 },
  );
  worker.on('failed', (job, error) => options.logger.error({ err: error, jobId: job?.id }, 'alert digest failed'));
  worker.on('error', (error) => options.logger.error({ err: error }, 'alert digest worker error'));
  return worker;
}
