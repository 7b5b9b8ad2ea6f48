import nock from 'nock';
import { loadContent, type Content } from '../../../src/content';
import type { TriggerLevel } from '../../../src/domain/guard/triggers';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { settled } from '../../helpers/remediation';
import { FakePrometheus, guardConfig, guardWindow, postDeploy, postsIn, SERVICE_CHANNEL } from '../guard/helpers';
import { announcementsSettled, replies, topPosts } from './helpers';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { withQueue } from '../../helpers/queue-jobs';

/**
 * The guard's watch in the deploy announcement's thread: the deployment runbook's warn bounds (the
 * shipped numbers, only their `for` shortened to 1 s), canary deploys against their baseline, and the
 * one closing word when the window ends — quiet, warned or breached.
 */

const DEPLOYS = '#checkout-deploys';
/** What Slack answers for the announcement: its channel id and ts, which the thread replies must use. */
const POSTED = { channel: 'C0DEPLOYS', ts: '1900000000.000042' };

function fastContent(): Content {
  const content = loadContent();
  const triggers = content.policy.rollbackTriggers;
  const fast = (level: TriggerLevel | undefined): TriggerLevel => Object.fromEntries(Object.entries(level ?? {}).map(([signal, bound]) => [signal, { ...bound, for: 1000 }]));
  return {
    ...content,
    policy: {
      ...content.policy,
      rollbackTriggers: { ...triggers, default: { act: triggers.default.act, warn: fast(triggers.default.warn) }, strategies: { canary: { warn: fast(triggers.strategies.canary?.warn) } } },
    },
  };
}

const config = (window: string) => `${guardConfig('propose', { guard: `window: ${window}` })}    deployChannel: "${DEPLOYS}"\n`;

describe('the guard’s watch in the deploy announcement’s thread', () => {
  let h: Harness;
  let prometheus: FakePrometheus;
  const content = fastContent();

  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  const start = async (window = '3s') => {
    h = await startHarness({ config: config(window), content });
    h.slack.on('chat.postMessage', (call) => (call.body.channel === DEPLOYS ? { ok: true, ...POSTED } : undefined));
    prometheus = new FakePrometheus();
  };
  const thread = () => h.slack.called('chat.postMessage').find((c) => c.body.channel === DEPLOYS && c.body.thread_ts === undefined)?.body;
  const warningsIn = () => replies(h, POSTED.channel).filter((r) => r.text.includes('rollback bound:'));
  const closes = () => replies(h, POSTED.channel).filter((r) => /Deployment complete|Deployment not healthy|could not judge|stopped watching/.test(r.text));

  it('a quiet window closes once with "Deployment complete — metrics normal", in the announcement’s thread, whatever is replayed', async () => {
    await start();
    const deployId = await postDeploy(h);
    await waitFor('the close', () => closes().length === 1, 15_000);
    const announcement = thread()!;
    expect(String(announcement.text)).toContain("Firebreak's guard is watching error rate, p95 latency and health checks for 3 s");
    expect(closes()[0]).toEqual({ thread: POSTED.ts, text: ':white_check_mark: *Deployment complete — metrics normal for 3 s*: checkout v1.2.3 in production.' });
    expect((await guardWindow(h, deployId))?.state).toBe('expired');

    // The job replayed (its completed record gone and added again) and a second job for the same close: still one post.
    await withQueue(h.prefix, QUEUE_NAMES.deployAnnouncements, async (queue) => {
      await queue.remove(`dac-${deployId}`);
      await queue.add('close', { kind: 'close', deployId }, { jobId: `dac-${deployId}` });
      await queue.add('close', { kind: 'close', deployId }, { jobId: `dac-${deployId}-replayed` });
      await queue.add('deploy', { kind: 'deploy', deployId }, { jobId: `da-${deployId}-replayed` });
    });
    await announcementsSettled(h);
    expect(closes()).toHaveLength(1);
    expect(topPosts(h, DEPLOYS)).toHaveLength(1);
    expect(postsIn(h, SERVICE_CHANNEL)).toEqual([]);
  });

  it('with two replicas working the queues, the close is posted once', async () => {
    await start();
    const replica = await startHarness({ config: config('3s'), content, prefix: h.prefix, slack: h.slack });
    try {
      await postDeploy(h);
      await waitFor('the close', () => closes().length === 1, 15_000);
      await announcementsSettled(h);
      expect(closes()).toHaveLength(1);
      expect(topPosts(h, DEPLOYS)).toHaveLength(1);
    } finally {
      await replica.close({ keepData: true, keepSlack: true });
    }
  });

  it('a breach closes differently: the evidence and the proposal, never "metrics normal"', async () => {
    await start();
    prometheus.values.errorRate = 0.07;
    await postDeploy(h);
    await waitFor('the guard card', () => postsIn(h, SERVICE_CHANNEL).length === 1);
    await waitFor('the close', () => closes().length === 1, 15_000);
    const [closing] = closes();
    expect(closing!.text).toMatch(/^:rotating_light: \*Deployment not healthy: checkout v1\.2\.3 breached its rollback triggers\* — error rate 7 % above 5 % since/);
    expect(closing!.text).toContain('The guard proposed rolling back (error rate); see its card.');
    expect(replies(h, POSTED.channel).some((r) => r.text.includes('metrics normal'))).toBe(false);
    // The card names what no metric shows.
    expect(JSON.stringify(h.slack.called('chat.postMessage').find((c) => c.body.channel === SERVICE_CHANNEL)?.body.blocks)).toContain(
      'Whatever the metrics say, roll back at once if data looks corrupt · a security hole shipped · a critical feature is broken.',
    );
  });

  it('auto: the breach closes the watch with the rollback, and the rollback Firebreak ran is announced', async () => {
    h = await startHarness({ config: `${guardConfig('auto', { guard: 'window: 30s' })}    deployChannel: "${DEPLOYS}"\n`, content });
    h.slack.on('chat.postMessage', (call) => (call.body.channel === DEPLOYS && call.body.thread_ts === undefined && topPosts(h, DEPLOYS).length === 1 ? { ok: true, ...POSTED } : undefined));
    prometheus = new FakePrometheus();
    nock('https://deployer.test').post('/rollback').reply(200, { message: 'switched back to blue' });
    nock('https://checkout.test').get('/health').reply(200, 'ok');
    prometheus.values.errorRate = 0.09;
    const deployId = await postDeploy(h);
    await settled(h, remediationActionId('rollback', { kind: 'guard', id: deployId }, deployId), 'succeeded');
    await waitFor('the close and the rolled back post', () => closes().length === 1 && topPosts(h, DEPLOYS).length === 2, 15_000);
    expect(closes()[0]!.thread).toBe(POSTED.ts);
    expect(closes()[0]!.text).toMatch(/^:rotating_light: \*Deployment not healthy: checkout v1\.2\.3 breached its rollback triggers\* — error rate 9 % above 5 %/);
    expect(closes()[0]!.text).toContain('The guard rolled it back to v1.2.2.');
    expect(topPosts(h, DEPLOYS)[1]).toContain(':warning: *Deployment rolled back: checkout v1.2.3 → v1.2.2*');
    expect(topPosts(h, DEPLOYS)[1]).toContain('• *Reason:* rolled back through Firebreak');
    expect((await guardWindow(h, deployId))?.state).toBe('acted');
  });

  it('the deployment runbook’s 1 % is a warning in the thread, once, and no action; the close says so', async () => {
    await start();
    prometheus.values.errorRate = 0.02;
    const deployId = await postDeploy(h);
    await waitFor('the close', () => closes().length === 1, 15_000);
    const warnings = warningsIn();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.thread).toBe(POSTED.ts);
    expect(warnings[0]!.text).toMatch(/^:large_yellow_circle: \*checkout v1\.2\.3 crossed the deployment runbook's rollback bound:\* error rate 2 % above 1 % since \d\d:\d\d:\d\d UTC \(sustained \d+ s, rule: 1 s\)\./);
    expect(warnings[0]!.text).toContain('The guard only acts above 5 %; the runbook says roll back at once — the on-call decides.');
    expect(closes()[0]!.text).toMatch(/^:large_yellow_circle: \*Deployment complete — watched for 3 s, no rollback trigger hit\*, but checkout v1\.2\.3 crossed the deployment runbook's bounds: error rate 2 % above 1 %/);
    // No card, no breach: the guard did not act.
    expect(postsIn(h, SERVICE_CHANNEL)).toEqual([]);
    const window = await guardWindow(h, deployId);
    expect(window?.breaches).toEqual([]);
    expect(window?.warnings?.map((w) => w.signal)).toEqual(['errorRate']);
  });

  it('a canary is judged against its baseline: within one point and 10 % is fine, beyond is a warning', async () => {
    await start('8s');
    prometheus.values = { errorRate: 0.035, errorBaseline: 0.03, latencyP95: 0.21, baseline: 0.2, healthFailures: 0 };
    const deployedAt = Math.floor(Date.now() / 1000) * 1000;
    const deployId = await postDeploy(h, { strategy: 'canary', timestamp: new Date(deployedAt).toISOString() });
    // 3.5 % errors would cross the 1 % of any other strategy; for a canary with a 3 % baseline it is fine.
    await waitFor('two seconds of evaluations', () => prometheus.evaluations() >= 9);
    expect(replies(h, POSTED.channel)).toEqual([]);
    const asked = prometheus.calls.find((c) => c.signal === 'errorBaseline');
    expect(asked?.query).toBe(
      'avg_over_time((sum(rate(http_requests_total{service="checkout",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="checkout"}[1m])))[30m:1m])',
    );
    expect(asked?.time).toBe(deployedAt / 1000);

    prometheus.values.errorRate = 0.045;
    prometheus.values.latencyP95 = 0.23;
    await waitFor('both warnings', () => warningsIn().length === 2);
    const texts = warningsIn().map((r) => r.text);
    expect(texts.some((t) => /error rate 4\.5 % above baseline 3 % \+ 1 point \(4 %\)/.test(t))).toBe(true);
    expect(texts.some((t) => /p95 latency 230 ms above 1\.1 × baseline 200 ms \(220 ms\)/.test(t))).toBe(true);
    expect(postsIn(h, SERVICE_CHANNEL)).toEqual([]);
    expect((await guardWindow(h, deployId))?.errorBaseline).toEqual({ value: 0.03 });
  });
});
