import type { ChildProcess } from 'node:child_process';
import nock from 'nock';
import { QUEUED_POST_AFTER_MS } from '../../../src/domain/remediation/requests';
import { redisKeys } from '../../../src/lib/keys';
import { redisUrl, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { recordingEndpoint } from '../../helpers/recorder';
import { actionRecord, click, INCIDENT_CHANNEL, isStatus, seedRollback, serviceConfig, settled, startLocalDeployer, statusTimeline, untilJobsFinished } from '../../helpers/remediation';
import { startSlackServer, type SlackServer } from '../../helpers/slack-server';
import { exited, startWorkerProcess } from '../../helpers/worker-processes';

describe('the status message of a rollback: posted once, by whoever comes first', () => {
  let h: Harness | undefined;
  let slack: SlackServer | undefined;
  let deployer: Awaited<ReturnType<typeof startLocalDeployer>> | undefined;
  let worker: ChildProcess | undefined;

  afterEach(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
    if (worker) await exited(worker);
    await h?.close();
    await slack?.close();
    await deployer?.close();
    nock.cleanAll();
    [h, slack, deployer, worker] = [undefined, undefined, undefined, undefined];
  });

  it('a free worker posts it as the job starts (running), and the click posts nothing', async () => {
    h = await startHarness({ config: serviceConfig() });
    recordingEndpoint('https://deployer.test', 'post', '/rollback', [[200, { message: 'switched traffic back' }]]);
    nock('https://checkout.test').get('/health').reply(200, 'ok').get('/ready').reply(200, 'ok');
    const { deploy, context, id } = await seedRollback(h);

    const clickedAt = Date.now();
    expect((await click(h, { deploy, context })).status).toBe(200);
    const record = await settled(h, id, 'succeeded');
    await untilJobsFinished(h);
    // Past the moment the click's side would have posted it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, clickedAt + QUEUED_POST_AFTER_MS + 500 - Date.now())));

    expect(await h.redis.hget(redisKeys(h.prefix).action(id), 'statusPoster')).toBe('worker');
    const status = statusTimeline(h);
    expect(status.posts).toHaveLength(1);
    expect(status.posts[0]).toMatch(/: running$/);
    expect(status.updates.length).toBeGreaterThan(0);
    expect(status.updates.every((u) => u.ts === record.statusTs)).toBe(true);
    expect(status.updates.at(-1)!.text).toMatch(/: succeeded$/);
  });

  it('with no worker running, the click posts it as queued after a second; the worker started later only updates it', async () => {
    deployer = await startLocalDeployer();
    slack = await startSlackServer();
    const config = serviceConfig({
      rollback: `{ executor: http, url: "${deployer.base}/rollback", secret: "s3cret", attempts: 3, backoff: 100ms }`,
      healthChecks: [`${deployer.base}/health`],
    });
    // Web only: this process answers Slack and enqueues; the job waits for a worker.
    h = await startHarness({ config, workers: false });
    const { deploy, context, id } = await seedRollback(h);

    const clickedAt = Date.now();
    expect((await click(h, { deploy, context })).status).toBe(200);
    await waitFor('the queued status message', () => statusTimeline(h!).posts.length === 1);
    expect(Date.now() - clickedAt).toBeGreaterThanOrEqual(QUEUED_POST_AFTER_MS);
    const [queued] = h.slack.called('chat.postMessage').filter((c) => isStatus(c.body.text));
    expect(String(queued!.body.text)).toMatch(/Rollback of \*checkout\* v1\.2\.3 → v1\.2\.2 \(blue-green, production\): queued$/);
    expect(queued!.body.channel).toBe(INCIDENT_CHANNEL);
    expect(await h.redis.hget(redisKeys(h.prefix).action(id), 'statusPoster')).toBe('clicker');
    await waitFor('the status ts to be recorded', async () => (await actionRecord(h!, id))?.statusTs !== undefined);
    const queuedTs = (await actionRecord(h, id))!.statusTs!;

    worker = await startWorkerProcess({ TEST_REDIS_URL: redisUrl(), FIREBREAK_REDIS_PREFIX: h.prefix, FIREBREAK_TEST_CONFIG: config, SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' });
    const record = await settled(h, id, 'succeeded', 20_000);
    await untilJobsFinished(h);

    expect(deployer.keys).toEqual([id]);
    expect(record.statusTs).toBe(queuedTs);
    // The worker posted no status message of its own: it updated the queued one, through to succeeded.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && isStatus(c.body.text))).toEqual([]);
    const updates = slack.calls.filter((c) => c.method === 'chat.update');
    expect(updates.every((c) => c.body.ts === queuedTs)).toBe(true);
    expect(updates.map((c) => String(c.body.text).replace(/.*: /, ''))).toEqual(expect.arrayContaining(['running', 'succeeded']));
    expect(statusTimeline(h).posts).toHaveLength(1);
  }, 40_000);
});
