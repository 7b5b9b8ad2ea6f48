import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import type { Clock } from '../../../src/lib/clock';
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
