import { Cluster, Redis } from 'ioredis';
import { connectRedis } from '../../../src/lib/redis-connection';
import { deleteKeys } from '../../helpers/redis';
import { startRedisCluster, type RedisClusterHandle } from '../../helpers/redis-cluster';
import { info } from '../../helpers/redis-processes';
import { startRedisSentinel, type RedisSentinelHandle } from '../../helpers/redis-sentinel';

/** The test infrastructure itself: a real cluster and a real Sentinel set, reached through connectRedis. */
describe('a real Redis Cluster (3 masters, 3 replicas)', () => {
  let cluster: RedisClusterHandle;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
    client = connectRedis(cluster.target, 'commands') as Cluster;
    client.on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('is a Cluster connection whose keys spread over three masters', async () => {
    expect(client).toBeInstanceOf(Cluster);
    expect(await cluster.masters()).toHaveLength(3);
    const keys = Array.from({ length: 30 }, (_, i) => `infra:key-${i}`);
    for (const key of keys) await client.set(key, key);
    const holders = new Set<number>();
    for (const key of keys) holders.add(await cluster.masterOf(Number(await client.cluster('KEYSLOT', key))));
    expect(holders.size).toBe(3);
    await deleteKeys(client, 'infra:*');
    expect(await Promise.all(keys.map((k) => client.exists(k)))).toEqual(keys.map(() => 0));
  });

  it('a killed master is replaced by its replica and the data is still there', async () => {
    await client.set('{infra}:survivor', 'yes');
    const slot = Number(await client.cluster('KEYSLOT', '{infra}:survivor'));
    const master = await cluster.masterOf(slot);
    const replica = await cluster.replicaOf(master);
    // Replication is asynchronous: wait for the replica to have the write before pulling the plug.
    const node = new Redis({ host: '127.0.0.1', port: master });
    expect(await node.wait(1, 5_000)).toBe(1);
    node.disconnect();
    await cluster.nodes.find((n) => n.port === master)!.kill();
    await cluster.waitHealthy(30_000);
    expect(await cluster.masterOf(slot)).toBe(replica);
    expect((await info(replica, 'replication')).role).toBe('master');
    expect(await client.get('{infra}:survivor')).toBe('yes');
    await client.set('{infra}:after', 'written');
    expect(await client.get('{infra}:after')).toBe('written');
  }, 45_000);
});

describe('a real Sentinel set (master, replica, one Sentinel)', () => {
  let sentinel: RedisSentinelHandle;
  let client: Redis;

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    client = connectRedis(sentinel.target, 'commands') as Redis;
    client.on('error', () => undefined); // while the master is down: reconnecting, expected
  }, 60_000);

  afterAll(async () => {
    await client?.quit();
    await sentinel?.stop();
  });

  it('follows the master through SENTINEL FAILOVER and through a killed master', async () => {
    await client.set('infra:before', '1');
    expect(await client.wait(1, 5_000)).toBe(1);
    const first = await sentinel.failover('command');
    expect(first.to).not.toBe(first.from);
    expect(await client.get('infra:before')).toBe('1');
    await client.set('infra:between', '2');
    expect(await client.wait(1, 10_000)).toBe(1);
    const second = await sentinel.failover('kill');
    expect(second.to).toBe(first.from);
    expect(await client.get('infra:between')).toBe('2');
    await client.set('infra:after', '3');
    expect(await client.get('infra:after')).toBe('3');
  }, 60_000);
});
