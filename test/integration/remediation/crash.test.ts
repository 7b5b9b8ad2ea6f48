import type { ChildProcess } from 'node:child_process';
import { redisUrl, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { actionRecord, click, remediationJobs, seedRollback, serviceConfig, settled, startLocalDeployer, timeline, untilJobsFinished } from '../../helpers/remediation';
import { startSlackServer, type SlackServer } from '../../helpers/slack-server';
import { exited, startWorkerProcess } from '../../helpers/worker-processes';

describe('crash safety', () => {
  let h: Harness | undefined;
  let slack: SlackServer | undefined;
  let deployer: Awaited<ReturnType<typeof startLocalDeployer>> | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    await h?.close();
    await slack?.close();
    await deployer?.close();
  });

  it('a worker killed with SIGKILL mid-call: another picks the job up in seconds, same idempotency key, done once', async () => {
    // The first call is never answered: its worker dies mid-call.
    deployer = await startLocalDeployer({ hangFirst: true });
    slack = await startSlackServer();
    const config = serviceConfig({
      rollback: `{ executor: http, url: "${deployer.base}/rollback", secret: "s3cret", attempts: 3, backoff: 100ms, timeout: 30s }`,
      healthChecks: [`${deployer.base}/health`],
    });
    // The bot answers Slack and enqueues; only the child processes run jobs.
    h = await startHarness({ config, workers: false });
    const env = { TEST_REDIS_URL: redisUrl(), FIREBREAK_REDIS_PREFIX: h.prefix, FIREBREAK_TEST_CONFIG: config, SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' };
    const { deploy, incident, context, id } = await seedRollback(h);

    const first = await startWorkerProcess(env);
    children.push(first);
    expect((await click(h, { deploy, context })).status).toBe(200);
    await waitFor('the first call to reach the deployer', () => deployer!.keys.length === 1, 15_000);
    // The worker posts the status message alongside the call; killed before it recorded the post, the
    // next worker could not know of it and would post another (a post and its record are not atomic).
    await waitFor('the status message to be recorded', async () => (await actionRecord(h!, id))?.statusTs !== undefined);
    first.kill('SIGKILL');
    await exited(first);

    children.push(await startWorkerProcess(env));
    const record = await settled(h, id, 'succeeded', 25_000);
    // The record says succeeded a moment before BullMQ marks the job completed.
    await untilJobsFinished(h);

    expect(deployer.keys).toEqual([id, id]);
    expect(record.progress.state).toBe('succeeded');
    expect(await remediationJobs(h.prefix)).toMatchObject([{ id, state: 'completed' }]);
    const texts = (await timeline(h, incident.id)).map((e) => e.text);
    expect(texts.filter((t) => t.startsWith('Rollback succeeded'))).toHaveLength(1);
    expect(texts.filter((t) => t === 'Rollback announcement posted')).toHaveLength(1);
    expect(texts.some((t) => t.startsWith('Rollback running again after its worker stopped'))).toBe(true);
    const announcements = slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.body.text).includes('Deployment rolled back'));
    expect(announcements).toHaveLength(1);
    // The status message the bot posted is the one the workers updated.
    expect(slack.calls.filter((c) => c.method === 'chat.update').every((c) => c.body.ts === record.statusTs)).toBe(true);
  }, 60_000);
});
