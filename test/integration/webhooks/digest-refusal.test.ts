import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { postWebhook } from '../../helpers/webhooks';
import { metricSum } from '../../helpers/metrics';

const CONFIG = 'services: { checkout: { channel: "#checkout-alerts" } }';

const metric = (h: Harness, name: string) => metricSum(h.url, name);

describe('an alert card Slack refuses for good', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('is final (asked once), counted, and the next digest of the service gets its own card', async () => {
    h = await startHarness({ config: CONFIG });
    let refused = 0;
    h.slack.on('chat.postMessage', (call) => (call.body.channel === '#checkout-alerts' && refused++ === 0 ? { ok: false, error: 'invalid_blocks' } : undefined));
    const alert = (fingerprint: string, name: string) => ({ service: 'checkout', name, severity: 'critical', startsAt: new Date().toISOString(), fingerprint });

    expect((await postWebhook(h.url, 'alert', alert('refused-fp', 'BrokenCard'))).status).toBe(202);
    await waitFor('the refusal counted', async () => (await metric(h, 'firebreak_slack_failed_for_good_total')) === 1);
    expect((await postWebhook(h.url, 'alert', alert('next-fp', 'HighLatency'))).status).toBe(202);
    await waitFor('the next card', () => h.slack.postsTo('#checkout-alerts').some((p) => p.includes('HighLatency')));

    const posts = h.slack.postsTo('#checkout-alerts');
    expect(posts.filter((p) => p.includes('BrokenCard'))).toHaveLength(1);
    expect(posts).toHaveLength(2);
    expect(await metric(h, 'firebreak_slack_failed_for_good_total')).toBe(1);
    // the batch leaves Redis just after its card is posted
    await waitFor('nothing left waiting', async () => (await h.redis.smembers(`${h.prefix}:alerts-pending-services`)).length === 0);
  });
});
