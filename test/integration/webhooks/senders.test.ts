import { createHmac } from 'node:crypto';
import { sleep, startHarness, waitFor, WEBHOOK_TOKEN, type Harness } from '../../helpers/harness';
import { fixture, githubHeaders, postWebhook } from '../../helpers/webhooks';
import { GITHUB_SECRET } from '../../helpers/harness';
import { queueJobs } from '../../helpers/queue-jobs';
import { redisKeys } from '../../../src/lib/keys';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { metricSum } from '../../helpers/metrics';

/** Real senders over HTTP: their default payloads, Test buttons, form-encoded deliveries and batches. */

const CONFIG = `
announcements: "#incidents"
services:
  checkout: { channel: "#checkout-alerts" }
argocd:
  applications: { checkout-prod: checkout }
`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const metric = (h: Harness, line: string) => metricSum(h.url, line);

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${WEBHOOK_TOKEN}` };

describe('real senders', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  it('a kube-prometheus group keeps its usable alert: Watchdog counted, the unroutable one skipped and counted', async () => {
    const group = fixture<{ alerts: { startsAt: string }[] }>('alertmanager/watchdog-and-instance-down.json');
    for (const alert of group.alerts) alert.startsAt = minutesAgo(1);
    const answer = await postWebhook(h.url, 'alertmanager', group);
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({
      id: expect.any(String),
      accepted: 1,
      skipped: [{ index: 1, reason: expect.stringContaining('alerts.1: no service') }],
      heartbeats: 1,
    });
    await waitFor('card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    expect(h.slack.postsTo('#checkout-alerts')[0]).toContain('KubePodCrashLooping');
    expect(await h.redis.get(`${h.prefix}:heartbeat:alertmanager`)).toEqual(expect.any(String));
    expect(await metric(h, 'firebreak_webhook_items_total{source="alertmanager",outcome="skipped_unroutable"}')).toBe(1);
    expect(await metric(h, 'firebreak_webhook_items_total{source="alertmanager",outcome="heartbeat"}')).toBe(1);
    expect(await metric(h, 'firebreak_webhook_items_total{source="alertmanager",outcome="accepted"}')).toBe(1);
    expect(h.slack.postsTo('#incidents')).toEqual([]);
  });

  it('an alert of an unknown service is stored, indexed and counted, costs no digest, and is never posted', async () => {
    const alert = { service: 'mystery', name: 'Boom', severity: 'critical', startsAt: minutesAgo(1), fingerprint: 'fp-mystery' };
    const answer = await postWebhook(h.url, 'alert', alert);
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ id: 'fp-mystery' });
    expect(await h.redis.exists(redisKeys(h.prefix).alert('mystery', 'fp-mystery'))).toBe(1);
    expect(await h.redis.zrange(redisKeys(h.prefix).alertsByService('mystery'), 0, -1)).toEqual(['fp-mystery']);
    expect(await metric(h, 'firebreak_webhook_items_total{source="alert",outcome="unknown_service"}')).toBe(1);
    // Nothing waits for a digest: no card or incident can exist for a service nobody configured.
    expect(await h.redis.exists(redisKeys(h.prefix).alertsPending('mystery'))).toBe(0);
    expect((await queueJobs(h.prefix, QUEUE_NAMES.alertDigests)).filter((job) => job.id.includes('mystery'))).toEqual([]);
    expect((await postWebhook(h.url, 'alert', alert)).json).toEqual({ id: 'fp-mystery', duplicate: true });
    await sleep(1500);
    expect(h.slack.called('chat.postMessage')).toEqual([]);
  });

  it("Grafana's contact point Test is answered 202 and shown as a test card in the announcements channel", async () => {
    const answer = await postWebhook(h.url, 'grafana', fixture('grafana/test-notification.json'));
    expect(answer.status).toBe(202);
    await waitFor('test card', () => h.slack.postsTo('#incidents').length === 1);
    const card = h.slack.postsTo('#incidents')[0]!;
    expect(card).toContain('Test notification from Grafana');
    expect(card).not.toContain('Start incident');
    expect(h.slack.postsTo('#checkout-alerts')).toEqual([]);
    const again = { ...fixture('grafana/test-notification.json'), alerts: [{ ...fixture<{ alerts: object[] }>('grafana/test-notification.json').alerts[0], startsAt: new Date().toISOString() }] };
    expect((await postWebhook(h.url, 'grafana', again)).status).toBe(202);
    await waitFor('a second test card for a second press', () => h.slack.postsTo('#incidents').length === 2);
  });

  it("Datadog's default payload, as JSON and form-encoded, is stored", async () => {
    const body: Record<string, unknown> = { ...fixture('datadog/default-payload.json'), date: String(Date.now() - 60_000) };
    const json = await postWebhook(h.url, 'datadog', body);
    expect(json.status).toBe(202);
    const { org: _org, ...flat } = body;
    const encoded = await postWebhook(h.url, 'datadog', form({ ...(flat as Record<string, string>), title: '[P2] [Recovered on {env:prod,service:checkout}] Checkout 5xx rate is high' }), formHeaders);
    expect(encoded.status).toBe(202);
    expect(encoded.json.id).toBe(json.json.id); // the recovery of the same monitor scope
    expect(await h.redis.zcard(`${h.prefix}:{service:checkout}:alerts`)).toBe(1);
  });

  it("GitHub's form-encoded delivery is verified over the raw body and stored", async () => {
    const payload = JSON.stringify(fixture('github/deployment-status-success.json'));
    const raw = form({ payload });
    const headers = { ...githubHeaders(raw, 'deployment_status', 'form-1'), 'Content-Type': 'application/x-www-form-urlencoded' };
    const answer = await postWebhook(h.url, 'github', raw, headers);
    expect(answer.status).toBe(202);
    expect(answer.json.id).toEqual(expect.any(String));
    const wrong = `sha256=${createHmac('sha256', GITHUB_SECRET).update(payload).digest('hex')}`; // signed over the JSON, not the body
    expect((await postWebhook(h.url, 'github', raw, { ...headers, 'X-Hub-Signature-256': wrong, 'X-GitHub-Delivery': 'form-2' })).status).toBe(401);
  });

  it('an Argo CD multi-source app is stored with its revisions under its configured service', async () => {
    const answer = await postWebhook(h.url, 'argocd', fixture('argocd/multi-source.json'));
    expect(answer.status).toBe(202);
    const stored = await h.redis.get(`${h.prefix}:deploy:${String(answer.json.id)}`);
    expect(JSON.parse(stored!)).toMatchObject({ service: 'checkout', environment: 'production', version: '9f3c1e2a7b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e+4.2.1' });
    expect(stored).not.toContain('<no value>');
  });

  it('an alert in env=prod correlates with a deploy to production', async () => {
    const deploy = { ...fixture('deploy/blue-green-succeeded.json'), environment: 'production', timestamp: minutesAgo(10) };
    expect((await postWebhook(h.url, 'deploy', deploy)).status).toBe(202);
    const alert = { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1), labels: { env: 'prod' } };
    expect((await postWebhook(h.url, 'alert', alert)).status).toBe(202);
    await waitFor('card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    expect(h.slack.postsTo('#checkout-alerts')[0]).toContain('Strong suspect');
  });

  it('a Datadog date outside JavaScript dates is a 400 that stores nothing, and only a skipped item in a list', async () => {
    const good = { ...fixture<Record<string, unknown>>('datadog/triggered.json'), date: String(Date.now()) };
    for (const date of ['1e400', '99999999999999999999', '-1', '8640000000000001']) {
      const raw = JSON.stringify({ ...good, date: 0 }).replace('"date":0', `"date":${date}`);
      const answer = await postWebhook(h.url, 'datadog', raw);
      expect([answer.status, answer.json.issues]).toEqual([400, [expect.objectContaining({ path: 'date' })]]);
    }
    expect([...(await h.redis.keys(`${h.prefix}:alert*`)), ...(await h.redis.keys(`${h.prefix}:{service:*}:alert*`))]).toEqual([]);
    const list = await postWebhook(h.url, 'datadog', JSON.stringify([good, { ...good, date: 0 }]).replace('"date":0', '"date":1e400'));
    expect(list.json).toEqual({ id: expect.any(String), accepted: 1, skipped: [{ index: 1, reason: expect.stringContaining('1.date') }] });
  });
});
