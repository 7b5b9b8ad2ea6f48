import { randomUUID } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { redisKeys } from '../../../src/lib/keys';
import { connectRedis, type RedisClient } from '../../../src/lib/redis-connection';
import { startRedisCluster, type RedisClusterHandle } from '../../helpers/redis-cluster';
import { storeScenarios } from '../../helpers/store-scenarios';

/**
 * The stores' flows on a real three-master Redis Cluster: a script, MULTI or multi-key command whose
 * keys span slots fails there (CROSSSLOT), as does a pipeline spanning nodes in ioredis. And the
 * hash tags spread the work: incidents and services land on more than one master.
 */
let cluster: RedisClusterHandle;
let redis: RedisClient;
const keys = redisKeys(`t-${randomUUID()}`);

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  redis = connectRedis(cluster.target, 'commands');
}, 90_000);

afterAll(async () => {
  await redis?.quit();
  await cluster?.stop();
});

// The names only here: the client exists once beforeAll has started the cluster.
for (const name of Object.keys(storeScenarios(undefined as never, keys))) {
  test(`${name} on the cluster`, () => storeScenarios(redis, keys)[name]!());
}

test('one incident, one service: each in one slot; many of them: over every master', async () => {
  const incidentKeys = (id: string) => [keys.incident(id), keys.incidentTimeline(id), keys.incidentPublication(id), keys.escalation(id), keys.drill(id, 'ticked')];
  const serviceKeys = (s: string) => [keys.alertsByService(s), keys.alertsPending(s), keys.deploysByService(s, 'production'), keys.guard(s), keys.metricSamples(s, 'production', 'errorRate')];
  for (const group of [incidentKeys('INC-7'), serviceKeys('checkout')]) expect(new Set(group.map((key) => calculateSlot(key))).size).toBe(1);

  const mastersOf = async (slots: number[]) => new Set(await Promise.all(slots.map((slot) => cluster.masterOf(slot))));
  const ids = Array.from({ length: 12 }, (_, i) => `INC-${i + 1}`);
  const services = ['checkout', 'payments', 'search', 'auth', 'cart', 'shipping', 'catalog', 'email', 'billing', 'inventory'];
  expect((await mastersOf(ids.map((id) => calculateSlot(keys.incident(id))))).size).toBe(3);
  expect((await mastersOf(services.map((s) => calculateSlot(keys.alertsByService(s))))).size).toBe(3);
});

test('the keys the scenarios stored are spread over the masters', async () => {
  const perMaster: number[] = [];
  for (const { port } of await cluster.masters()) {
    const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    await node.connect();
    let cursor = '0';
    let count = 0;
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', `${keys.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      count += found.length;
    } while (cursor !== '0');
    perMaster.push(count);
    node.disconnect();
  }
  expect(perMaster.reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
  expect(perMaster.filter((count) => count > 0).length).toBe(3);
});
