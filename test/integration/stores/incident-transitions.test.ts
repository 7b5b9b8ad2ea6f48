import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { IncidentEvent } from '../../../src/domain/incidents/events';
import { IncidentResolvedError } from '../../../src/domain/incidents/errors';
import { IncidentService, type StartIncidentInput } from '../../../src/domain/incidents/service';
import { systemClock } from '../../../src/lib/clock';
import { redisKeys, type RedisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { deleteKeys } from '../../helpers/redis';

/**
 * Several replicas (each its own Redis connection, store and service, one key prefix) changing one
 * incident at once: every transition is a compare-and-set, so none is lost and a resolved incident
 * never comes back open.
 */
const REPLICAS = 4;
const TRIALS = 20;

let connections: Redis[];
let keys: RedisKeys;
let events: IncidentEvent[];
let replicas: IncidentService[];

beforeAll(() => {
  connections = Array.from({ length: REPLICAS }, () => new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 }));
});

beforeEach(() => {
  keys = redisKeys(`t-${randomUUID()}`);
  events = [];
  const bus = { publish: async (event: IncidentEvent) => void events.push(structuredClone(event)) };
  replicas = connections.map((redis) => new IncidentService(new RedisIncidentStore(redis, keys), bus, systemClock));
});

afterEach(async () => {
  await deleteKeys(connections[0]!, `${keys.prefix}:*`);
});

afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
});

const startInput = (requestKey: string): StartIncidentInput => ({
  title: 'Checkout 500s',
  severity: 'P2',
  service: 'checkout',
  impact: 'errors',
  reporterId: 'U0REPORTER',
  requestKey,
});

const replica = (i: number) => replicas[i % REPLICAS]!;

test(`resolve racing severity P0, commander and two updates ends consistent (${TRIALS} trials)`, async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    const { incident } = await replica(trial).start(startInput(`trial-${trial}`));
    const id = incident.id;
    const update = { status: 'Identified' as const, actionTaken: 'rolled back', nextUpdate: 'soon' };
    const ops: { kind: string; run: () => Promise<unknown> }[] = [
      { kind: 'resolved', run: () => replica(trial).resolve(id, { rootCause: 'bad config', userImpact: 'errors', followUp: 'pm' }, 'U0A') },
      { kind: 'severity-changed', run: () => replica(trial + 1).setSeverity(id, 'P0', 'U0B') },
      { kind: 'commander-changed', run: () => replica(trial + 2).setCommander(id, 'U0NEWIC', 'U0C') },
      { kind: 'updated', run: () => replica(trial + 3).postUpdate(id, update, 'U0D') },
      { kind: 'updated', run: () => replica(trial + 1).postUpdate(id, update, 'U0E') },
    ];
    // Rotate the order so each transition gets to go first in some trials.
    const order = ops.map((_, i) => ops[(i + trial) % ops.length]!);
    const results = await Promise.allSettled(order.map((op) => op.run()));
    results.forEach((r) => {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(IncidentResolvedError);
    });
    const succeeded = order.filter((_, i) => results[i]!.status === 'fulfilled').map((op) => op.kind);
    const count = (kind: string) => succeeded.filter((k) => k === kind).length;

    const final = await replica(0).get(id);
    expect({ trial, status: final.status }).toEqual({ trial, status: 'resolved' });
    // No lost update: every change that answered success is in the stored document.
    expect(final.updateCount).toBe(count('updated'));
    expect(final.severity).toBe(count('severity-changed') === 1 ? 'P0' : 'P2');
    expect(final.commanderId).toBe(count('commander-changed') === 1 ? 'U0NEWIC' : 'U0REPORTER');
    expect(final.revision).toBe(succeeded.length);

    // One event per stored change, each with its own sequence, the resolution last.
    const mine = events.filter((e) => e.incident.id === id && e.type !== 'opened');
    expect(mine.map((e) => e.type).sort()).toEqual([...succeeded].sort());
    const sequences = mine.map((e) => ('sequence' in e ? e.sequence : -1)).sort((a, b) => a - b);
    expect(sequences).toEqual(succeeded.map((_, i) => i + 1));
    const resolved = mine.find((e) => e.type === 'resolved')!;
    expect('sequence' in resolved && resolved.sequence).toBe(final.revision);
    // The timeline has one entry per stored change.
    const timeline = await replica(0).timeline(id);
    expect(timeline.filter((t) => t.kind !== 'opened').map((t) => t.kind).sort()).toEqual(
      succeeded.map((k) => ({ resolved: 'resolved', 'severity-changed': 'severity', 'commander-changed': 'commander', updated: 'update' })[k]).sort(),
    );
  }
});

test('a resolved incident opens again only through reopen, once however many replicas ask', async () => {
  const { incident } = await replica(0).start(startInput('reopen'));
  await replica(1).resolve(incident.id, { rootCause: 'x', userImpact: 'y', followUp: 'z' }, 'U0A');
  const results = await Promise.allSettled(replicas.map((r) => r.reopen(incident.id, 'U0B')));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect((await replica(0).get(incident.id)).status).toBe('open');
  expect(events.filter((e) => e.type === 'reopened')).toHaveLength(1);
});

test('creating an incident is exactly once across replicas: one number, one channel name, one document', async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    const requestKey = `same-request-${trial}`;
    const results = await Promise.all(replicas.map((r) => r.start(startInput(requestKey))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.incident.channelName)).size).toBe(1);
  }
  // Nothing spent on the losers: numbers 1…TRIALS, one channel name and one document each.
  const redis = connections[0]!;
  expect(Number(await redis.get(keys.incidentSequence()))).toBe(TRIALS);
  expect(await redis.hlen(keys.channelNames())).toBe(TRIALS);
  expect(await redis.zcard(keys.incidentsAll())).toBe(TRIALS);
  const all = await replica(0).list('all', 100);
  expect(all.map((i) => i.number).sort((a, b) => a - b)).toEqual(Array.from({ length: TRIALS }, (_, i) => i + 1));
  for (const incident of all) expect((await replica(0).timeline(incident.id)).filter((t) => t.kind === 'opened')).toHaveLength(1);
});
