import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import type { Alert } from '../../../src/domain/alerts/model';
import { suspectDeploys } from '../../../src/domain/correlation/suspects';
import type { Clock } from '../../../src/lib/clock';
import { redisKeys } from '../../../src/lib/keys';
import { RedisDeployStore } from '../../../src/outbound/store/deploy-store';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { click, seedDeploy, seedIncident, serviceConfig, settled, timeline, untilJobsFinished } from '../../helpers/remediation';

/** Real time, moved forward by `offset` once the deployer has answered: the rollback "took" that long. */
function laggingClock(): Clock & { offset: number } {
  const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
  return clock;
}

describe('a rollback over its runbook target time', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    nock.cleanAll();
  });

  async function run(tookMs: number) {
    const clock = laggingClock();
    h = await startHarness({ config: serviceConfig(), clock });
    const deploy = await seedDeploy(h, { strategy: 'blue-green' }); // runbook target: 2 min
    const incident = await seedIncident(h);
    const context = { kind: 'incident' as const, id: incident.id };
    nock('https://deployer.test')
      .post('/rollback')
      .reply(() => {
        clock.offset = tookMs;
        return [200, { message: 'rolled back' }];
      });
    nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(200);
    expect((await click(h, { deploy, context })).status).toBe(200);
    const record = await settled(h, remediationActionId('rollback', context, deploy.id), 'succeeded');
    await untilJobsFinished(h);
    return { h, incident, record };
  }

  it('escalates the incident one level, once, and says why on the timeline', async () => {
    const { h, incident, record } = await run(4 * 60_000);
    expect(record.progress.slowEscalated).toBe(true);
    await waitFor('level 1 paged', () => h.slack.called('chat.postMessage').some((c) => c.body.channel === 'D0U0ONCALL'));
    const entries = await timeline(h, incident.id);
    const over = entries.filter((e) => /over the runbook target of 2 min; escalated to level 1$/.test(e.text));
    expect(over).toHaveLength(1);
    expect(entries.some((e) => e.kind === 'escalation' && e.text.startsWith('Escalated to level 1'))).toBe(true);
  });

  it('within the target: no escalation', async () => {
    const { h, incident, record } = await run(30_000);
    expect(record.progress.slowEscalated).toBeUndefined();
    const entries = await timeline(h, incident.id);
    expect(entries.some((e) => e.text.includes('over the runbook target'))).toBe(false);
    expect(entries.some((e) => e.kind === 'escalation')).toBe(false);
  });
});

/** The deploy ids an alert starting a minute from now would suspect, from the stored history. */
async function suspectsOfNextAlert(h: Harness, environment: string): Promise<string[]> {
  const startsAt = Date.now() + 60_000;
  const alert: Alert = { fingerprint: 'fp-next', source: 'generic', service: 'checkout', environment, name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: new Date(startsAt).toISOString(), labels: {} };
  const history = await new RedisDeployStore(h.redis, redisKeys(h.prefix)).before('checkout', environment, startsAt, startsAt - 2 * 3_600_000, 20);
  return suspectDeploys(alert, history, [], { strongMs: 30 * 60_000, possibleMs: 2 * 3_600_000 }).map((s) => s.deploy.id);
}

describe('a rollback Firebreak ran, in the deploy history', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    nock.cleanAll();
  });

  it('records the bad version rolled back with the previous one current; the same rollback is not offered again', async () => {
    h = await startHarness({ config: serviceConfig() });
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const context = { kind: 'incident' as const, id: incident.id };
    nock('https://deployer.test').post('/rollback').reply(200, { message: 'rolled back' });
    nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(200);
    expect(await suspectsOfNextAlert(h, deploy.environment)).toEqual([deploy.id]);
    expect((await click(h, { deploy, context })).status).toBe(200);
    const record = await settled(h, remediationActionId('rollback', context, deploy.id), 'succeeded');
    await untilJobsFinished(h);
    expect(record.progress.historyRecorded).toBe(true);

    const latest = await new RedisDeployStore(h.redis, redisKeys(h.prefix)).latest('checkout', deploy.environment);
    expect(latest).toMatchObject({
      service: 'checkout',
      version: deploy.version,
      previousVersion: deploy.previousVersion,
      status: 'rolled_back',
      source: 'firebreak',
      timestamp: record.progress.finishedAt,
    });
    expect(latest!.id).not.toBe(deploy.id);
    const texts = (await timeline(h, incident.id)).map((e) => e.text);
    expect(texts.filter((t) => t.startsWith('Deploy history:'))).toEqual([`Deploy history: ${deploy.version} of checkout rolled back, ${deploy.previousVersion} current`]);

    // the next alert's verdict no longer suspects the rolled-back version
    expect(await suspectsOfNextAlert(h, deploy.environment)).toEqual([]);

    // another responder pressing Rollback on the same deploy (from another card) is refused
    const before = h.slack.responses.length;
    await click(h, { deploy, context: { kind: 'incident', id: 'INC-99' }, userId: 'U0RESP2' });
    await waitFor('ephemeral refusal', () => h!.slack.responses.length > before);
    expect(String(h.slack.responses.at(-1)!.body.text)).toContain(`checkout ${deploy.version} was already rolled back (${deploy.previousVersion} is current in ${deploy.environment})`);
  });
});
