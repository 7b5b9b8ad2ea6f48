import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisKeys } from '../../src/lib/keys';
import { redisUrl } from './harness';

/** One of the harness's BullMQ queues (by its name in QUEUE_NAMES), closed after `use`. */
export async function withQueue<T>(prefix: string, name: string, use: (queue: Queue) => Promise<T>): Promise<T> {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: redisKeys(prefix).bullPrefix });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

/** Every job the queue holds, in any state, with what tests look at. */
export function queueJobs(prefix: string, name: string) {
  return withQueue(prefix, name, async (queue) => {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children']);
    return Promise.all(
      jobs.map(async (job) => ({
        id: job.id ?? '',
        state: await job.getState(),
        attemptsMade: job.attemptsMade,
        failedReason: job.failedReason,
        dueAt: job.timestamp + (job.opts.delay ?? 0),
        data: job.data as Record<string, unknown>,
        returned: job.returnvalue as unknown,
      })),
    );
  });
}
