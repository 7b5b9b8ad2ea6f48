import type { Queue } from 'bullmq';
import type { RedisClient } from '../../lib/redis-connection';
import type { TimerScheduler } from '../../domain/escalation/ports';
import { timerId, type Timer } from '../../domain/escalation/timers';
import type { Clock } from '../../lib/clock';
import type { RedisKeys } from '../../lib/keys';

/** A timer whose action keeps failing (Slack down) retries with exponential backoff for about 9 hours. */
const TIMER_ATTEMPTS = 15;

/**
 * Timers as BullMQ delayed jobs with deterministic ids (`esc-INC-7-e0-l2`, never a ':'): they live
 * in Redis, so a restart of the bot loses none and an overdue one runs as soon as a worker is back;
 * one worker takes each job, however many replicas run. Each incident's job ids are kept in a set
 * so that resolving it can remove every pending timer.
 */
export class BullTimerScheduler implements TimerScheduler {
  constructor(
    private readonly queue: Queue,
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly clock: Clock,
  ) {}

  async schedule(timer: Timer): Promise<void> {
    const id = timerId(timer);
    const existing = await this.queue.getJob(id);
    if (existing) {
      // Waiting or active: it is firing now. Completed or failed: it fired. Either way, leave it.
      if ((await existing.getState()) !== 'delayed') return;
      if (JSON.stringify(existing.data) === JSON.stringify(timer)) return;
      // Move it: remove and add again (the new data says why, e.g. who pressed Escalate now).
      await this.queue.remove(id);
    }
    const delay = Math.max(0, Date.parse(timer.dueAt) - this.clock.now().getTime());
    await this.redis.sadd(this.keys.escalationTimers(timer.incidentId), id);
    await this.queue.add(timer.kind, timer, { jobId: id, delay, attempts: TIMER_ATTEMPTS });
  }

  async cancel(incidentId: string, options: { prefixes?: string[]; except?: string[] } = {}): Promise<number> {
    const key = this.keys.escalationTimers(incidentId);
    const ids = (await this.redis.smembers(key)).filter(
      (id) => (!options.prefixes || options.prefixes.some((prefix) => id.startsWith(prefix))) && !options.except?.includes(id),
    );
    let removed = 0;
    // A job that is running right now cannot be removed; it re-reads the incident and finds nothing to do.
    for (const id of ids) removed += await this.queue.remove(id);
    if (ids.length > 0) await this.redis.srem(key, ...ids);
    return removed;
  }
}
