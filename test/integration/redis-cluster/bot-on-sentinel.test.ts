import nock from 'nock';
import { redisKeys } from '../../../src/lib/keys';
import { RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { waitFor } from '../../helpers/harness';
import { startRedisSentinel, type RedisSentinelHandle } from '../../helpers/redis-sentinel';
import { seedIncident } from '../../helpers/remediation';
import { dmsTo, startBot, type Bot } from '../escalation/helpers';
import { levelTwoAfter, openIncidentFromAlert, postAlert, rollback } from './helpers';

describe('the bot on Redis Sentinel (a master, a replica, one Sentinel)', () => {
  let sentinel: RedisSentinelHandle;
  let bot: Bot | undefined;

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
    nock.cleanAll();
    await sentinel?.stop();
  });

  it('keeps working through a killed master: the replica is promoted, no incident, alert, timer or job lost', async () => {
    bot = await startBot({ config: levelTwoAfter('8s'), redisTarget: sentinel.target });
    const keys = redisKeys(bot.prefix);
    await openIncidentFromAlert(bot);

    // Replication is asynchronous: a write the replica has not got dies with the master (see the README).
    await waitFor('replica in sync', async () => (await bot!.redis.wait(1, 1000)) === 1);
    const { from, to } = await sentinel.failover('kill');
    expect(to).not.toBe(from);

    await postAlert(bot, 'LatencyHigh');
    await waitFor('level 2 DM: the timer survived the failover', () => dmsTo(bot!.slack, 'U0LEAD').length === 1, 30_000);
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(1);
    expect((await new RedisIncidentStore(bot.redis, keys).get('INC-1'))?.status).toBe('open');
    await waitFor('both alerts stored', async () => (await new RedisAlertStore(bot!.redis, keys).recent('checkout')).length === 2, 20_000);

    // A rollback clicked after the failover runs on the new master.
    const incident = await seedIncident(bot);
    await rollback(bot, incident.id);
  }, 90_000);
});
