import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { redisKeys } from '../../../src/lib/keys';
import { RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { waitFor } from '../../helpers/harness';
import { startRedisSentinel, type RedisSentinelHandle } from '../../helpers/redis-sentinel';
import { click, seedDeploy, seedIncident, serviceConfig, settled } from '../../helpers/remediation';
import { postWebhook } from '../../helpers/webhooks';
import { dmsTo, startBot, startIncident, type Bot } from '../escalation/helpers';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Post until accepted: while the master fails over the bot answers 503 so senders retry. */
async function postAlert(bot: Bot, name: string): Promise<void> {
  await waitFor(`alert ${name} accepted`, async () => (await postWebhook(bot.url, 'alert', { service: 'checkout', name, startsAt: minutesAgo(1) })).status === 202, 30_000);
}

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
    const config = serviceConfig().replace('{ after: 30m, notify: [U0LEAD] }', '{ after: 8s, notify: [U0LEAD] }');
    bot = await startBot({ config, redisTarget: sentinel.target });
    bot.slack.on('usergroups.users.list', () => ({ ok: true, users: ['U0ONCALL'] }));
    const keys = redisKeys(bot.prefix);
    await postAlert(bot, 'HighErrorRate');
    await waitFor('alert card', () => bot!.slack.postsTo('#checkout-alerts').length > 0);
    await startIncident(bot, { severity: 'P2' });
    await waitFor('level 1 DM', () => dmsTo(bot!.slack, 'U0ONCALL').length === 1);

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
    const deploy = await seedDeploy(bot);
    const incident = await seedIncident(bot);
    const calls = nock('https://deployer.test').post('/rollback').reply(200, { message: 'switched traffic back to blue' });
    const health = nock('https://checkout.test').get('/health').reply(200, 'ok').get('/ready').reply(200, 'ok');
    expect((await click(bot, { deploy, context: { kind: 'incident', id: incident.id } })).status).toBe(200);
    await settled(bot, remediationActionId('rollback', { kind: 'incident', id: incident.id }, deploy.id), 'succeeded', 20_000);
    expect(calls.isDone() && health.isDone()).toBe(true);
  }, 90_000);
});
