import type { Queue } from 'bullmq';
import type { RedisClient } from '../../lib/redis-connection';
import type { AlertBatch, PendingAlerts } from '../../domain/intake/digest-ports';
import { keySafe, type RedisKeys } from '../../lib/keys';

/** Bursts of alerts for one service within this window become one Slack update. */
export const DIGEST_DELAY_MS = 1000;
export const DIGEST_SWEEP_EVERY_MS = 5000;
/** A digest's worker lock (renewed while it runs); one cut by a crash is taken over after it. */
export const DIGEST_LOCK_MS = 5000;
/** A card post claimed by a crashed digest may be taken over after this (a few lock durations). */
export const DIGEST_STEP_LEASE_MS = 15_000;

export const digestJobId = (service: string) => `digest-${keySafe(service)}`;

/**
 * Changed alerts wait for the service's digest; true when no digest job was waiting for them (the
 * caller adds one). KEYS: pending, digest-queued flag. ARGV: flag lifetime ms, fingerprint…
 */
const MARK = `
for i = 2, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
return redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) and 1 or 0
`;

/** A flag left by a process that died before adding its job stops saving that job after this (the sweeper nudges meanwhile). */
const QUEUED_FLAG_MS = 60_000;

/**
 * The batch a crashed attempt left, else the waiting alerts as a new batch (numbered per service).
 * Every key is the service's (one Redis Cluster slot); the sweeper's list is updated after (`settle`).
 * KEYS: pending, in-flight, batch hash.
 */
const CLAIM = `
local id = redis.call('HGET', KEYS[3], 'current')
if id then
  return {id, redis.call('SMEMBERS', KEYS[2])}
end
if redis.call('SCARD', KEYS[1]) == 0 then return false end
id = tostring(redis.call('HINCRBY', KEYS[3], 'seq', 1))
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[3], 'current', id)
return {id, redis.call('SMEMBERS', KEYS[2])}
`;

/**
 * The batch is shown: its alerts leave Redis (only if it is still the current one). The service
 * stays on the sweeper's list while alerts that came meanwhile wait (`settle`).
 * KEYS: in-flight, batch hash. ARGV: batch id.
 */
const FINISH = `
if redis.call('HGET', KEYS[2], 'current') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'current')
return 1
`;

/**
 * Changed fingerprints wait in a per-service set; one delayed job per service drains it. A job
 * that is already waiting absorbs the burst, and a sweeper catches any service left behind
 * (including one whose digest crashed: its batch waits, in flight, until it is shown).
 */
export class BullAlertDigestScheduler implements PendingAlerts {
  constructor(
    private readonly queue: Queue,
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    redis.defineCommand('firebreakMarkAlerts', { numberOfKeys: 2, lua: MARK });
  }

  /**
   * The fingerprints wait (stored before the webhook is answered); a job is added only when none
   * is waiting to start for the service, so a burst of requests costs one job, not one each.
   */
  async schedule(service: string, fingerprints: string[]): Promise<void> {
    // The alerts first (one slot, the service's), then the sweeper's list (another slot): `settle` relies on this order.
    const redis = this.redis as RedisClient & { firebreakMarkAlerts(...args: (string | number)[]): Promise<number> };
    const added = await redis.firebreakMarkAlerts(this.keys.alertsPending(service), this.keys.alertsDigestQueued(service), QUEUED_FLAG_MS, ...fingerprints);
    await this.redis.sadd(this.keys.alertsPendingServices(), service);
    if (added === 1) await this.nudge(service);
  }

  /** A digest job starts draining: alerts marked from now on need another job. */
  async starting(service: string): Promise<void> {
    await this.redis.del(this.keys.alertsDigestQueued(service));
  }

  /** Alerts were marked since `starting` and their job could not be added while this one ran. */
  async markedSince(service: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.alertsDigestQueued(service))) === 1;
  }

  /** Make sure a digest job for the service is waiting (a no-op when one already is). */
  async nudge(service: string): Promise<void> {
    await this.queue.add('digest', { service }, { jobId: digestJobId(service), delay: DIGEST_DELAY_MS, removeOnComplete: true, removeOnFail: true, attempts: 5 });
  }

  /** The services with alerts waiting or in flight, for the sweeper. */
  async pendingServices(): Promise<string[]> {
    return this.redis.smembers(this.keys.alertsPendingServices());
  }

  async claim(service: string): Promise<AlertBatch | undefined> {
    const { keys } = this;
    const result = (await this.redis.eval(CLAIM, 3, keys.alertsPending(service), keys.alertsInflight(service), keys.alertsBatch(service))) as [string, string[]] | null;
    if (!result) {
      await this.settle(service);
      return undefined;
    }
    return { id: result[0], fingerprints: result[1] };
  }

  async finish(service: string, batch: AlertBatch): Promise<void> {
    const { keys } = this;
    if ((await this.redis.eval(FINISH, 2, keys.alertsInflight(service), keys.alertsBatch(service), batch.id)) === 1) await this.settle(service);
  }

  /**
   * Take the service off the sweeper's list when nothing waits or is in flight. Remove, then look
   * again: `schedule` adds alerts before the service, so alerts added after the look put the service
   * back themselves, and alerts the look sees put it back here.
   */
  private async settle(service: string): Promise<void> {
    const { keys } = this;
    if ((await this.redis.scard(keys.alertsPending(service))) > 0) return;
    await this.redis.srem(keys.alertsPendingServices(), service);
    const [waiting, inflight] = await Promise.all([this.redis.scard(keys.alertsPending(service)), this.redis.hexists(keys.alertsBatch(service), 'current')]);
    if (waiting > 0 || inflight === 1) await this.redis.sadd(keys.alertsPendingServices(), service);
  }

  async startSweeper(): Promise<void> {
    await this.queue.upsertJobScheduler('digest-sweep', { every: DIGEST_SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
  }
}
