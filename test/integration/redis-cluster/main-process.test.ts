import { freePort } from '../../../src/lib/redis-server';
import { runMain } from '../../helpers/child-env';
import { waitFor } from '../../helpers/harness';
import { startRedisCluster, type RedisClusterHandle } from '../../helpers/redis-cluster';
import { postWebhook } from '../../helpers/webhooks';



describe('main.ts with REDIS_CLUSTER_NODES / REDIS_SENTINELS', () => {
  it('a bad node list stops the start naming the key', async () => {
    const bot = runMain({ REDIS_CLUSTER_NODES: 'redis-0:7000,redis-1', PORT: '0' });
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('REDIS_CLUSTER_NODES: must be host:port pairs');
  });

  it('two ways to reach Redis at once stop the start', async () => {
    const bot = runMain({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'm', PORT: '0' });
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('REDIS_SENTINELS: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS');
  });

  describe('on a real cluster', () => {
    let cluster: RedisClusterHandle;
    beforeAll(async () => {
      cluster = await startRedisCluster({ masters: 3 });
    }, 60_000);
    afterAll(() => cluster?.stop());

    it('starts no redis-server of its own, is ready, stores an alert, and stops cleanly', async () => {
      const port = await freePort();
      const nodes = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).slice(0, 1).join(',');
      const bot = runMain({
        REDIS_CLUSTER_NODES: nodes, PORT: String(port), LOG_LEVEL: 'info', FIREBREAK_SANDBOX: '0', FIREBREAK_DRAIN_SECONDS: '0',
        WEBHOOK_TOKEN: 'tok', FIREBREAK_REDIS_PREFIX: `proc${port}`,
      });
      try {
        await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000);
        expect(bot.output()).toContain('Redis: Redis Cluster 127.0.0.1:');
        expect(bot.output()).not.toContain('started a local redis-server');
        const answer = await postWebhook(`http://127.0.0.1:${port}`, 'alert', { service: 'checkout', name: 'X', startsAt: new Date().toISOString() }, { 'Content-Type': 'application/json', Authorization: 'Bearer tok' });
        expect(answer.status).toBe(202);
      } finally {
        bot.child.kill('SIGTERM');
        expect(await bot.exited).toBe(0);
      }
    }, 60_000);
  });
});
