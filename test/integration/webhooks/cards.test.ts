import { alertRef } from '../../../src/blocks/alert-card';
import { INCIDENT_ACTIONS, INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { redisKeys } from '../../../src/lib/keys';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { blockAction, FORM, postSigned, viewSubmission } from '../../helpers/slack';
import { postWebhook, recentFixture } from '../../helpers/webhooks';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('every source through HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
  });
  afterAll(() => h.close());

  it.each([
    ['deploy', 'deploy/rolling-started-minimal.json'],
    ['argocd', 'argocd/deployed.json'],
    ['argocd', 'argocd/rollback.json'],
    ['alert', 'alert/high-error-rate.json'],
    ['alertmanager', 'alertmanager/group-firing-and-resolved.json'],
    ['grafana', 'grafana/firing-and-resolved.json'],
    ['datadog', 'datadog/triggered.json'],
    ['datadog', 'datadog/recovered.json'],
  ])('%s accepts %s with 202 and an id', async (source, file) => {
    const answer = await postWebhook(h.url, source, recentFixture(file));
    expect(answer.status).toBe(202);
    expect(answer.json.id).toEqual(expect.any(String));
  });
});

describe('from alert card to incident', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('Start incident opens the modal filled from the alert and its verdict, and the incident keeps its origin', async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
    await postWebhook(h.url, 'deploy', { ...recentFixture('deploy/blue-green-succeeded.json'), timestamp: minutesAgo(10) });
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1), summary: '5xx rate 7%', fingerprint: 'card-fp-1' });
    await waitFor('card', () => h.slack.postsTo('#checkout-alerts').length === 1);

    const start = { type: 'button', action_id: INCIDENT_ACTIONS.startFromAlert, block_id: 'alert_card_actions', value: JSON.stringify({ service: 'checkout', fingerprint: 'card-fp-1' }) };
    expect((await postSigned(h.url, blockAction({ channelId: 'C0CHECKOUT', action: start, userId: 'U0ONCALL' }), FORM)).status).toBe(200);
    await waitFor('modal', () => h.slack.called('views.open').length === 1);
    const view = h.slack.called('views.open')[0]!.body.view as { private_metadata: string; blocks: { block_id: string; element: { initial_value?: string; initial_option?: { value: string } } }[] };
    const field = (id: string) => view.blocks.find((b) => b.block_id === id)!.element;
    expect(field(B.title).initial_value).toBe('HighErrorRate on checkout');
    expect(field(B.severity).initial_option?.value).toBe('P1');
    expect(field(B.service).initial_option?.value).toBe('checkout');
    expect(field(B.impact).initial_value).toContain('Strong suspect: checkout v1.2.3 (from v1.2.2)');

    await postSigned(
      h.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.start,
        privateMetadata: view.private_metadata,
        userId: 'U0ONCALL',
        values: {
          [B.title]: { value: { type: 'plain_text_input', value: field(B.title).initial_value } },
          [B.severity]: { value: { type: 'static_select', selected_option: { value: 'P1' } } },
          [B.service]: { value: { type: 'static_select', selected_option: { value: 'checkout' } } },
          [B.impact]: { value: { type: 'plain_text_input', value: field(B.impact).initial_value } },
        },
      }),
      FORM,
    );
    await waitFor('incident channel', () => h.slack.called('pins.add').length === 1);
    const initial = h.slack.postsTo('C0INC1')[0]!;
    expect(initial).toContain('Strong suspect');
    const stored = JSON.parse((await h.redis.get(`${h.prefix}:{incident:INC-1}`))!) as { origin: Record<string, string> };
    expect(stored.origin).toMatchObject({ alertFingerprint: 'card-fp-1', alertService: 'checkout', alertName: 'HighErrorRate' });
  });

  it('Start incident by reference finds the alert by the service and fingerprint stored with the card; a reference without a service is no longer known', async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1), fingerprint: 'ref-fp-1' });
    await waitFor('card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    const keys = redisKeys(h.prefix);
    const ref = alertRef({ service: 'checkout', fingerprint: 'ref-fp-1' });
    expect(JSON.parse((await h.redis.get(keys.seen('alert-ref', ref)))!)).toEqual({ service: 'checkout', fingerprint: 'ref-fp-1' });
    const click = (value: unknown) =>
      postSigned(h.url, blockAction({ channelId: 'C0CHECKOUT', action: { type: 'button', action_id: INCIDENT_ACTIONS.startFromAlert, block_id: 'alert_card_actions', value: JSON.stringify(value) }, userId: 'U0ONCALL' }), FORM);
    expect((await click({ ref })).status).toBe(200);
    await waitFor('modal', () => h.slack.called('views.open').length === 1);
    expect(JSON.stringify(h.slack.called('views.open')[0]!.body.view)).toContain('HighErrorRate on checkout');

    // A card posted by the previous release stored the bare fingerprint under its reference.
    const old = 'b'.repeat(64);
    await h.redis.set(keys.seen('alert-ref', old), 'ref-fp-1');
    await click({ ref: old });
    await waitFor('ephemeral answer', () => h.slack.responses.length === 1);
    expect(h.slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('That alert is no longer known') });
    expect(h.slack.called('views.open')).toHaveLength(1);
  });

  it('starts the incident by itself for a critical alert with a strong suspect when policy says so', async () => {
    h = await startHarness({
      config: `
alerts: { autoStart: { severities: [critical], suspect: strong } }
services: { checkout: { channel: "#checkout-alerts", responders: [U0ONCALL] } }
`,
    });
    await postWebhook(h.url, 'deploy', { ...recentFixture('deploy/blue-green-succeeded.json'), timestamp: minutesAgo(5) });
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1), fingerprint: 'auto-1' });
    await waitFor('incident opened', () => h.slack.called('pins.add').length === 1);
    expect(h.slack.postsTo('#checkout-alerts')).toEqual([]);
    expect(String(h.slack.called('conversations.create')[0]!.body.name)).toContain('higherrorrate-on-checkout');
    // and the alert then shows up in the incident's thread message
    await waitFor('alert thread message', () => h.slack.postsTo('C0INC1').some((p) => p.includes('HighErrorRate: 1 firing')));

    // a warning with the same suspect gets a card instead
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'SlowQueries', severity: 'warning', startsAt: minutesAgo(1), fingerprint: 'auto-2' });
    await waitFor('attached, not carded', () => h.slack.calls.some((c) => JSON.stringify(c.body).includes('SlowQueries')));
    expect(h.slack.postsTo('#checkout-alerts')).toEqual([]);
  });
});

describe('Slack rate limits', () => {
  it('honours 429 Retry-After: the card is posted once Slack lets us, never dropped', async () => {
    const h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
    try {
      let limited = 0;
      h.slack.on('chat.postMessage', () => (limited++ === 0 ? { status: 429, headers: { 'Retry-After': '1' }, ok: false, error: 'ratelimited' } : undefined));
      await postWebhook(h.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1) });
      await waitFor('card after the rate limit', () => h.slack.called('chat.postMessage').length === 2, 15_000);
      const [refused, accepted] = h.slack.called('chat.postMessage');
      expect(accepted!.body).toEqual(refused!.body);
      // Slack saw the second try no sooner than its Retry-After (1 s, less timer granularity).
      expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950);
      expect(accepted!.body.channel).toBe('#checkout-alerts');
    } finally {
      await h.close();
    }
  });
});
