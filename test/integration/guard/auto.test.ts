import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { redisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { recordingEndpoint } from '../../helpers/recorder';
import { remediationJobs, settled, timeline } from '../../helpers/remediation';
import { FakePrometheus, guardConfig, guardWindow, postDeploy, postsIn, SERVICE_CHANNEL } from './helpers';

describe('deploy guard, auto', () => {
  let h: Harness;
  let prometheus: FakePrometheus;

  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  const openIncident = () => new RedisIncidentStore(h.redis, redisKeys(h.prefix)).openForService('checkout');

  it('a bad deploy is rolled back, the incident opened with the report, level 1 paged — without anyone touching Slack', async () => {
    h = await startHarness({ config: guardConfig('auto') });
    prometheus = new FakePrometheus();
    const deployer = recordingEndpoint('https://deployer.test', 'post', '/rollback', [[200, { message: 'switched back to blue' }]]);
    const health = nock('https://checkout.test').get('/health').reply(200, 'ok');

    const deployId = await postDeploy(h);
    await waitFor('healthy evaluations', () => prometheus.evaluations() >= 2);
    prometheus.values.errorRate = 0.09;

    const context = { kind: 'guard' as const, id: deployId };
    const record = await settled(h, remediationActionId('rollback', context, deployId), 'succeeded');
    health.done();
    const bodies = deployer.calls.map((call) => JSON.parse(call.body) as Record<string, unknown>);

    // The rollback: the button's job, asked for by Firebreak, for the incident the guard opened.
    const incident = await openIncident();
    expect(incident).toMatchObject({ severity: 'P1', service: 'checkout', origin: { suspectDeployId: deployId } });
    expect(incident!.title).toBe('Deploy guard: checkout v1.2.3 unhealthy (error rate 9 %)');
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ action: 'rollback', fromVersion: 'v1.2.3', toVersion: 'v1.2.2', actor: 'firebreak', incidentId: incident!.id });
    expect(String(bodies[0]!.reason)).toContain('Deploy guard: checkout v1.2.3 unhealthy');

    // The report in the service's channel; the rollback's status, verification and announcement in its thread.
    const reports = h.slack.called('chat.postMessage').filter((c) => c.body.channel === SERVICE_CHANNEL && !c.body.thread_ts);
    expect(reports).toHaveLength(1);
    expect(String(reports[0]!.body.text)).toContain('Deploy guard is rolling back checkout v1.2.3 → v1.2.2* (automatic)');
    expect(String(reports[0]!.body.text)).toMatch(/error rate 9 % above 5 % since .* UTC/);
    expect(String(reports[0]!.body.text)).toContain(`*Incident:* ${incident!.id} (P1)`);
    const reportTs = h.slack.called('chat.postMessage').indexOf(reports[0]!) + 1;
    expect(record.spec.thread.channel).toBe(SERVICE_CHANNEL);
    expect(record.spec.thread.threadTs).toBe(`1800000000.${String(reportTs).padStart(6, '0')}`);
    const thread = h.slack.called('chat.postMessage').filter((c) => c.body.thread_ts === record.spec.thread.threadTs).map((c) => String(c.body.text));
    expect(thread.some((t) => t.includes('Deployment rolled back: checkout'))).toBe(true);
    expect(thread.find((t) => t.includes('Deployment rolled back'))).toContain('Firebreak');
    expect(thread.join('\n')).not.toContain('<@firebreak>');

    // Level 1 is paged by the escalation engine; the report goes into the incident's own thread.
    await waitFor('level 1 DM', () => postsIn(h, 'D0U0ONCALL').length >= 1);
    await waitFor('incident report', async () => {
      const current = await openIncident();
      return Boolean(current?.channelId) && postsIn(h, current!.channelId!).some((t) => t.includes('Deploy guard report'));
    });
    const current = (await openIncident())!;
    const incidentReport = h.slack.called('chat.postMessage').find((c) => String(c.body.text).includes('Deploy guard report'))!;
    expect(incidentReport.body.thread_ts).toBe(current.publication.initialTs);
    expect(String(incidentReport.body.text)).toContain('Rolling back to v1.2.2');
    const texts = (await timeline(h, current.id)).map((e) => e.text);
    expect(texts.some((t) => t.startsWith('Deploy guard asked for the rollback of checkout v1.2.3'))).toBe(true);

    // Acted once: the window is over, no more evaluations, one job, one report.
    expect((await guardWindow(h, deployId))?.state).toBe('acted');
    const seen = prometheus.evaluations();
    await sleep(1000);
    expect(prometheus.evaluations()).toBe(seen);
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
    expect(deployer.calls).toHaveLength(1);
    expect(h.slack.called('chat.postMessage').filter((c) => String(c.body.text).includes('Deploy guard is rolling back'))).toHaveLength(1);
  });

  it('Slack failing every message delays the report, never the rollback; the report arrives once Slack is back', async () => {
    h = await startHarness({ config: guardConfig('auto') });
    prometheus = new FakePrometheus();
    let slackDown = true;
    h.slack.on('chat.postMessage', () => (slackDown ? { ok: false, error: 'internal_error' } : undefined));
    const deployer = nock('https://deployer.test').post('/rollback').reply(200, { message: 'ok' });
    nock('https://checkout.test').get('/health').reply(200, 'ok');
    const deployId = await postDeploy(h);
    prometheus.values.errorRate = 0.5;
    await waitFor('the deployer called', () => deployer.isDone());
    expect(await openIncident()).toMatchObject({ origin: { suspectDeployId: deployId } });
    const [job] = await remediationJobs(h.prefix);
    expect(job?.id).toContain(deployId);

    // Slack recovers: the delayed report is delivered, once (in the incident's channel, open by then).
    slackDown = false;
    const mark = h.slack.calls.length;
    const delivered = () =>
      h.slack.calls.slice(mark).filter((c) => c.method === 'chat.postMessage' && String(c.body.text).includes('Deploy guard is rolling back'));
    await waitFor('the delayed report', () => delivered().length > 0, 20_000);
    await sleep(500);
    expect(delivered()).toHaveLength(1);
  }, 40_000);

  it('without a rollback executor the incident still opens and the report says to roll back by hand', async () => {
    h = await startHarness({ config: guardConfig('auto').replace(/^ {4}rollback: .*$/m, '') });
    prometheus = new FakePrometheus();
    const deployId = await postDeploy(h);
    prometheus.values.healthFailures = 1;
    await waitFor('the report updated', () => h.slack.called('chat.update').some((c) => String(c.body.text).includes('The automatic rollback was not started')));
    const update = h.slack.called('chat.update').find((c) => String(c.body.text).includes('not started'))!;
    expect(String(update.body.text)).toContain('checkout has no rollback executor configured (services.checkout.rollback). Roll back by hand.');
    expect(await openIncident()).toMatchObject({ severity: 'P1', origin: { suspectDeployId: deployId } });
    expect(await remediationJobs(h.prefix)).toHaveLength(0);
  });
});
