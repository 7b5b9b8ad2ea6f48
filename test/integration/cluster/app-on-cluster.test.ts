import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { startRedisCluster, type RedisClusterHandle } from '../../helpers/redis-cluster';
import { alertmanagerGroup, postWebhook, recentFixture } from '../../helpers/webhooks';

/**
 * The whole bot on a real three-master Redis Cluster, through its HTTP and Slack surfaces: a deploy,
 * an alert card naming it, an incident opened from Slack, alerts attached to its thread. Any
 * script, transaction or pipeline on the way that spans slots fails here (CROSSSLOT).
 */
const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    dependsOn: [payments]
  payments:
    channel: "#payments-alerts"
`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

let cluster: RedisClusterHandle;
let h: Harness;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  h = await startHarness({ config: CONFIG, redisTarget: cluster.target });
}, 90_000);

afterAll(async () => {
  await h?.close();
  await cluster?.stop();
});

test('deploy, alert card, incident from Slack, alerts in its thread', async () => {
  const deploy = await postWebhook(h.url, 'deploy', { ...recentFixture('deploy/blue-green-succeeded.json'), service: 'payments', version: 'v9', previousVersion: 'v8', timestamp: minutesAgo(50) });
  expect(deploy.status).toBe(202);
  await postWebhook(h.url, 'alert', { service: 'checkout', name: 'Errors', severity: 'critical', status: 'firing', startsAt: minutesAgo(1) });
  await waitFor('checkout card', () => h.slack.postsTo('#checkout-alerts').length === 1, 20_000);
  expect(h.slack.postsTo('#checkout-alerts')[0]).toContain('Possible suspect');

  const channel = await startIncidentViaSlack(h, { title: 'Checkout errors', service: 'checkout' });
  const group = (n: number, status: 'firing' | 'resolved' = 'firing') =>
    alertmanagerGroup('checkout', [{ name: 'HighErrorRate', fingerprint: `fp-cluster-${n}`, startsAt: minutesAgo(1), status }]);
  expect((await postWebhook(h.url, 'alertmanager', group(1))).status).toBe(202);
  await waitFor('thread message', () => h.slack.postsTo(channel).some((p) => p.includes('HighErrorRate')), 20_000);
  await postWebhook(h.url, 'alertmanager', group(2));
  await postWebhook(h.url, 'alertmanager', group(1, 'resolved'));
  await waitFor('thread message updated', () => h.slack.called('chat.update').some((c) => JSON.stringify(c.body).includes('1 firing, 1 resolved')), 20_000);
  expect(h.slack.postsTo('#checkout-alerts')).toHaveLength(1);
  const timeline = async () => (await h.redis.lrange(`${h.prefix}:{incident:INC-1}:timeline`, 0, -1)).join('\n');
  await waitFor('resolution on the timeline', async () => (await timeline()).includes('1 resolved (HighErrorRate)'), 20_000);
}, 90_000);
