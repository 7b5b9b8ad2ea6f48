import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DRILL_ACTIONS } from '../../../src/blocks/drill';
import { loadContent } from '../../../src/content';
import { fixedClock } from '../../../src/lib/clock';
import { redisKeys } from '../../../src/lib/keys';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { redisUrl, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { resolveIncidentViaSlack } from '../../helpers/incidents';
import { recordingEndpoint, unmatchedRequests } from '../../helpers/recorder';
import { blockAction, FORM, postSigned, slashCommand } from '../../helpers/slack';

const CONFIG = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0RESP1]
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
      - { after: 0m, notify: [U0LEAD] }
    rollback: { executor: http, url: "http://deployer.test/rollback", secret: "drill-secret" }
    flags: { provider: http, url: "http://flags.test/api", token: "flag-token" }
`;

const MINUTE = 60_000;
const content = loadContent();

describe('/incident drill through signed Slack requests', () => {
  let h: Harness;
  const clock = fixedClock(new Date());

  beforeEach(async () => {
    clock.set(new Date());
    h = await startHarness({ config: CONFIG, clock });
  });
  afterEach(() => h.close());

  const command = async (text: string, extra: { user_id?: string; channel_id?: string } = {}) => {
    const answer = await postSigned(h.url, slashCommand({ text, user_id: 'U0STARTER', ...extra }), FORM);
    expect(answer.status).toBe(200);
    return (answer.json as { text: string }).text;
  };

  it('lists the shipped scenarios', async () => {
    const text = await command('drill');
    for (const id of ['bad-deploy', 'flag-misconfig', 'dependency-down', 'latency-regression']) expect(text).toContain(`\`${id}\``);
    expect(await command('drill no-such-thing')).toContain('No drill "no-such-thing"');
  });

  it('a drill never touches the status page', async () => {
    expect(await command('drill bad-deploy')).toContain('started as INC-1');
    await waitFor('drill channel', () => h.slack.called('pins.add').length === 1);
    expect(await command('statuspage', { channel_id: 'C0INC1' })).toContain('a drill never touches the status page');
    expect(h.slack.called('views.open')).toEqual([]);
    expect(JSON.stringify(await (await fetch(`${h.url}/status.json`)).json())).not.toContain('INC-1');
  });

  it('bad-deploy: marked, dry-run only, pages participants, reports from the clock, remembers the test and schedules the reminder', async () => {
    const deployer = recordingEndpoint('http://deployer.test', 'post', '/rollback');
    const flags = recordingEndpoint('http://flags.test', 'post', '/api');
    const unmatched = unmatchedRequests();
    const startedAt = clock.now().getTime();

    expect(await command('drill bad-deploy <@U0PART|part>')).toContain('Drill `bad-deploy` started as INC-1 in #drill-');
    await waitFor('drill channel and its pinned Initial message', () => h.slack.called('pins.add').length === 1);
    const created = h.slack.called('conversations.create')[0]!;
    expect(String(created.body.name)).toMatch(/^drill-\d{8}-drill-error-spike-after-a-deploy$/);
    const channel = 'C0INC1';
    const keys = redisKeys(h.prefix);
    const incidents = new RedisIncidentStore(h.redis, keys);
    const incident = await incidents.findByChannel(channel);
    expect(incident?.drill).toEqual({ scenario: 'bad-deploy', runbook: 'recent-deployment-issue', service: 'checkout', participants: ['U0STARTER', 'U0PART'] });
    expect(incident?.service).toBeUndefined(); // real alerts on checkout never attach to a drill

    // The scripted deploy and alert, marked; the runbook's steps to tick. Both participants paged, nobody else.
    await waitFor('scenario and steps', () => h.slack.postsTo(channel).some((p) => p.includes('Runbook steps')));
    await waitFor('both participants paged', () => h.slack.called('conversations.open').length >= 2);
    const timeline = await incidents.timeline(incident!.id);
    const started = timeline.find((e) => e.kind === 'drill');
    expect(started?.data).toMatchObject({ deploy: { version: 'v2.8.0', drill: true }, alerts: [{ name: 'HighErrorRate', drill: true }] });

    // Acknowledge at +2 min.
    clock.advance(2 * MINUTE);
    expect(await command('ack', { user_id: 'U0PART', channel_id: channel })).toContain('cknowledged');

    // Rollback at +4 min: a dry run. The deployer and the flag service are never called.
    clock.advance(2 * MINUTE);
    const scenarioPost = h.slack.called('chat.postMessage').find((c) => c.body.channel === channel && JSON.stringify(c.body).includes('Rollback to v2.7.4'))!;
    const button = (scenarioPost.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === DRILL_ACTIONS.rollback)!;
    const clicked = await postSigned(h.url, blockAction({ channelId: channel, userId: 'U0PART', action: { type: 'button', action_id: DRILL_ACTIONS.rollback, block_id: 'b', value: button.value } }), FORM);
    expect(clicked.status).toBe(200);
    await waitFor('dry-run message', () => h.slack.postsTo(channel).some((p) => p.includes('*Dry run*')));
    const dryRun = h.slack.postsTo(channel).find((p) => p.includes('*Dry run*'))!;
    expect(dryRun).toContain('POST http://deployer.test/rollback');
    expect(dryRun).toContain('\\"toVersion\\": \\"v2.7.4\\"');
    expect(await command('rollback', { channel_id: channel })).toContain('Already done (dry run)');

    // Tick the first runbook step only.
    await postSigned(h.url, blockAction({ channelId: channel, userId: 'U0PART', action: { type: 'checkboxes', action_id: DRILL_ACTIONS.stepToggle, block_id: 'drill_steps_0', selected_options: [{ value: '0' }] } }), FORM);
    await waitFor('tick stored', async () => (await h.redis.smembers(keys.drill(incident!.id, 'ticked'))).includes('0'));

    // Resolve at +10 min: the report, with figures from the injected clock.
    clock.advance(6 * MINUTE);
    await resolveIncidentViaSlack(h, incident!.id);
    await waitFor('drill report', () => h.slack.postsTo(channel).some((p) => p.includes('Drill report')));
    const report = h.slack.postsTo(channel).find((p) => p.includes('*Drill report*'))!;
    expect(report).toContain('Time to acknowledge: *2 min* (target 5 min)');
    expect(report).toContain('Time to mitigate: *4 min* (target 5 min)');
    expect(report).toContain('Time to resolve: *10 min* (target 15 min)');
    expect(report).toContain('*passed*');
    const steps = content.runbook('recent-deployment-issue')!.steps;
    expect(report).toContain(`Skipped steps (${steps.length - 1})`);
    expect(report).not.toContain(`• ${steps[0]}`);

    // Every message in the drill channel and every DM carries the banner; nothing announced; no postmortem.
    const drillPosts = h.slack.called('chat.postMessage').filter((c) => c.body.channel === channel || String(c.body.channel).startsWith('D0'));
    expect(drillPosts.length).toBeGreaterThan(5);
    for (const post of drillPosts) expect(JSON.stringify((post.body.blocks as unknown[])[0])).toContain('DRILL');
    expect(h.slack.postsTo('#incidents')).toEqual([]);
    const paged = h.slack.called('conversations.open').map((c) => c.body.users);
    expect(new Set(paged)).toEqual(new Set(['U0STARTER', 'U0PART']));
    expect(h.slack.called('conversations.invite').map((c) => c.body.users).join(',')).not.toMatch(/U0ONCALL|U0LEAD|U0RESP1/);

    expect(deployer.calls).toHaveLength(0);
    expect(flags.calls).toHaveLength(0);
    expect(unmatched.list).toEqual([]);
    unmatched.stop();

    // The reminder: a delayed job with a deterministic id, due a quarter after the test.
    const testedAt = new Date(startedAt + 10 * MINUTE).toISOString();
    const jobId = `drill-due-recent-deployment-issue-${testedAt.replace(/\D/g, '')}`;
    const queue = new Queue(QUEUE_NAMES.drillReminders, { connection: new Redis(redisUrl(), { maxRetriesPerRequest: null }), prefix: keys.bullPrefix });
    try {
      await waitFor('reminder job', async () => (await queue.getJob(jobId)) !== undefined);
      const job = (await queue.getJob(jobId))!;
      expect(await job.getState()).toBe('delayed');
      expect(job.data).toEqual({ runbook: 'recent-deployment-issue', channel: '#checkout-alerts' });
      expect(job.opts.delay).toBe(content.policy.drills.testEvery);
    } finally {
      await queue.close();
      await (queue.opts.connection as Redis).quit();
    }

    // Last tested, by whom and the result: shown now, and after a restart of the bot.
    expect(await command('drill status')).toContain('`recent-deployment-issue`: last tested');
    await h.close({ keepData: true, keepSlack: true });
    h = await startHarness({ config: CONFIG, clock, prefix: h.prefix, slack: h.slack });
    const runbook = await command('runbook recent-deployment-issue');
    expect(runbook).toMatch(/last tested .* by <@U0STARTER> \(bad-deploy\): passed; next due/);
    expect(await command('drill status')).toMatch(/recent-deployment-issue`: last tested .* by <@U0STARTER>/);
  });

  it('the reminder fires when the next test is due (policy drills.testEvery), in the service channel', async () => {
    await h.close();
    h = await startHarness({ config: CONFIG, clock, content: { ...content, policy: { ...content.policy, drills: { ...content.policy.drills, testEvery: 1500 } } } });
    expect(await command('drill dependency-down')).toContain('started as INC-1');
    await waitFor('drill steps posted', () => h.slack.postsTo('C0INC1').some((p) => p.includes('Runbook steps')));
    expect(await command('rollback', { channel_id: 'C0INC1' })).toContain('no deploy to roll back');
    await resolveIncidentViaSlack(h, 'INC-1');
    await waitFor('drill report', () => h.slack.postsTo('C0INC1').some((p) => p.includes('*Drill report*')));
    expect(h.slack.postsTo('C0INC1').find((p) => p.includes('*Drill report*'))).toContain('Time to acknowledge: *not reached*');
    await waitFor('due reminder', () => h.slack.postsTo('#checkout-alerts').some((p) => p.includes('is due for a test')), 15_000);
    const reminder = h.slack.postsTo('#checkout-alerts').find((p) => p.includes('is due for a test'))!;
    expect(reminder).toContain('`incident-response`');
    expect(reminder).toContain('/incident drill dependency-down');
  });
});
