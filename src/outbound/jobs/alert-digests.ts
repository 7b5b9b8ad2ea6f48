import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AlertDigestScheduler } from '../../domain/intake/ports';
import { keySafe, type RedisKeys } from '../../lib/keys';

/** Bursts of alerts for one service within this window become one Slack update. */
export const DIGEST_DELAY_MS = 1000;
export const DIGEST_SWEEP_EVERY_MS = 5000;

export const digestJobId = (service: string) => `digest-${keySafe(service)}`;

/**
 * Changed fingerprints wait in a per-service set; one delayed job per service drains it. A job
 * that is already waiting absorbs the burst, and a sweeper catches any service left behind.
 */
export class BullAlertDigestScheduler implements AlertDigestScheduler {
  constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async schedule(service: string, fingerprints: string[]): Promise<void> {
    await this.redis
      .multi()
      .sadd(this.keys.alertsPending(service), ...fingerprints)
      .sadd(this.keys.alertsPendingServices(), service)
      .exec();
    await this.nudge(service);
  }

  /** Make sure a digest job for the service is waiting (a no-op when one already is). */
  async nudge(service: string): Promise<void> {
    await this.queue.add('digest', { service }, { jobId: digestJobId(service), delay: DIGEST_DELAY_MS, removeOnComplete: true, removeOnFail: true, attempts: 5 });
  }

  /** The services with alerts waiting, for the sweeper. */
  async pendingServices(): Promise<string[]> {
    return this.redis.smembers(this.keys.alertsPendingServices());
  }

  /** Take every waiting fingerprint of a service at once. */
  async take(service: string): Promise<string[]> {
    const key = this.keys.alertsPending(service);
    const [members] = ((await this.redis.multi().smembers(key).del(key).srem(this.keys.alertsPendingServices(), service).exec()) ?? []) as [
      [Error | null, string[]]?,
    ];
    return members?.[1] ?? [];
  }

  async startSweeper(): Promise<void> {
    await this.queue.upsertJobScheduler('digest-sweep', { every: DIGEST_SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
  }
}
