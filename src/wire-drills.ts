import { UnrecoverableError, Worker } from 'bullmq';
import { z } from 'zod';
import { createQueue, QUEUE_NAMES, queuePrefix, WORKER_DEFAULTS } from './outbound/jobs/queues';
import { SlackDrills } from './outbound/slack/drill-runner';
import { RedisDrillStore } from './outbound/store/drill-store';
import type { Wiring } from './wiring';

const reminderJobSchema = z.object({ runbook: z.string().min(1), channel: z.string().min(1) });

/** Part of the composition root: drills, their store, and the "runbook due for a test" reminders. */
export function wireDrills(options: Wiring) {
  const { queueSettings, logger } = options;
  const reminders = createQueue(QUEUE_NAMES.drillReminders, queueSettings);
  const drills = new SlackDrills({ ...options, store: new RedisDrillStore(options.redis, options.keys), reminders });
  return {
    drills,
    startWorker(): Worker {
      const worker = new Worker(
        QUEUE_NAMES.drillReminders,
        async (job) => {
          const parsed = reminderJobSchema.safeParse(job.data);
          if (!parsed.success) throw new UnrecoverableError(`drill reminder ${job.id} has invalid data: ${parsed.error.message}`);
          return drills.remind(job.id ?? '', parsed.data);
        },
        { ...WORKER_DEFAULTS, connection: queueSettings.connection, prefix: queuePrefix(QUEUE_NAMES.drillReminders, queueSettings) },
      );
      worker.on('error', (error) => logger.error({ err: error }, 'drill reminder worker error'));
      return worker;
    },
    close: () => reminders.close(),
  };
}
