import nock from 'nock';
import type { Content } from '../../../src/content';
import { remediationActionId, type ContextRef } from '../../../src/domain/remediation/model';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { recordingEndpoint } from '../../helpers/recorder';
import { click, INCIDENT_CHANNEL, seedDeploy, seedIncident, settled, timeline } from '../../helpers/remediation';
import { FakePrometheus, pushHealthy, recoveryConfig, recoveryContent, recoveryJobs, replay, threadTexts } from './helpers';

const count = (texts: string[], pattern: RegExp) => texts.filter((t) => pattern.test(t)).length;
const dmsTo = (h: Harness, user: string) => h.slack.called('chat.postMessage').filter((c) => c.body.channel === `D0${user}`).length;

async function checksDone(h: Harness, expected = 3): Promise<void> {
  await waitFor(`${expected} recovery checks finished`, async () => (await recoveryJobs(h.prefix)).filter((j) => j.data.kind === 'check' && j.state === 'completed').length === expected, 20_000);
}

async function rollBack(h: Harness, options: { flagKey?: string; beforeClick?: (deployedAt: number) => Promise<void> } = {}) {
  const deploy = await seedDeploy(h);
  const incident = await seedIncident(h);
  const context: ContextRef = { kind: 'incident', id: incident.id };
  await options.beforeClick?.(Date.parse(deploy.timestamp));
  if (options.flagKey) recordingEndpoint('https://flags.test', 'post', '/api/flags');
  else nock('https://deployer.test').post('/rollback').reply(200, { message: 'rolled back' });
  nock('https://checkout.test').persist().get('/health').reply(200);
  expect((await click(h, { deploy, context, flagKey: options.flagKey })).status).toBe(200);
  const id = options.flagKey ? remediationActionId('disable-flag', context, options.flagKey) : remediationActionId('rollback', context, deploy.id);
  const record = await settled(h, id, 'succeeded');
  return { deploy, incident, record };
}

describe('recovery watch after a rollback', () => {
  let h: Harness | undefined;
  let replica: Harness | undefined;
  afterEach(async () => {
    await replica?.close({ keepData: true, keepSlack: true });
    await h?.close();
    h = replica = undefined;
    nock.cleanAll();
  });

  const start = async (options: { prometheus?: boolean; content?: Content } = {}) =>
    (h = await startHarness({ config: recoveryConfig({ prometheus: options.prometheus }), content: options.content ?? recoveryContent() }));

  it('pushed samples back within the targets: each check says recovered with the value against its target, in the thread; no escalation', async () => {
    const h = await start();
    const { incident, record } = await rollBack(h, { beforeClick: (deployedAt) => pushHealthy(h, deployedAt) });
    await checksDone(h);
    const texts = threadTexts(h);
    expect(count(texts, /Error rate recovered\*: error rate 0\.4 % \(target: under 1 %\)/)).toBe(1);
    expect(count(texts, /p95 latency recovered\*: p95 latency 210 ms \(target: at most 220 ms, baseline 200 ms\)/)).toBe(1);
    expect(count(texts, /Throughput recovered\*: throughput 100 req\/s, varying ±2\.66 % \(target: within ±10 %\)/)).toBe(1);
    expect(count(texts, /not recovered|no data/)).toBe(0);
    const results = h.slack.called('chat.postMessage').filter((c) => / recovered\*/.test(String(c.body.text)));
    expect(results.map((c) => c.body.thread_ts)).toEqual([record.spec.thread.threadTs, record.spec.thread.threadTs, record.spec.thread.threadTs]);
    expect(dmsTo(h, 'U0ONCALL')).toBe(0);
    const entries = (await timeline(h, incident.id)).map((e) => e.text);
    expect(entries.filter((t) => t.startsWith('Recovery check'))).toHaveLength(3);
    expect(entries.find((t) => t.startsWith('Recovery watch from pushed samples'))).toContain('error rate under 1 % within 2 s');
    expect(entries.some((t) => t.startsWith('Asked to escalate'))).toBe(false);
  });

  it('not recovered: said plainly with the measured value, and the incident escalates one level exactly once', async () => {
    const h = await start();
    const { incident } = await rollBack(h, { beforeClick: (deployedAt) => pushHealthy(h, deployedAt, { errorRate: 0.05, latencyP95: 0.5 }) });
    await checksDone(h);
    await waitFor('level 1 paged', () => dmsTo(h, 'U0ONCALL') > 0);
    const texts = threadTexts(h);
    const latency = texts.filter((t) => t.includes('p95 latency not recovered*: p95 latency 500 ms (target: at most 220 ms, baseline 200 ms)'));
    const errors = texts.filter((t) => t.includes('Error rate not recovered*: error rate 5 % (target: under 1 %)'));
    expect(latency).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(count(texts, /Throughput recovered/)).toBe(1);
    // The first unmet target escalated; the other says so instead of escalating again.
    const blocks = h.slack.called('chat.postMessage').filter((c) => / not recovered\*/.test(String(c.body.text))).map((c) => JSON.stringify(c.body.blocks));
    expect(blocks.filter((b) => b.includes('Escalated to level 1 (\\u003c@U0ONCALL\\u003e)') || b.includes('Escalated to level 1 (<@U0ONCALL>)'))).toHaveLength(1);
    expect(blocks.filter((b) => b.includes('already escalated by an earlier recovery check'))).toHaveLength(1);
    expect(dmsTo(h, 'U0ONCALL')).toBe(1);
    expect(dmsTo(h, 'U0LEAD')).toBe(0);
    const entries = await timeline(h, incident.id);
    expect(entries.filter((e) => e.text.startsWith('Asked to escalate'))).toHaveLength(1);
    expect(entries.filter((e) => /^Recovery check, .*: not recovered: .*; escalated to level 1$/.test(e.text))).toHaveLength(1);
  });

  it('no data: says "no data" for each signal rather than claiming recovery, and does not escalate', async () => {
    const h = await start();
    const { incident } = await rollBack(h);
    await checksDone(h);
    const texts = threadTexts(h);
    expect(count(texts, /Error rate: no data\*.*not claiming recovery \(no errorRate sample pushed for checkout/)).toBe(1);
    expect(count(texts, /p95 latency: no data\*/)).toBe(1);
    expect(count(texts, /Throughput: no data\*.*no throughput sample pushed/)).toBe(1);
    expect(count(texts, / recovered\*/)).toBe(0);
    expect(dmsTo(h, 'U0ONCALL')).toBe(0);
    expect((await timeline(h, incident.id)).filter((e) => e.text.includes('so recovery is not confirmed'))).toHaveLength(3);
  });

  it('Prometheus: the guard queries at the check time, throughput over the span, the p95 baseline when the deploy went live', async () => {
    const prometheus = new FakePrometheus();
    const h = await start({ prometheus: true });
    const { deploy } = await rollBack(h);
    await checksDone(h);
    const texts = threadTexts(h);
    expect(count(texts, /Error rate recovered\*: error rate 0\.2 %/)).toBe(1);
    expect(count(texts, /p95 latency recovered\*: p95 latency 200 ms \(target: at most 209 ms, baseline 190 ms\)/)).toBe(1);
    expect(count(texts, /Throughput recovered\*: throughput 50 req\/s, varying ±0 %/)).toBe(1);
    expect(prometheus.calls.filter((c) => c.signal === 'baseline').map((c) => c.time)).toEqual([Date.parse(deploy.timestamp) / 1000]);
    const throughput = prometheus.calls.filter((c) => c.signal === 'throughput');
    expect(throughput).toHaveLength(3);
    expect(throughput[0]!.query).toBe('sum(rate(http_requests_total{service="checkout"}[1m]))');
    expect(Math.max(...throughput.map((c) => c.time)) - Math.min(...throughput.map((c) => c.time))).toBeCloseTo(30, 2);
    expect(JSON.stringify(h.slack.called('chat.postMessage').at(-1)!.body.blocks)).toContain('readings from Prometheus http://prometheus.recovery.test');
  });

  it('Prometheus answering without series for the error rate: no data, not recovered', async () => {
    const prometheus = new FakePrometheus();
    prometheus.values.errorRate = undefined;
    const h = await start({ prometheus: true });
    await rollBack(h);
    await checksDone(h);
    expect(count(threadTexts(h), /Error rate: no data\*.*the query matched no series/)).toBe(1);
    expect(dmsTo(h, 'U0ONCALL')).toBe(0);
  });

  it('a flag switched off is watched the same way (no post-rollback checklist)', async () => {
    const h = await start();
    await rollBack(h, { flagKey: 'new-checkout', beforeClick: (deployedAt) => pushHealthy(h, deployedAt, { errorRate: 0.2 }) });
    await checksDone(h);
    await waitFor('level 1 paged', () => dmsTo(h, 'U0ONCALL') > 0);
    const texts = threadTexts(h);
    expect(count(texts, /Error rate not recovered\*: error rate 20 % \(target: under 1 %\), 2 s after the disable flag \*new-checkout\* of \*checkout\* in production/)).toBe(1);
    expect(count(texts, /p95 latency recovered/)).toBe(1);
    expect(count(texts, /Post-rollback checklist/)).toBe(0);
    expect((await recoveryJobs(h.prefix)).filter((j) => j.data.kind === 'reminder')).toEqual([]);
    expect(dmsTo(h, 'U0ONCALL')).toBe(1);
  });

  it('two workers and replayed jobs: every result posted once, the escalation paged once', async () => {
    const h = await start();
    replica = await startHarness({ config: recoveryConfig(), content: recoveryContent(), prefix: h.prefix, slack: h.slack });
    const { incident } = await rollBack(h, { beforeClick: (deployedAt) => pushHealthy(h, deployedAt, { errorRate: 0.03, latencyP95: 0.9 }) });
    await checksDone(h);
    await waitFor('level 1 paged', () => dmsTo(h, 'U0ONCALL') > 0);
    const posted = threadTexts(h).length;
    for (const job of (await recoveryJobs(h.prefix)).filter((j) => j.data.kind === 'check')) {
      expect(await replay(h.prefix, job.id, job.data)).toBe('posted');
    }
    expect(threadTexts(h)).toHaveLength(posted);
    expect(count(threadTexts(h), / not recovered\*/)).toBe(2);
    expect(dmsTo(h, 'U0ONCALL')).toBe(1);
    const entries = await timeline(h, incident.id);
    expect(entries.filter((e) => e.text.startsWith('Recovery check'))).toHaveLength(3);
    expect(entries.filter((e) => e.text.startsWith('Asked to escalate'))).toHaveLength(1);
    expect(INCIDENT_CHANNEL).toBe(incident.channelId);
  });
});
