import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { IncidentEvent } from '../../../src/domain/incidents/events';
import { IncidentService, type StartIncidentInput } from '../../../src/domain/incidents/service';
import { systemClock } from '../../../src/lib/clock';
import { redisKeys, type RedisKeys } from '../../../src/lib/keys';
import { CLAIM_INCIDENT, INDEX_INCIDENT } from '../../../src/outbound/store/incident-scripts';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { deleteKeys } from '../../helpers/redis';

/**
 * For Redis Cluster an incident change is several atomic steps in two slots (the claim and the
 * indexes in `{incidents}`, the document in `{incident:ID}`). A replica that stops between them
 * leaves work the next caller completes, and index steps that cross never leave an older state.
 */
let redis: Redis;
let keys: RedisKeys;
let store: RedisIncidentStore;
let service: IncidentService;
let events: IncidentEvent[];

const input = (requestKey: string, service = 'checkout'): StartIncidentInput => ({
  title: 'Checkout 500s',
  severity: 'P2',
  service,
  impact: 'errors',
  reporterId: 'U0REPORTER',
  requestKey,
});

beforeAll(() => {
  redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
});

beforeEach(() => {
  keys = redisKeys(`t-${randomUUID()}`);
  events = [];
  store = new RedisIncidentStore(redis, keys);
  service = new IncidentService(store, { publish: async (event) => void events.push(event) }, systemClock);
});

afterEach(async () => {
  await deleteKeys(redis, `${keys.prefix}:*`);
});

afterAll(async () => {
  await redis.quit();
});

test('a request claimed by a replica that stopped before writing the incident is completed by the next try, once', async () => {
  // The first step alone, as a replica that died right after it would leave it.
  const document = { title: 'Checkout 500s', severity: 'P2', service: 'checkout', status: 'open', workStatus: 'Investigating', reporterId: 'U0REPORTER', commanderId: 'U0REPORTER', impact: 'errors', createdAt: new Date().toISOString(), updateCount: 0, revision: 0 };
  const opened = { at: new Date().toISOString(), author: 'U0REPORTER', kind: 'opened', text: 'Incident opened' };
  await redis.eval(CLAIM_INCIDENT, 3, keys.incidentRequest('r1'), keys.incidentSequence(), keys.channelNames(), 60, 'open', JSON.stringify(document), JSON.stringify(opened), '', 'inc-checkout');
  expect(await store.findByRequestKey('r1')).toBeUndefined();
  expect(await store.list({ status: 'open' })).toEqual([]);

  const results = await Promise.all([service.start(input('r1')), service.start(input('r1'))]);
  expect(results.filter((r) => r.created)).toHaveLength(1);
  const incident = results[0]!.incident;
  expect(incident).toMatchObject({ id: 'INC-1', number: 1, channelName: 'inc-checkout', status: 'open' });
  expect(Number(await redis.get(keys.incidentSequence()))).toBe(1);
  expect((await store.timeline('INC-1')).filter((t) => t.kind === 'opened')).toHaveLength(1);
  expect((await store.list({ status: 'open' })).map((i) => i.id)).toEqual(['INC-1']);
  expect((await store.openForService('checkout'))?.id).toBe('INC-1');
});

test('indexes follow the newest revision whatever order replicas index in', async () => {
  const { incident } = await service.start(input('r1'));
  const resolved = await service.resolve(incident.id, { rootCause: 'x', userImpact: 'y', followUp: 'z' }, 'U0A');
  expect(resolved.status).toBe('resolved');
  // A replica slow to index revision 0 (open) arrives after revision 1 (resolved) was indexed: no effect.
  const indexKeys = [keys.incidentIndexed(), keys.incidentsAll(), keys.incidentsOpen(), keys.incidentOpenForService()];
  expect(await redis.eval(INDEX_INCIDENT, 4, ...indexKeys, incident.id, 0, Date.parse(incident.createdAt), 'open', 'checkout')).toBe(0);
  expect(await redis.zcard(keys.incidentsOpen())).toBe(0);
  expect(await redis.hget(keys.incidentOpenForService(), 'checkout')).toBeNull();

  await service.reopen(incident.id, 'U0B');
  expect((await store.list({ status: 'open' })).map((i) => i.id)).toEqual([incident.id]);
  expect((await store.openForService('checkout'))?.id).toBe(incident.id);
});

test('an index entry behind its document is not taken for an open incident, and reading repairs it', async () => {
  const { incident } = await service.start(input('r1'));
  const other = (await service.start(input('r2', 'payments'))).incident;
  // Both documents resolved, their index steps not yet run (the replica stopped between the two).
  for (const id of [incident.id, other.id]) {
    const raw = JSON.parse((await redis.get(keys.incident(id)))!) as Record<string, unknown>;
    await redis.set(keys.incident(id), JSON.stringify({ ...raw, status: 'resolved', revision: 1 }));
  }
  expect(await redis.hget(keys.incidentOpenForService(), 'checkout')).toBe(incident.id);
  expect(await store.openForService('checkout')).toBeUndefined();
  // Reading repaired the index: the step the stopped replica left undone is done.
  expect(await redis.hget(keys.incidentOpenForService(), 'checkout')).toBeNull();
  expect(await redis.zrange(keys.incidentsOpen(), 0, -1)).toEqual([other.id]);
  expect(await store.list({ status: 'open' })).toEqual([]);
  expect(await redis.zcard(keys.incidentsOpen())).toBe(0);
  expect(await redis.hget(keys.incidentOpenForService(), 'payments')).toBeNull();
});
