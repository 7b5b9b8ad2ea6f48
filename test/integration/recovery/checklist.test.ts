import nock from 'nock';
import { RECOVERY_ACTIONS } from '../../../src/blocks/recovery-ids';
import { loadContent } from '../../../src/content';
import { remediationActionId, type ContextRef } from '../../../src/domain/remediation/model';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { resolveIncidentViaSlack } from '../../helpers/incidents';
import { click, INCIDENT_CHANNEL, RESPONDER, seedDeploy, seedIncident, settled, timeline } from '../../helpers/remediation';
import { blockAction, FORM, postSigned } from '../../helpers/slack';
import { pushHealthy, recoveryConfig, recoveryContent, recoveryJobs, threadTexts } from './helpers';

const checklist = loadContent().postRollbackChecklist;

async function rollBack(h: Harness) {
  const deploy = await seedDeploy(h);
  const incident = await seedIncident(h);
  const context: ContextRef = { kind: 'incident', id: incident.id };
  nock('https://deployer.test').post('/rollback').reply(200, { message: 'rolled back' });
  nock('https://checkout.test').persist().get('/health').reply(200);
  expect((await click(h, { deploy, context })).status).toBe(200);
  const record = await settled(h, remediationActionId('rollback', context, deploy.id), 'succeeded');
  return { deploy, incident, record };
}

/** Tick boxes of one phase as Slack sends them: that element's whole selection. */
function tick(h: Harness, blockId: string, ids: string[]) {
  const action = {
    type: 'checkboxes',
    action_id: RECOVERY_ACTIONS.checklistToggle,
    block_id: blockId,
    selected_options: ids.map((value) => ({ value, text: { type: 'mrkdwn', text: value } })),
  };
  return postSigned(h.url, blockAction({ action, channelId: INCIDENT_CHANNEL, userId: RESPONDER }), FORM);
}

const reminders = (h: Harness) => threadTexts(h).filter((t) => t.startsWith(':alarm_clock: *Post-rollback checklist*'));

describe('post-rollback checklist', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    nock.cleanAll();
  });

  it('is posted in the thread once, with a reminder per phase at its time naming only what is still unticked', async () => {
    const content = recoveryContent({ checklistReminders: { validation: 3000, documentation: 3500, rootCause: 4000 } });
    h = await startHarness({ config: recoveryConfig({ guard: false }), content });
    const { record, incident } = await rollBack(h);
    await waitFor('checklist posted', () => threadTexts(h!).some((t) => t.startsWith('Post-rollback checklist')));
    const posts = h.slack.called('chat.postMessage').filter((c) => String(c.body.text).startsWith('Post-rollback checklist'));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.thread_ts).toBe(record.spec.thread.threadTs);
    const blocks = posts[0]!.body.blocks as { type: string; block_id?: string; elements?: { options: { value: string }[] }[] }[];
    const boxes = blocks.filter((b) => b.type === 'actions');
    expect(boxes.map((b) => b.elements![0]!.options.map((o) => o.value))).toEqual([
      checklist.validation.items.map((i) => i.id),
      checklist.documentation.items.map((i) => i.id),
      checklist.rootCause.items.map((i) => i.id),
    ]);
    expect(JSON.stringify(blocks)).toContain('reminder 3 s after the rollback');

    // The reminders are delayed jobs due when the policy says, counted from the rollback's end.
    const finishedAt = Date.parse(record.progress.finishedAt!);
    const jobs = (await recoveryJobs(h.prefix)).filter((j) => j.data.kind === 'reminder');
    expect(jobs.map((j) => j.data.phase).sort()).toEqual(['documentation', 'rootCause', 'validation']);
    for (const job of jobs) {
      const after = content.policy.recovery.checklistReminders[job.data.phase as 'validation'];
      expect(Math.abs(job.dueAt - (finishedAt + after))).toBeLessThan(1000);
    }
    // Without guard signals there is nothing to check automatically, and the timeline says so.
    expect((await recoveryJobs(h.prefix)).filter((j) => j.data.kind === 'check')).toEqual([]);
    expect((await timeline(h, incident.id)).some((e) => e.text.includes('checkout has no guard signals (services.checkout.guard)'))).toBe(true);

    // All of the validation phase and one documentation item ticked.
    const [validation, documentation] = boxes.map((b) => b.block_id!);
    expect((await tick(h, validation!, checklist.validation.items.map((i) => i.id))).status).toBe(200);
    expect((await tick(h, documentation!, ['timeline-updated', 'not-an-item'])).status).toBe(200);
    const ticks = (await timeline(h, incident.id)).filter((e) => e.text.startsWith('Post-rollback checklist'));
    expect(ticks.map((e) => [e.actor, e.text])).toEqual([
      [RESPONDER, `Post-rollback checklist, ${checklist.validation.title}: 5 of 5 ticked`],
      [RESPONDER, `Post-rollback checklist, ${checklist.documentation.title}: 1 of 5 ticked`],
    ]);

    await waitFor('reminders due', async () => (await recoveryJobs(h!.prefix)).filter((j) => j.data.kind === 'reminder' && j.state === 'completed').length === 3, 15_000);
    const byPhase = Object.fromEntries((await recoveryJobs(h.prefix)).map((j) => [j.data.phase, j.returned]));
    expect(byPhase).toEqual({ validation: 'skipped-done', documentation: 'posted', rootCause: 'posted' });
    const posted = reminders(h);
    expect(posted).toHaveLength(2);
    const [docs, root] = [posted.find((t) => t.includes(checklist.documentation.title))!, posted.find((t) => t.includes(checklist.rootCause.title))!];
    expect(docs).toContain('4 s after the rollback');
    expect(docs).not.toContain('The incident timeline is complete');
    for (const item of checklist.documentation.items.slice(1)) expect(docs).toContain(item.text.replace('&', '&amp;'));
    for (const item of checklist.rootCause.items) expect(root).toContain(item.text);
  });

  it('a tick on a checklist the server never posted is refused and stores nothing', async () => {
    h = await startHarness({ config: recoveryConfig({ guard: false }), content: recoveryContent() });
    const before = h.slack.responses.length;
    expect((await tick(h, 'post_rollback|validation|rollback-incident-INC-404-x', ['error-rate-back'])).status).toBe(200);
    await waitFor('ephemeral refusal', () => h!.slack.responses.length > before);
    expect(String(h.slack.responses.at(-1)!.body.text)).toBe('This checklist does not belong to a rollback I know.');
    expect(await h.redis.keys(`${h.prefix}:recovery:*`)).toEqual([]);
  });

  it('an incident resolved meanwhile: the remaining checks and every reminder do nothing', async () => {
    const content = recoveryContent({
      errorRate: { below: 0.01, within: 3000 },
      latencyP95: { ofBaseline: 1.1, within: 3000 },
      throughput: { tolerance: 0.1, over: 30_000, within: 3000 },
      checklistReminders: { validation: 3000, documentation: 3200, rootCause: 3400 },
    });
    h = await startHarness({ config: recoveryConfig(), content });
    const { incident } = await rollBack(h);
    await pushHealthy(h, Date.now() - 5 * 60_000, { errorRate: 0.5 });
    await resolveIncidentViaSlack(h, incident.id);
    await waitFor('all recovery jobs done', async () => {
      const jobs = await recoveryJobs(h!.prefix);
      return jobs.length === 6 && jobs.every((j) => j.state === 'completed');
    }, 15_000);
    expect((await recoveryJobs(h.prefix)).map((j) => j.returned)).toEqual(Array(6).fill('skipped-resolved'));
    expect(threadTexts(h).filter((t) => /recovered\*|no data\*|alarm_clock/.test(t))).toEqual([]);
    expect(h.slack.called('chat.postMessage').filter((c) => c.body.channel === 'D0U0ONCALL')).toHaveLength(0);
  });
});
