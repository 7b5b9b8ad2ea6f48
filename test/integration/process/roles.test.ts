import { DIGEST_DELAY_MS } from '../../../src/outbound/jobs/alert-digests';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { FakeSlack } from '../../helpers/fake-slack';
import { sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { postWebhook } from '../../helpers/webhooks';

const CONFIG = 'services: { checkout: { channel: "#checkout-alerts" } }';
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('FIREBREAK_ROLE: web and worker processes on one Redis', () => {
  const running: Harness[] = [];
  afterEach(async () => {
    for (const h of running.splice(0).reverse()) await h.close({ keepSlack: true });
  });

  it('web stores and enqueues but runs no job; a worker serves only its probes and does the work', async () => {
    const slack = new FakeSlack();
    const web = await startHarness({ config: CONFIG, env: { FIREBREAK_ROLE: 'web' }, slack });
    running.push(web);

    await waitFor('web ready', async () => (await fetch(`${web.url}/readyz`)).status === 200);
    const answer = await postWebhook(web.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1) });
    expect(answer.status).toBe(202);
    // Stored by the web process, its digest job waiting past its due time: no worker, no card.
    expect(await web.redis.exists(`${web.prefix}:{service:checkout}:alerts`)).toBe(1);
    await sleep(DIGEST_DELAY_MS + 1500);
    expect(slack.postsTo('#checkout-alerts')).toEqual([]);
    expect(await web.redis.zcard(`${web.prefix}:bull:${QUEUE_NAMES.alertDigests}:delayed`)).toBe(1);

    const worker = await startHarness({ config: CONFIG, env: { FIREBREAK_ROLE: 'worker' }, slack, prefix: web.prefix });
    running.push(worker);
    await waitFor('the card, posted by the worker', () => slack.postsTo('#checkout-alerts').length === 1);

    // The worker answers its probes and metrics, and nothing a sender or Slack could reach.
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    await waitFor('worker ready', async () => (await fetch(`${worker.url}/readyz`)).status === 200);
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
    expect((await postWebhook(worker.url, 'alert', { service: 'checkout', name: 'X', startsAt: minutesAgo(1) })).status).toBe(404);
    expect((await fetch(`${worker.url}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses an unknown role at start, naming the variable', async () => {
    await expect(startHarness({ env: { FIREBREAK_ROLE: 'both' } })).rejects.toThrow(/FIREBREAK_ROLE/);
  });
});
