import nock from 'nock';
import type { Deploy } from '../../../src/domain/deploys/model';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { click, INCIDENT_CHANNEL, RESPONDER, seedIncident, settled, timeline } from '../../helpers/remediation';
import { FakePrometheus, guardConfig, guardWindow, postDeploy, postsIn, SERVICE_CHANNEL } from './helpers';

interface Button {
  type: string;
  text: { text: string };
  value: string;
  action_id: string;
}

const buttonsOf = (blocks: unknown): Button[] =>
  ((blocks ?? []) as { type: string; elements?: Button[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('deploy guard, propose', () => {
  let h: Harness;
  let prometheus: FakePrometheus;

  beforeEach(async () => {
    h = await startHarness({ config: guardConfig('propose') });
    prometheus = new FakePrometheus();
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('a sustained error rate gets one card with the evidence and Rollback to the previous version, which rolls back through the button path', async () => {
    const deployedAt = Math.floor(Date.now() / 1000) * 1000 - 5_000;
    const deployId = await postDeploy(h, { timestamp: new Date(deployedAt).toISOString() });
    await waitFor('healthy evaluations', () => prometheus.evaluations() >= 3);
    expect(postsIn(h, SERVICE_CHANNEL)).toEqual([]);

    // The p95 baseline is the 30 minutes before the deploy, asked for at the deploy's time.
    const baseline = prometheus.calls.find((c) => c.signal === 'baseline');
    expect(baseline?.query).toBe(
      'avg_over_time((histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[1m]))))[30m:1m])',
    );
    expect(baseline?.time).toBe(deployedAt / 1000);
    expect(prometheus.calls.find((c) => c.signal === 'errorRate')?.query).toContain('http_requests_total{service="checkout",code=~"5.."}');

    prometheus.values.errorRate = 0.07;
    await waitFor('the card', () => postsIn(h, SERVICE_CHANNEL).length === 1);
    const card = h.slack.called('chat.postMessage').find((c) => c.body.channel === SERVICE_CHANNEL)!;
    // Sustained means for the whole rule duration (1 s here), not at the first bad reading: the
    // evidence on the card spans at least the rule.
    expect(Number(/sustained (\d+) s, rule: 1 s/.exec(String(card.body.text))?.[1])).toBeGreaterThanOrEqual(1);
    expect(String(card.body.text)).toContain('Deploy guard: checkout v1.2.3 is unhealthy* — roll back to *v1.2.2*?');
    expect(String(card.body.text)).toMatch(/error rate 7 % above 5 % since \d\d:\d\d:\d\d UTC \(sustained \d+ s, rule: 1 s\)/);
    expect(String(card.body.text)).toContain('(from v1.2.2, blue-green, production)');
    const [rollback] = buttonsOf(card.body.blocks);
    expect(rollback?.text.text).toBe('Rollback to v1.2.2');
    // The value is an offer id; what it stands for was saved in Redis before the card was posted.
    const { offer } = JSON.parse(rollback!.value) as { offer: string };
    expect(JSON.parse((await h.redis.get(`${h.prefix}:remediation-button:${offer}`))!)).toEqual({ service: 'checkout', deployId, context: { kind: 'guard', id: deployId } });

    // The breach goes on: still one card. Then p95 breaches too: the same card shows both.
    const seen = prometheus.evaluations();
    await waitFor('more evaluations', () => prometheus.evaluations() >= seen + 4);
    expect(postsIn(h, SERVICE_CHANNEL)).toHaveLength(1);
    prometheus.values.latencyP95 = 0.5;
    await waitFor('the card updated', () => h.slack.called('chat.update').some((c) => String(c.body.text).includes('p95 latency 500 ms above 2 × baseline 200 ms')));
    expect(postsIn(h, SERVICE_CHANNEL)).toHaveLength(1);
    expect((await guardWindow(h, deployId))?.breaches.map((b) => b.signal)).toEqual(['errorRate', 'latencyP95']);

    // Pressing Rollback runs the ordinary remediation job, with the guard's evidence as its reason.
    const bodies: string[] = [];
    const deployer = nock('https://deployer.test')
      .post('/rollback')
      .reply((_uri, body) => {
        bodies.push(typeof body === 'string' ? body : JSON.stringify(body));
        return [200, { message: 'switched back' }];
      });
    nock('https://checkout.test').get('/health').reply(200, 'ok');
    const context = { kind: 'guard' as const, id: deployId };
    const deploy = { id: deployId, service: 'checkout' } as Deploy;
    expect((await click(h, { deploy, context, channelId: 'C0CHECKOUT', messageTs: '1800000000.000001' })).status).toBe(200);
    await settled(h, remediationActionId('rollback', context, deployId), 'succeeded');
    deployer.done();
    const sent = JSON.parse(bodies[0]!) as Record<string, unknown>;
    expect(sent).toMatchObject({ fromVersion: 'v1.2.3', toVersion: 'v1.2.2', actor: RESPONDER });
    expect(String(sent.reason)).toContain('Deploy guard: checkout v1.2.3 unhealthy (error rate 7 %, p95 latency 500 ms)');
  });

  it('with an incident open for the service, the card goes into its channel and on its timeline', async () => {
    const incident = await seedIncident(h);
    const deployId = await postDeploy(h);
    prometheus.values.healthFailures = 0.75;
    await waitFor('the card in the incident channel', () => postsIn(h, INCIDENT_CHANNEL).length === 1);
    expect(postsIn(h, SERVICE_CHANNEL)).toEqual([]);
    expect(postsIn(h, INCIDENT_CHANNEL)[0]).toContain('health-check failures 75 % above 50 %');
    await waitFor('timeline note', async () => (await timeline(h, incident.id)).some((e) => e.kind === 'guard'));
    const note = (await timeline(h, incident.id)).find((e) => e.kind === 'guard')!;
    expect(note.text).toContain('Deploy guard proposes rolling back checkout v1.2.3: health-check failures 75 %');
    expect((await guardWindow(h, deployId))?.state).toBe('watching');
  });
});
