/**
 * Timers at scale: 10,000 open incidents, each with its pending escalation timers (three levels and
 * an update reminder), then one timer per incident brought due within a few seconds and fired
 * through the real path (re-read the incident and its ladder, guard each step, timeline entry,
 * schedule the reminder) with Slack stubbed out. Prints firing lateness p50/p99 and Redis memory
 * per incident, against bare BullMQ delayed jobs (no-op processor) measured in the same run.
 *
 *   npm run bench -- timers            (REDIS_URL to use a running Redis; otherwise a local one)
 *   BENCH_INCIDENTS=2000 BENCH_WINDOW_MS=10000 npm run bench -- timers   (fewer, or spread wider)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadContent } from '../src/content';
import type { EscalationNotifier } from '../src/domain/escalation/ports';
import { EscalationService } from '../src/domain/escalation/service';
import type { Timer } from '../src/domain/escalation/timers';
import type { Incident } from '../src/domain/incidents/model';
import { IncidentService } from '../src/domain/incidents/service';
import { startTimerWorker } from '../src/inbound/workers/timers';
import { systemClock } from '../src/lib/clock';
import { redisKeys } from '../src/lib/keys';
import { createLogger } from '../src/lib/logger';
import { startLocalRedis, type LocalRedis } from '../src/lib/redis-server';
import { createQueue, QUEUE_NAMES } from '../src/outbound/jobs/queues';
import { BullTimerScheduler } from '../src/outbound/jobs/timers';
import { RedisEscalationStore } from '../src/outbound/store/escalation-store';
import { RedisIncidentStore } from '../src/outbound/store/incident-store';
import { deleteKeys } from '../test/helpers/redis';
import { percentile } from './stats';

const MIN = 60_000;
/** Timers come due from this long after scheduling ends, spread over WINDOW_MS. */
const LEAD_MS = 3000;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3000);
const PARALLEL = 200;

const silentNotifier: EscalationNotifier = {
  expand: async (targets) => targets,
  directMessage: async () => undefined,
  escalationLine: async () => undefined,
  acknowledged: async () => undefined,
  updateReminder: async () => undefined,
  postmortem: async () => undefined,
  invite: async () => undefined,
};

async function inParallel<T>(items: T[], run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
}

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Bare BullMQ: N delayed jobs with the same due spread, a no-op processor. */
async function bare(url: string, redis: Redis, n: number) {
  const prefix = `bench-bare-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection, prefix });
  const before = await usedMemory(redis);
  const start = Date.now() + 60_000; // placeholder, set below once adding is done
  const dueAt = Array.from({ length: n }, (_, i) => start + (i / n) * WINDOW_MS);
  const t0 = Date.now();
  await inParallel(dueAt, async (_due, i) => {
    await queue.add('t', { i }, { jobId: `bare-${i}`, delay: 60_000 + (i / n) * WINDOW_MS, removeOnComplete: { age: 3600 } });
  });
  const addMs = Date.now() - t0;
  const perJob = ((await usedMemory(redis)) - before) / n;
  // Bring each due time forward (what a reschedule does), then fire with a no-op processor.
  const base = Date.now() + LEAD_MS + n / 10; // rescheduling takes ~n/10 ms at most here
  await inParallel(dueAt, async (_due, i) => {
    dueAt[i] = base + (i / n) * WINDOW_MS;
    const job = await queue.getJob(`bare-${i}`);
    await job?.changeDelay(dueAt[i]! - Date.now());
  });
  const late: number[] = [];
  const worker = new Worker('bare', async (job) => void late.push(Date.now() - dueAt[(job.data as { i: number }).i]!), { connection, prefix, concurrency: 16 });
  await waitUntil(() => late.length >= n, base + WINDOW_MS + 60_000 - Date.now());
  await worker.close();
  await queue.close();
  await connection.quit();
  await deleteKeys(redis, `${prefix}:*`);
  return { addMs, perJob, late };
}

async function firebreak(url: string, redis: Redis, n: number) {
  const keys = redisKeys(`bench-fb-${randomUUID().slice(0, 8)}`);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const settings = { connection, prefix: keys.bullPrefix };
  const queue = createQueue(QUEUE_NAMES.timers, settings);
  const repository = new RedisIncidentStore(redis, keys);
  const incidents = new IncidentService(repository, { publish: async () => undefined }, systemClock);
  const scheduler = new BullTimerScheduler(queue, redis, keys, systemClock);
  const escalation = new EscalationService({
    incidents,
    store: new RedisEscalationStore(redis, keys),
    scheduler,
    notifier: silentNotifier,
    services: {
      bench: {
        escalation: [
          { after: 5 * MIN, notify: ['U0ONCALL'] },
          { after: 30 * MIN, notify: ['U0LEAD'] },
          { after: 60 * MIN, notify: ['U0CTO'] },
        ],
        updateEvery: 20 * MIN,
      },
    },
    defaults: loadContent().policy,
    clock: systemClock,
  });

  const ids = Array.from({ length: n }, (_, i) => `INC-${i + 1}`);
  const before = await usedMemory(redis);
  const t0 = Date.now();
  await inParallel(ids, async (id, i) => {
    const incident: Incident = {
      id, number: i + 1, title: `Bench incident ${i + 1}`, severity: 'P2', service: 'bench', impact: 'bench', status: 'open',
      workStatus: 'Investigating', reporterId: 'U0REP', commanderId: 'U0IC', createdAt: new Date().toISOString(), updateCount: 0,
      revision: 0, channelName: `inc-bench-${i + 1}`, channelId: `C0B${i + 1}`, publication: { invited: true, topicSet: true, pinned: true },
    };
    await repository.createOnce(incident, `bench-${id}`);
    await escalation.handle({ type: 'opened', incident });
  });
  const scheduleMs = Date.now() - t0;
  const perIncident = ((await usedMemory(redis)) - before) / n;
  const pending = await redis.zcard(`${keys.bullPrefix}:${QUEUE_NAMES.timers}:delayed`);

  // Level 1 of every incident brought forward (Escalate now) to a due time within the window.
  const base = Date.now() + LEAD_MS + n / 5;
  const t1 = Date.now();
  await inParallel(ids, async (id, i) => {
    const dueAt = new Date(base + (i / n) * WINDOW_MS).toISOString();
    await scheduler.schedule({ kind: 'escalation', incidentId: id, epoch: 0, level: 1, round: 0, escalatedBy: 'U0BENCH', dueAt });
  });
  const rescheduleMs = Date.now() - t1;
  if (Date.now() > base) console.warn(`  (rescheduling overran the lead time by ${Date.now() - base} ms: lateness includes it)`);

  const late: number[] = [];
  const done: number[] = [];
  const worker = startTimerWorker({
    ...settings,
    logger: createLogger('silent'),
    handler: {
      fire: async (timer: Timer) => {
        const due = Date.parse(timer.dueAt);
        if (timer.kind === 'escalation' && timer.level === 1 && timer.round === 0) late.push(Date.now() - due);
        const result = await escalation.fire(timer);
        if (timer.kind === 'escalation' && timer.level === 1 && timer.round === 0) done.push(Date.now() - due);
        return result;
      },
    },
  });
  await waitUntil(() => done.length >= n, base + WINDOW_MS + 60_000 - Date.now());
  await worker.close();
  await queue.close();
  await connection.quit();
  await deleteKeys(redis, `${keys.prefix}:*`);
  return { scheduleMs, rescheduleMs, perIncident, pending, late, done };
}

export async function run(): Promise<void> {
  const n = Number(process.env.BENCH_INCIDENTS ?? 10_000);
  let local: LocalRedis | undefined;
  let dir: string | undefined;
  let url = process.env.REDIS_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-redis-'));
    local = await startLocalRedis({ dir });
    url = local.url;
  }
  const redis = new Redis(url);
  try {
    console.log(`timers: ${n} incidents, due over ${WINDOW_MS / 1000} s (Redis ${url})`);
    const b = await bare(url, redis, n);
    const f = await firebreak(url, redis, n);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const row = (name: string, values: number[]) => `${ms(percentile(values, 50))} p50, ${ms(percentile(values, 99))} p99, ${ms(Math.max(...values))} max`;
    console.log(`  bare BullMQ, no-op processor : lateness ${row('', b.late)}; ${b.perJob.toFixed(0)} B per delayed job; add ${ms(b.addMs)}`);
    console.log(`  firebreak, fire started      : lateness ${row('', f.late)}`);
    console.log(`  firebreak, fire finished     : lateness ${row('', f.done)}`);
    console.log(`  firebreak memory             : ${(f.perIncident / 1024).toFixed(2)} KiB per open incident (incident + ladder + ${(f.pending / n).toFixed(1)} pending timers)`);
    console.log(`  firebreak scheduling         : ${ms(f.scheduleMs)} for ${n} incidents (${((f.scheduleMs * 1000) / n).toFixed(0)} µs each); rescheduling ${ms(f.rescheduleMs)}`);
    const ratio = (a: number, c: number) => (c > 0 ? `${(a / c).toFixed(2)}×` : 'n/a');
    console.log(`  ratio to bare (p99 lateness)  : ${ratio(percentile(f.late, 99), percentile(b.late, 99))}; fired ${f.done.length}/${n} (${Math.round(n / (WINDOW_MS / 1000))}/s due); aim p99 < 1000 ms`);
  } finally {
    await redis.quit();
    await local?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
