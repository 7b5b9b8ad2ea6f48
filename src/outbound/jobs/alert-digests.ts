import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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
 * KEYS: pending, in-flight, batch hash, pending services. ARGV: service.
 */
const CLAIM = `
local id = redis.call('HGET', KEYS[3], 'current')
if id then
  return {id, redis.call('SMEMBERS', KEYS[2])}
end
if redis.call('SCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[1])
  return false
end
id = tostring(redis.call('HINCRBY', KEYS[3], 'seq', 1))
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[3], 'current', id)
return {id, redis.call('SMEMBERS', KEYS[2])}
`;

/**
 * The batch is shown: its alerts leave Redis (only if it is still the current one). The service
 * stays on the sweeper's list while alerts that came meanwhile wait.
 * KEYS: in-flight, batch hash, pending, pending services. ARGV: batch id, service.
 */
const FINISH = `
if redis.call('HGET', KEYS[2], 'current') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'current')
if redis.call('SCARD', KEYS[3]) == 0 then redis.call('SREM', KEYS[4], ARGV[2]) end
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
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    redis.defineCommand('firebreakMarkAlerts', { numberOfKeys: 2, lua: MARK });
  }

  /**
   * The fingerprints wait (stored before the webhook is answered); a job is added only when none
   * is waiting to start for the service, so a burst of requests costs one job, not one each.
   */
  async schedule(service: string, fingerprints: string[]): Promise<void> {
    const { keys } = this;
    const redis = this.redis as Redis & { firebreakMarkAlerts(...args: (string | number)[]): Promise<number> };
    const [, added] = await Promise.all([
      redis.sadd(keys.alertsPendingServices(), service),
      redis.firebreakMarkAlerts(keys.alertsPending(service), keys.alertsDigestQueued(service), QUEUED_FLAG_MS, ...fingerprints),
    ]);
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
    const result = (await this.redis.eval(CLAIM, 4, keys.alertsPending(service), keys.alertsInflight(service), keys.alertsBatch(service), keys.alertsPendingServices(), service)) as
      | [string, string[]]
      | null;
    if (!result) return undefined;
    return { id: result[0], fingerprints: result[1] };
  }

  async finish(service: string, batch: AlertBatch): Promise<void> {
    const { keys } = this;
    await this.redis.eval(FINISH, 4, keys.alertsInflight(service), keys.alertsBatch(service), keys.alertsPending(service), keys.alertsPendingServices(), batch.id, service);
  }

  async startSweeper(): Promise<void> {
    await this.queue.upsertJobScheduler('digest-sweep', { every: DIGEST_SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
  }
}
