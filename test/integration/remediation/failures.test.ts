import nock from 'nock';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { recordingEndpoint, type Answer, type RecordedCall } from '../../helpers/recorder';
import {
  click,
  INCIDENT_CHANNEL,
  remediationJobs,
  seedRollback,
  serviceConfig,
  settled,
  statusTimeline,
  timeline,
  untilJobsFinished,
} from '../../helpers/remediation';

/** The deployer answers each call with the next answer (the last one repeats) and records every call. */
const deployerAnswering = (...answers: Answer[]) => recordingEndpoint('https://deployer.test', 'post', '/rollback', answers);
const keysOf = (calls: RecordedCall[]) => calls.map((call) => call.headers['idempotency-key']);

const healthy = () => nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(200);

describe('Rollback failures and retries', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
    nock.cleanAll();
  });

  async function setup(config = serviceConfig()) {
    h = await startHarness({ config });
    return { h, ...(await seedRollback(h)) };
  }

  it('retries a 5xx with backoff and the same idempotency key, then succeeds', async () => {
    const { h, deploy, incident, context, id } = await setup();
    const { calls } = deployerAnswering([503, { message: 'deployer busy' }], [200, { message: 'rolled back' }]);
    healthy();

    expect((await click(h, { deploy, context })).status).toBe(200);
    const record = await settled(h, id, 'succeeded');
    await untilJobsFinished(h);

    expect(keysOf(calls)).toEqual([id, id]);
    // The receiver saw the retry no sooner than the configured backoff (100 ms, less timer granularity).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(90);
    expect(record.progress.attempt).toBe(2);
    await waitFor('final status', () => statusTimeline(h).updates.some((u) => u.text.endsWith(': succeeded')));
    const states = statusTimeline(h).updates.map((u) => u.text.replace(/.*: /, ''));
    expect(states.indexOf('retrying')).toBeGreaterThan(-1);
    expect(states.lastIndexOf('running')).toBeGreaterThan(states.indexOf('retrying'));
    const texts = (await timeline(h, incident.id)).map((e) => e.text);
    expect(texts).toContain('Rollback attempt 1 failed: deployer answered HTTP 503: deployer busy; retrying in 100 ms');
    expect(texts.some((t) => t.startsWith('Rollback running (attempt 2 of 3)'))).toBe(true);
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
  });

  it('gives up at once on a 4xx: plain-words failure, timeline, escalation; pressing again starts a new run', async () => {
    const { h, deploy, incident, context, id } = await setup();
    // A retry of the 4xx would be answered 200 and recorded: the failure must stay the only call.
    const { calls } = deployerAnswering([400, { message: 'version v1.2.2 is not deployable' }], [200, { message: 'rolled back' }]);

    expect((await click(h, { deploy, context })).status).toBe(200);
    const failed = await settled(h, id, 'failed');
    await untilJobsFinished(h);
    expect(calls).toHaveLength(1);
    expect(failed.progress.error).toBe('deployer answered HTTP 400: version v1.2.2 is not deployable');

    const [job] = await remediationJobs(h.prefix);
    expect(job).toMatchObject({ id, state: 'failed', attemptsMade: 1 });

    const failure = h.slack.called('chat.postMessage').find((p) => String(p.body.text).includes('failed: deployer answered HTTP 400'));
    const text = JSON.stringify(failure!.body.blocks);
    expect(failure!.body).toMatchObject({ channel: INCIDENT_CHANNEL, thread_ts: '1700000000.000100' });
    expect(text).toContain('*What went wrong:* deployer answered HTTP 400: version v1.2.2 is not deployable');
    // The escalation engine runs in the harness: it is asked to page the next level (level 1 here).
    expect(text).toContain('Escalated to level 1 through the escalation policy: <@U0ONCALL>');
    await waitFor('failed status', () => statusTimeline(h).updates.some((u) => u.text.endsWith(': failed')));

    const entries = await timeline(h, incident.id);
    const texts = entries.map((e) => e.text);
    expect(texts).toContain('Rollback failed (retrying will not help): deployer answered HTTP 400: version v1.2.2 is not deployable');
    expect(texts.some((t) => t.startsWith('Failure posted in the thread; escalated. Level 1: <@U0ONCALL>'))).toBe(true);
    expect(entries.some((e) => e.kind === 'escalation')).toBe(true);

    // A responder presses again after the failure: a second run, with its own idempotency key.
    healthy();
    expect((await click(h, { deploy, context, userId: 'U0RESP2' })).status).toBe(200);
    const second = await settled(h, id, 'succeeded');
    expect(second.spec.run).toBe(2);
    expect(second.spec.actor).toBe('U0RESP2');
    await untilJobsFinished(h);
    expect(keysOf(calls)).toEqual([id, `${id}-run2`]);
    expect(statusTimeline(h).posts).toHaveLength(2);
  });

  it('a command that times out is killed, retried, then reported in plain words', async () => {
    const rollback = `{ executor: command, argv: ["${process.execPath}", "-e", "setTimeout(() => {}, 30000)", "{{previousVersion}}"], timeout: 300ms, attempts: 2, backoff: 100ms }`;
    const { h, deploy, incident, context, id } = await setup(serviceConfig({ rollback }));

    expect((await click(h, { deploy, context })).status).toBe(200);
    const failed = await settled(h, id, 'failed', 15_000);
    await untilJobsFinished(h);
    expect(failed.progress.attempt).toBe(2);
    const program = process.execPath;
    expect(failed.progress.error).toBe(`${program} timed out after 300 ms and was killed`);

    const texts = (await timeline(h, incident.id)).map((e) => e.text);
    expect(texts).toContain(`Rollback attempt 1 failed: ${program} timed out after 300 ms and was killed; retrying in 100 ms`);
    expect(texts).toContain(`Rollback failed (after 2 attempts): ${program} timed out after 300 ms and was killed`);
    const failure = h.slack.called('chat.postMessage').find((p) => String(p.body.text).includes('timed out'));
    expect(JSON.stringify(failure!.body.blocks)).toContain('failed* after 2 attempts');
    expect(await remediationJobs(h.prefix)).toMatchObject([{ id, state: 'failed', attemptsMade: 2 }]);
  });
});
