import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { signBody } from '../../../src/outbound/executors/http-rollback';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { recordingEndpoint, unmatchedRequests } from '../../helpers/recorder';
import {
  actionRecord,
  click,
  INCIDENT_CHANNEL,
  ONCALL_GROUP,
  remediationJobs,
  RESPONDER,
  RESPONDER_2,
  SECRET,
  seedDeploy,
  seedIncident,
  serviceConfig,
  settled,
  statusTimeline,
  timeline,
  untilJobsFinished,
} from '../../helpers/remediation';

/** The deployer: answers 200 after `delayMs` to every call, and records each one. */
const deployer = (delayMs = 0) =>
  recordingEndpoint('https://deployer.test', 'post', '/rollback', [[200, { message: 'switched traffic back to blue' }]], { delayMs });

const healthy = () => nock('https://checkout.test').get('/health').reply(200, 'ok').get('/ready').reply(200, 'ok');

describe('Rollback button through POST /slack/events', () => {
  let h: Harness;
  let unmatched: ReturnType<typeof unmatchedRequests>;

  beforeEach(async () => {
    unmatched = unmatchedRequests();
    h = await startHarness({ config: serviceConfig() });
    h.slack.on('usergroups.users.list', (call) => (call.body.usergroup === ONCALL_GROUP ? { ok: true, users: ['U0ONCALL'] } : undefined));
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
    unmatched.stop();
    expect(unmatched.list).toEqual([]);
  });

  const ephemerals = () => h.slack.responses.map((r) => String(r.body.text ?? ''));

  it('acks, runs the signed rollback once, keeps one status message current, verifies and announces', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const { calls } = deployer();
    const health = healthy();
    const context = { kind: 'incident' as const, id: incident.id };
    const id = remediationActionId('rollback', context, deploy.id);

    const answer = await click(h, { deploy, context });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');

    const record = await settled(h, id, 'succeeded');
    // The status message is updated once more after verification; wait for that last one.
    await waitFor('final status update', () => JSON.stringify(h.slack.called('chat.update').at(-1)?.body.blocks ?? '').includes('health checks passing'));
    health.done();
    await untilJobsFinished(h);

    // The deployer got one signed JSON body carrying the idempotency key.
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.headers['x-firebreak-signature']).toBe(signBody(SECRET, call!.body));
    expect(call!.headers['idempotency-key']).toBe(id);
    expect(JSON.parse(call!.body)).toMatchObject({
      action: 'rollback',
      service: 'checkout',
      environment: 'production',
      fromVersion: 'v1.2.3',
      toVersion: 'v1.2.2',
      strategy: 'blue-green',
      deployId: deploy.id,
      incidentId: incident.id,
      actor: RESPONDER,
      idempotencyKey: id,
    });

    // One status message: posted once (here by the worker as it starts; status-message.test.ts has
    // the click posting it when no worker is free), then only updated — running, then succeeded.
    const status = statusTimeline(h);
    expect(status.posts).toHaveLength(1);
    expect(status.posts[0]).toMatch(/Rollback of \*checkout\* v1\.2\.3 → v1\.2\.2 \(blue-green, production\): (running|queued)$/);
    expect(status.updates.every((u) => u.ts === record.statusTs)).toBe(true);
    const states = [status.posts[0]!, ...status.updates.map((u) => u.text)].map((text) => text.replace(/.*: /, ''));
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('succeeded');
    expect(states.indexOf('succeeded')).toBeGreaterThan(states.indexOf('running'));
    const finalBlocks = JSON.stringify(h.slack.called('chat.update').at(-1)!.body.blocks);
    expect(finalBlocks).toContain('of the runbook target of under 2 min');
    expect(finalBlocks).toContain('2/2 health checks passing');

    // Thread follow-ups: verification with the runbook's success criteria, then the announcement (broadcast).
    const posts = h.slack.called('chat.postMessage');
    expect(posts.every((p) => p.body.channel === INCIDENT_CHANNEL && p.body.thread_ts === '1700000000.000100')).toBe(true);
    const verification = posts.find((p) => String(p.body.text).startsWith('Verification'));
    expect(JSON.stringify(verification!.body.blocks)).toContain('Error rate under 1 %');
    const announcement = posts.find((p) => String(p.body.text).includes('Deployment rolled back: checkout'));
    expect(String(announcement!.body.reply_broadcast)).toBe('true');
    expect(String(announcement!.body.text)).toContain('v1.2.3 → v1.2.2');
    expect(String(announcement!.body.text)).toContain('System stable on v1.2.2');
    expect(String(announcement!.body.text)).toContain(`<@${RESPONDER}>`);

    // Audit on the incident timeline: the click, each state, the result.
    const entries = (await timeline(h, incident.id)).filter((e) => e.kind === 'remediation');
    const texts = entries.map((e) => e.text);
    expect(texts[0]).toContain(`<@${RESPONDER}> asked for the rollback of checkout v1.2.3 → v1.2.2`);
    expect(entries[0]!.actor).toBe(RESPONDER);
    expect(texts.some((t) => t.startsWith('Rollback running (attempt 1 of 3)'))).toBe(true);
    expect(texts.some((t) => t.startsWith('Rollback succeeded in'))).toBe(true);
    expect(texts).toContain('Verification: 2/2 health checks passing');
    expect(texts).toContain('Rollback announcement posted');
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
  });

  it('a double click runs the action once and tells the clicker who started it and its state', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const { calls } = deployer(400);
    healthy();
    const context = { kind: 'incident' as const, id: incident.id };
    const id = remediationActionId('rollback', context, deploy.id);

    expect((await click(h, { deploy, context })).status).toBe(200);
    await waitFor('running', async () => (await actionRecord(h, id))?.progress.state === 'running');
    expect((await click(h, { deploy, context })).status).toBe(200);
    await waitFor('ephemeral answer', () => ephemerals().length === 1);
    expect(ephemerals()[0]).toMatch(/already started by <@U0RESP1> at .* — it is \*running\* \(attempt 1 of 3\)/);

    await settled(h, id, 'succeeded');
    await untilJobsFinished(h);
    expect(calls).toHaveLength(1);
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
    const texts = (await timeline(h, incident.id)).map((e) => e.text);
    expect(texts.filter((t) => t.includes('asked again for the rollback'))).toHaveLength(1);
  });

  it('two responders clicking at once start one job; the other is told who did', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const { calls } = deployer(200);
    healthy();
    const context = { kind: 'incident' as const, id: incident.id };
    const id = remediationActionId('rollback', context, deploy.id);

    // RESPONDER_2 by name, U0ONCALL through the S0ONCALL user group.
    const answers = await Promise.all([click(h, { deploy, context, userId: RESPONDER_2 }), click(h, { deploy, context, userId: 'U0ONCALL' })]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const record = await settled(h, id, 'succeeded');
    await untilJobsFinished(h);
    await waitFor('ephemeral answer', () => ephemerals().length === 1);
    expect([RESPONDER_2, 'U0ONCALL']).toContain(record.spec.actor);
    expect(ephemerals()[0]).toContain(`already started by <@${record.spec.actor}>`);
    expect(calls).toHaveLength(1);
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
  });

  it('a Slack retry of the same click is acknowledged and dropped', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const { calls } = deployer(100);
    healthy();
    const context = { kind: 'incident' as const, id: incident.id };
    const id = remediationActionId('rollback', context, deploy.id);

    const details = { deploy, context, triggerId: '1700000000.42.retry' };
    expect((await click(h, details)).status).toBe(200);
    expect((await click(h, details, { retryNum: 1 })).status).toBe(200);
    expect((await click(h, details, { retryNum: 2 })).status).toBe(200);
    await settled(h, id, 'succeeded');
    await untilJobsFinished(h);
    expect(calls).toHaveLength(1);
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
    expect(statusTimeline(h).posts).toHaveLength(1);
  });

  it('refuses someone who is not a responder: ephemeral explanation, audit entry, no job', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const context = { kind: 'incident' as const, id: incident.id };

    const answer = await click(h, { deploy, context, userId: 'U0STRANGER' });
    expect(answer.status).toBe(200);
    await waitFor('ephemeral refusal', () => ephemerals().length === 1);
    expect(ephemerals()[0]).toContain("only checkout's responders may roll it back");
    expect(ephemerals()[0]).toContain(`<!subteam^${ONCALL_GROUP}>`);
    expect(h.slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });

    const refused = (await timeline(h, incident.id)).find((e) => e.text.startsWith('Refused rollback'));
    expect(refused).toMatchObject({ actor: 'U0STRANGER', kind: 'remediation' });
    expect(await actionRecord(h, remediationActionId('rollback', context, deploy.id))).toBeUndefined();
    expect(await remediationJobs(h.prefix)).toHaveLength(0);
    expect(h.slack.called('chat.postMessage')).toEqual([]);
  });
});
