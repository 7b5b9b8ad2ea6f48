import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { redisUrl, sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { click, seedDeploy, seedIncident, serviceConfig, settled, timeline } from '../../helpers/remediation';
import { startSlackServer, type SlackServer } from '../../helpers/slack-server';
import { exited, startWorkerProcess } from '../../helpers/worker-processes';



const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

/**
 * The `command` executor's contract under a crash, as the README states it: the command that was
 * running is not stopped (it runs in its own process group) and the job runs it again, with the same
 * idempotency key, once its worker's lock expires. Deploy scripts must be idempotent on that key.
 */
describe('command executor cut by a crash', () => {
  let h: Harness | undefined;
  let slack: SlackServer | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    await h?.close();
    await slack?.close();
  });

  it('a worker SIGKILLed while the command runs: the command finishes on its own, and runs again with the same key', async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-command-')), 'runs.log');
    slack = await startSlackServer();
    const script = `echo "start $1" >> '${log}'; sleep 2; echo "done $1" >> '${log}'`;
    const config = serviceConfig({
      rollback: `{ executor: command, argv: ["/bin/sh", "-c", "${script.replace(/"/g, '\\"')}", "rollback", "{{idempotencyKey}}"], timeout: 30s, attempts: 3, backoff: 100ms }`,
      healthChecks: [],
    });
    h = await startHarness({ config, workers: false });
    const env = { TEST_REDIS_URL: redisUrl(), FIREBREAK_REDIS_PREFIX: h.prefix, FIREBREAK_TEST_CONFIG: config, SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' };
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const context = { kind: 'incident' as const, id: incident.id };
    const id = remediationActionId('rollback', context, deploy.id);

    const first = await startWorkerProcess(env);
    children.push(first);
    expect((await click(h, { deploy, context })).status).toBe(200);
    await waitFor('the command to start', () => lines(log).length === 1, 15_000);
    first.kill('SIGKILL');
    await exited(first);

    // The orphaned command is not stopped by the crash: it finishes by itself.
    await waitFor('the first run to finish', () => lines(log).includes(`done ${id}`), 10_000);
    children.push(await startWorkerProcess(env));
    const record = await settled(h, id, 'succeeded', 30_000);
    await sleep(100);
    expect(lines(log)).toEqual([`start ${id}`, `done ${id}`, `start ${id}`, `done ${id}`]);
    expect(record.progress.state).toBe('succeeded');
    const texts = (await timeline(h, incident.id)).map((e) => e.text);
    expect(texts.some((t) => t.startsWith('Rollback running again after its worker stopped'))).toBe(true);
    expect(texts.filter((t) => t.startsWith('Rollback succeeded'))).toHaveLength(1);
  }, 60_000);
});
