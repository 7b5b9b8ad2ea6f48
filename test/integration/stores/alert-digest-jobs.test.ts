import { randomUUID } from 'node:crypto';
import type { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import pino from 'pino';
import { startAlertDigestWorker } from '../../../src/inbound/workers/alert-digests';
import { redisKeys, type RedisKeys } from '../../../src/lib/keys';
import { BullAlertDigestScheduler, digestJobId } from '../../../src/outbound/jobs/alert-digests';
import { createQueue, QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { deleteKeys } from '../../helpers/redis';

/** Polls until `check` holds (the digest job runs after its 1 s delay); fails after 15 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never held');
}

describe('alert digest jobs: one per waiting burst, none lost while a digest runs', () => {
  let redis: Redis;
  let keys: RedisKeys;
  let queue: Queue;
  let digests: BullAlertDigestScheduler;
  let worker: Worker | undefined;
  let connections: Redis[];

  beforeEach(() => {
    redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
    connections = [redis.duplicate({ maxRetriesPerRequest: null }), redis.duplicate({ maxRetriesPerRequest: null })];
    keys = redisKeys(`t-${randomUUID().slice(0, 12)}`);
    queue = createQueue(QUEUE_NAMES.alertDigests, { connection: connections[0]!, prefix: keys.bullPrefix });
    digests = new BullAlertDigestScheduler(queue, redis, keys);
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.obliterate({ force: true });
    await queue.close();
    await deleteKeys(redis, `${keys.prefix}:*`);
    await Promise.all([redis, ...connections].map((connection) => connection.quit()));
  });

  it('a burst of requests for a service marks every alert and adds one job', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => digests.schedule('checkout', [`fp-${i}`])));
    await digests.schedule('payments', ['fp-p']);

    expect(await redis.scard(keys.alertsPending('checkout'))).toBe(50);
    expect((await redis.smembers(keys.alertsPendingServices())).sort()).toEqual(['checkout', 'payments']);
    const jobs = await queue.getJobs(['delayed', 'waiting']);
    expect(jobs.map((job) => job.id).sort()).toEqual([digestJobId('checkout'), digestJobId('payments')]);
    // The flag names a waiting job: the next request adds none.
    await queue.remove(digestJobId('checkout'));
    await digests.schedule('checkout', ['fp-late']);
    expect((await queue.getJobs(['delayed', 'waiting'])).map((job) => job.id)).toEqual([digestJobId('payments')]);
    // The sweeper's nudge adds it regardless (a process that died before adding its job).
    await digests.nudge('checkout');
    expect((await queue.getJobs(['delayed', 'waiting'])).map((job) => job.id).sort()).toEqual([digestJobId('checkout'), digestJobId('payments')]);
  });

  it('alerts marked while a digest runs (their job id still taken) are drained by a second run, without the sweeper', async () => {
    const drained: string[][] = [];
    let arriving = true;
    worker = startAlertDigestWorker({
      connection: connections[1]!,
      prefix: keys.bullPrefix,
      digests,
      logger: pino({ level: 'silent' }),
      digest: async (service) => {
        const batch = await digests.claim(service);
        if (!batch) return;
        drained.push(batch.fingerprints.sort());
        // A request comes in while this digest shows its batch: its job cannot be added.
        if (arriving) {
          arriving = false;
          await digests.schedule(service, ['fp-during']);
        }
        await digests.finish(service, batch);
      },
    });
    await digests.schedule('checkout', ['fp-1', 'fp-2']);

    await until(async () => drained.length === 2);
    expect(drained).toEqual([['fp-1', 'fp-2'], ['fp-during']]);
    await until(async () => (await redis.scard(keys.alertsPending('checkout'))) === 0 && (await redis.exists(keys.alertsDigestQueued('checkout'))) === 0);
    expect(await digests.pendingServices()).toEqual([]);
  });
});
