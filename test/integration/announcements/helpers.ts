import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { waitFor, type Harness } from '../../helpers/harness';
import { withQueue } from '../../helpers/queue-jobs';

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

/** Until every announcement job of the harness has finished (completed or failed for good). */
export function announcementsSettled(h: Pick<Harness, 'prefix'>): Promise<void> {
  return withQueue(h.prefix, QUEUE_NAMES.deployAnnouncements, (queue) =>
    waitFor('announcement jobs finished', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((n) => n === 0);
    }),
  );
}
