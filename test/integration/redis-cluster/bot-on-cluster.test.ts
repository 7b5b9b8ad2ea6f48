import nock from 'nock';
import { QUEUE_NAMES, queuePrefix } from '../../../src/outbound/jobs/queues';
import { redisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { waitFor } from '../../helpers/harness';
import { startRedisCluster, type RedisClusterHandle } from '../../helpers/redis-cluster';
import { seedIncident } from '../../helpers/remediation';
import { dmsTo, startBot, type Bot } from '../escalation/helpers';
import { levelTwoAfter, openIncidentFromAlert, postAlert, rollback } from './helpers';
import type { Cluster } from 'ioredis';

describe('the bot on a real Redis Cluster (3 masters, each with a replica)', () => {
  let cluster: RedisClusterHandle;
  let bot: Bot | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
  }, 60_000);
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
    nock.cleanAll();
  });
  afterAll(() => cluster?.stop());

  it('takes an alert, opens an incident, fires a delayed timer and runs a rollback job; queues spread over the masters', async () => {
    bot = await startBot({ config: levelTwoAfter('1500ms'), redisTarget: cluster.target });
    await openIncidentFromAlert(bot);
    await waitFor('level 2 DM (the delayed timer fired)', () => dmsTo(bot!.slack, 'U0LEAD').length === 1);

    const incident = await seedIncident(bot);
    await rollback(bot, incident.id);

    // Each queue's keys share one slot (its hash tag), and the queues do not all share one.
    const settings = { prefix: redisKeys(bot.prefix).bullPrefix, hashTags: true };
    const redis = bot.redis as Cluster;
    const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
    const slots = new Map<string, number>();
    for (const name of Object.values(QUEUE_NAMES)) {
      const prefix = queuePrefix(name, settings);
      const [wait, delayed, meta] = await Promise.all(['wait', 'delayed', 'meta'].map((part) => slotOf(`${prefix}:${name}:${part}`)));
      expect(new Set([wait, delayed, meta]).size).toBe(1);
      slots.set(name, wait!);
    }
    const masters = new Set(await Promise.all([...slots.values()].map((slot) => cluster.masterOf(slot))));
    expect(new Set(slots.values()).size).toBe(Object.values(QUEUE_NAMES).length);
    expect(masters.size).toBeGreaterThan(1);
    // And the jobs really are there: the timers queue's keys on the master of its slot.
    expect(await redis.exists(`${queuePrefix(QUEUE_NAMES.timers, settings)}:timers:meta`)).toBe(1);
  }, 60_000);

  it('a master killed mid-incident: its replica takes over, no incident, alert, job or timer is lost', async () => {
    bot = await startBot({ config: levelTwoAfter('6s'), redisTarget: cluster.target });
    const keys = redisKeys(bot.prefix);
    await openIncidentFromAlert(bot);
    const incidents = new RedisIncidentStore(bot.redis, keys);
    const before = await incidents.get('INC-1');
    expect(before?.status).toBe('open');

    // Kill the master holding the timers queue (the level-2 timer is a delayed job there), once its
    // replica has every write (replication is asynchronous: see the README).
    const timersSlot = Number(await (bot.redis as Cluster).cluster('KEYSLOT', `${queuePrefix(QUEUE_NAMES.timers, { prefix: keys.bullPrefix, hashTags: true })}:timers:delayed`));
    const victim = await cluster.masterOf(timersSlot);
    const replica = await cluster.replicaOf(victim);
    await cluster.waitReplicated();
    await cluster.nodes.find((n) => n.port === victim)!.kill();

    await postAlert(bot, 'LatencyHigh');
    await cluster.waitHealthy(30_000);
    expect(await cluster.masterOf(timersSlot)).toBe(replica);

    await waitFor('level 2 DM: the timer survived the failover', () => dmsTo(bot!.slack, 'U0LEAD').length === 1, 20_000);
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(1);
    expect((await incidents.get('INC-1'))?.status).toBe('open');
    const alerts = new RedisAlertStore(bot.redis, keys);
    await waitFor('both alerts stored', async () => (await alerts.recent('checkout')).length === 2, 20_000);
    const next = await seedIncident(bot);
    await rollback(bot, next.id);
  }, 90_000);
});
