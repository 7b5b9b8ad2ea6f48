import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../../../src/lib/redis-server';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { redisKeys } from '../../../src/lib/keys';
import { RedisDeployStore } from '../../../src/outbound/store/deploy-store';
import { alertmanagerGroup, fixture, githubHeaders, postWebhook, recentFixture } from '../../helpers/webhooks';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    dependsOn: [payments]
  payments:
    channel: "#payments-alerts"
`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('webhooks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  const storedKeys = async () => h.redis.keys(`${h.prefix}:*deploy*`).then((k) => k.concat());

  it('refuses missing and wrong credentials with 401, storing nothing', async () => {
    const deploy = recentFixture('deploy/blue-green-succeeded.json');
    expect((await postWebhook(h.url, 'deploy', deploy, { 'Content-Type': 'application/json' })).status).toBe(401);
    expect((await postWebhook(h.url, 'alertmanager', deploy, { 'Content-Type': 'application/json', Authorization: 'Bearer nope' })).status).toBe(401);
    const raw = JSON.stringify(recentFixture('github/deployment-status-success.json'));
    expect((await postWebhook(h.url, 'github', raw, githubHeaders(raw, 'deployment_status', 'd-1', 'wrong-secret'))).status).toBe(401);
    expect(await storedKeys()).toEqual([]);
  });

  it('answers invalid bodies with 400, every issue with its path, and stores nothing', async () => {
    const bad = { ...recentFixture('deploy/blue-green-succeeded.json'), strategy: 'yolo', version: 42 };
    const answer = await postWebhook(h.url, 'deploy', bad);
    expect(answer.status).toBe(400);
    const paths = (answer.json.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['strategy', 'version']));
    const group = fixture<{ alerts: { labels: Record<string, string> }[] }>('alertmanager/alert-without-service.json');
    for (const alert of group.alerts) delete alert.labels.service, delete alert.labels.app;
    const noService = await postWebhook(h.url, 'alertmanager', group);
    expect(noService.status).toBe(400);
    expect(noService.json.issues).toEqual([0, 1, 2, 3].map((i) => ({ path: `alerts.${i}`, message: expect.stringContaining('no service') })));
    const notJson = await postWebhook(h.url, 'alert', '{"service": ');
    expect(notJson.status).toBe(400);
    expect(await h.redis.keys(`${h.prefix}:*`)).toEqual(expect.not.arrayContaining([expect.stringContaining(':deploy')]));
    expect(await h.redis.keys(`${h.prefix}:*:alert:*`)).toEqual([]);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const huge = { ...fixture('alert/high-error-rate.json'), summary: 'x'.repeat(1024 * 1024 + 10) };
    expect((await postWebhook(h.url, 'alert', huge)).status).toBe(413);
  });

  it('stores a deploy once: a resend gets 202 with the same id', async () => {
    const deploy = recentFixture('deploy/blue-green-succeeded.json');
    const first = await postWebhook(h.url, 'deploy', deploy);
    const again = await postWebhook(h.url, 'deploy', deploy);
    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 202, json: { id: first.json.id, duplicate: true } });
    // Stored, and findable where correlation looks for it.
    const stored = await new RedisDeployStore(h.redis, redisKeys(h.prefix)).latest('checkout', 'production');
    expect(stored).toMatchObject({ id: first.json.id, version: (deploy as { version: string }).version });
  });

  it('takes GitHub deployment_status (signed, redelivery deduplicated), answers ping and ignores other events', async () => {
    const raw = JSON.stringify(recentFixture('github/deployment-status-success.json'));
    const first = await postWebhook(h.url, 'github', raw, githubHeaders(raw, 'deployment_status', 'delivery-1'));
    expect(first.status).toBe(202);
    const redelivered = await postWebhook(h.url, 'github', raw, githubHeaders(raw, 'deployment_status', 'delivery-1'));
    expect(redelivered.json.id).toBe(first.json.id);
    expect(await new RedisDeployStore(h.redis, redisKeys(h.prefix)).get(String(first.json.id))).toMatchObject({ source: 'github' });
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(await postWebhook(h.url, 'github', ping, githubHeaders(ping, 'ping', 'delivery-2'))).toEqual({ status: 200, json: { ok: true, zen: 'Keep it logically awesome.' } });
    const push = JSON.stringify({ ref: 'refs/heads/main' });
    expect((await postWebhook(h.url, 'github', push, githubHeaders(push, 'push', 'delivery-3'))).json).toEqual({ ignored: 'push' });
  });

  it('posts one alert card with the verdict and buttons; a resend posts nothing new', async () => {
    const deploy = { ...recentFixture('deploy/blue-green-succeeded.json'), timestamp: minutesAgo(12) };
    expect((await postWebhook(h.url, 'deploy', deploy)).status).toBe(202);
    const group = alertmanagerGroup('checkout', [{ name: 'HighErrorRate', fingerprint: 'fp-checkout-1', startsAt: minutesAgo(2), labels: { route: '/api/orders' } }]);
    const first = await postWebhook(h.url, 'alertmanager', group);
    expect(first.status).toBe(202);
    await waitFor('alert card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    const card = h.slack.postsTo('#checkout-alerts')[0]!;
    for (const text of ['HighErrorRate', 'Strong suspect', 'v1.2.3', 'from v1.2.2', 'blue-green', 'Start incident', 'new-checkout']) expect(card).toContain(text);
    const buttons = (h.slack.called('chat.postMessage')[0]!.body.blocks as { type: string; elements?: { text: { text: string }; confirm?: { text: { text: string } } }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => b.text.text)).toEqual(['Start incident', 'Rollback to v1.2.2', 'Disable flag new-checkout']);
    expect(buttons[1]!.confirm!.text.text).toContain('*v1.2.3* → *v1.2.2* (blue-green)');

    const resend = await postWebhook(h.url, 'alertmanager', group);
    expect(resend.json).toEqual({ id: first.json.id, duplicate: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.slack.called('chat.postMessage')).toHaveLength(1);
    expect(h.slack.called('chat.update')).toHaveLength(0);
  });

  it('says "not a regression" when no deploy correlates, and counts a dependency deploy as a suspect', async () => {
    await postWebhook(h.url, 'alert', { service: 'payments', name: 'Timeouts', severity: 'warning', status: 'firing', startsAt: minutesAgo(1), summary: 'p99 4s' });
    await waitFor('payments card', () => h.slack.postsTo('#payments-alerts').length === 1);
    expect(h.slack.postsTo('#payments-alerts')[0]).toContain('Not a regression');

    await postWebhook(h.url, 'deploy', { ...recentFixture('deploy/blue-green-succeeded.json'), service: 'payments', version: 'v9', previousVersion: 'v8', timestamp: minutesAgo(50) });
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'Errors', severity: 'critical', status: 'firing', startsAt: minutesAgo(1) });
    await waitFor('checkout card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    const card = h.slack.postsTo('#checkout-alerts')[0]!;
    expect(card).toContain('Possible suspect');
    expect(card).toContain('payments');
    expect(card).toContain('dependency');
  });

  it('attaches alerts to the open incident: one thread message kept up to date, no card', async () => {
    // An incident for checkout, opened through the same path a Slack modal uses.
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'Warmup', severity: 'info', status: 'firing', startsAt: minutesAgo(1) });
    await waitFor('warm-up card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    const channel = await startIncidentViaSlack(h, { title: 'Checkout errors', service: 'checkout' });

    const group = (n: number, status: 'firing' | 'resolved' = 'firing') =>
      alertmanagerGroup('checkout', [{ name: 'HighErrorRate', fingerprint: `fp-open-${n}`, startsAt: minutesAgo(1), status }]);
    await postWebhook(h.url, 'alertmanager', group(1));
    await waitFor('thread message', () => h.slack.postsTo(channel).some((p) => p.includes('HighErrorRate')));
    await postWebhook(h.url, 'alertmanager', group(2));
    await postWebhook(h.url, 'alertmanager', group(1, 'resolved'));
    await waitFor('thread message updated', () => h.slack.called('chat.update').some((c) => JSON.stringify(c.body).includes('1 firing, 1 resolved')));
    expect(h.slack.postsTo('#checkout-alerts')).toHaveLength(1); // still only the warm-up card
    const timeline = async () => (await h.redis.lrange(`${h.prefix}:{incident:INC-1}:timeline`, 0, -1)).join('\n');
    await waitFor('resolution on the timeline', async () => (await timeline()).includes('1 resolved (HighErrorRate)'));
    expect(await timeline()).toContain('1 firing (HighErrorRate)');
  });

  it('turns an alert storm into one card within a bounded number of Slack calls, storing every alert', async () => {
    const start = minutesAgo(1);
    const requests = Array.from({ length: 1000 }, (_, r) =>
      alertmanagerGroup('checkout', Array.from({ length: 10 }, (_, i) => ({ name: i % 2 ? 'HighErrorRate' : 'HighLatency', fingerprint: `storm-${r}-${i}`, startsAt: start }))),
    );
    for (let i = 0; i < requests.length; i += 50) {
      const answers = await Promise.all(requests.slice(i, i + 50).map((body) => postWebhook(h.url, 'alertmanager', body)));
      expect(answers.every((a) => a.status === 202)).toBe(true);
    }
    await waitFor('card shows all 10000', () => h.slack.calls.some((c) => JSON.stringify(c.body).includes('10000 firing')), 60_000);
    expect(h.slack.postsTo('#checkout-alerts')).toHaveLength(1);
    const slackCalls = h.slack.calls.filter((c) => c.method !== 'auth.test').length;
    expect(slackCalls).toBeLessThan(40);
    expect(await h.redis.zcard(`${h.prefix}:{service:checkout}:alerts`)).toBe(10_000);
  }, 90_000); // 10,000 alerts: a generous budget for a busy machine, not a speed claim (that is npm run bench)
});

describe('webhooks with Redis down', () => {
  it('answers 503 so the sender retries, and accepts again once Redis is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-down-'));
    let redis = await startLocalRedis({ dir });
    const h = await startHarness({ redisUrl: redis.url });
    // Every connection the app holds (its workers' blocking reads too): all must be back before closing.
    const clients = async () => String(await h.redis.client('LIST')).trim().split('\n').length;
    const connected = await clients();
    try {
      await redis.stop();
      const answer = await postWebhook(h.url, 'alert', { service: 'checkout', name: 'X', startsAt: minutesAgo(1) });
      expect(answer.status).toBe(503);
      expect((await fetch(`${h.url}/readyz`)).status).toBe(503);

      redis = await startLocalRedis({ dir, port: redis.port });
      await waitFor('ready again', async () => (await fetch(`${h.url}/readyz`)).status === 200, 15_000);
      expect((await postWebhook(h.url, 'alert', { service: 'checkout', name: 'X', startsAt: minutesAgo(1) })).status).toBe(202);
      // A BullMQ worker closed while its blocking connection waits to reconnect never finishes closing
      // (ioredis emits no 'end' then), and its lock timer keeps Jest's worker alive: wait for them all.
      await waitFor('every connection back', async () => (await clients()) >= connected, 15_000);
    } finally {
      await h.close();
      await redis.stop();
    }
  });
});
