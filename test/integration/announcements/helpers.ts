import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisKeys } from '../../../src/lib/keys';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { redisUrl, waitFor, type Harness } from '../../helpers/harness';

/** Top-level posts (text) in `channel`. */
export const topPosts = (h: Harness, channel: string) =>
  h.slack
    .called('chat.postMessage')
    .filter((c) => c.body.channel === channel && c.body.thread_ts === undefined)
    .map((c) => String(c.body.text));

/** Thread replies in `channel`, with the thread they are in. */
export const replies = (h: Harness, channel: string) =>
  h.slack
    .called('chat.postMessage')
    .filter((c) => c.body.channel === channel && c.body.thread_ts !== undefined)
    .map((c) => ({ thread: String(c.body.thread_ts), text: String(c.body.text) }));

/** The deploy-announcements queue of a harness (close it after use). */
export function announcementQueue(prefix: string): { queue: Queue; close(): Promise<void> } {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.deployAnnouncements, { connection, prefix: redisKeys(prefix).bullPrefix });
  return {
    queue,
    async close() {
      await queue.close();
      await connection.quit();
    },
  };
}

/** Until every announcement job of the harness has finished (completed or failed for good). */
export async function announcementsSettled(h: Pick<Harness, 'prefix'>): Promise<void> {
  const { queue, close } = announcementQueue(h.prefix);
  try {
    await waitFor('announcement jobs finished', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((n) => n === 0);
    });
  } finally {
    await close();
  }
}
