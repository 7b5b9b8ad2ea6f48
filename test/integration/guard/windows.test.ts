import nock from 'nock';
import { sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { remediationJobs } from '../../helpers/remediation';
import { FakePrometheus, guardConfig, guardJobs, guardWindow, postDeploy, postsIn, SERVICE_CHANNEL } from './helpers';

describe('deploy guard windows', () => {
  let h: Harness;
  let prometheus: FakePrometheus;

  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  async function start(mode: 'propose' | 'auto', guard?: string) {
    h = await startHarness({ config: guardConfig(mode, { guard }) });
    prometheus = new FakePrometheus();
  }

  it('a healthy deploy stays silent for its whole window, then the guard stops', async () => {
    await start('auto', 'window: 3s');
    const deployId = await postDeploy(h);
    await waitFor('the window to end', async () => (await guardWindow(h, deployId))?.state === 'expired', 8_000);
    // It evaluated while the window ran (how many ticks fit depends on the machine's speed: a late
    // tick is skipped, never run twice).
    expect(prometheus.evaluations()).toBeGreaterThanOrEqual(2);
    expect(h.slack.called('chat.postMessage')).toEqual([]);
    expect(await remediationJobs(h.prefix)).toEqual([]);
    // The tick that ended the window is marked completed a moment after it wrote "expired".
    await waitFor('the last tick to finish', async () => (await guardJobs(h.prefix)).every((job) => job.state === 'completed'));
    expect((await guardJobs(h.prefix)).every((job) => /^guard-[0-9a-f-]+-\d+$/.test(job.id))).toBe(true);
    const seen = prometheus.evaluations();
    await sleep(600);
    expect(prometheus.evaluations()).toBe(seen);
  });

  it('Prometheus down is reported in the channel once, and nothing is done about the deploy', async () => {
    await start('auto');
    prometheus.down = true;
    const deployId = await postDeploy(h);
    await waitFor('the report', () => postsIn(h, SERVICE_CHANNEL).length === 1);
    const seen = prometheus.evaluations();
    await waitFor('more evaluations', () => prometheus.evaluations() >= seen + 6);
    expect(postsIn(h, SERVICE_CHANNEL)).toHaveLength(1);
    expect(postsIn(h, SERVICE_CHANNEL)[0]).toMatch(
      /Deploy guard cannot judge checkout v1\.2\.3:\* Prometheus http:\/\/prometheus\.test cannot be read since .* UTC: HTTP 503: unavailable: TSDB not ready\. Not treated as healthy/,
    );
    expect(h.slack.called('conversations.create')).toEqual([]);
    expect(await remediationJobs(h.prefix)).toEqual([]);
    expect((await guardWindow(h, deployId))?.state).toBe('watching');

    // A gap is not healthy, nor a breach: bad readings after it must be sustained on their own.
    nock('https://deployer.test').post('/rollback').reply(200, { message: 'ok' });
    nock('https://checkout.test').get('/health').reply(200, 'ok');
    prometheus.down = false;
    prometheus.values.errorRate = 0.2;
    await waitFor('the rollback asked for', async () => (await remediationJobs(h.prefix)).length === 1);
  });

  it('a newer deploy supersedes the window; a rolled-back event ends one', async () => {
    await start('propose');
    const first = await postDeploy(h);
    await waitFor('first evaluations', () => prometheus.evaluations() >= 2);
    const second = await postDeploy(h, { version: 'v1.2.4', previousVersion: 'v1.2.3' });
    await waitFor('the first window superseded', async () => (await guardWindow(h, first))?.state === 'superseded');
    expect((await guardWindow(h, first))?.endedBecause).toBe('superseded by v1.2.4');

    prometheus.values.errorRate = 0.3;
    await waitFor('the card', () => postsIn(h, SERVICE_CHANNEL).length === 1);
    expect(postsIn(h, SERVICE_CHANNEL)[0]).toContain('checkout v1.2.4 is unhealthy* — roll back to *v1.2.3*?');
    const card = h.slack.called('chat.postMessage')[0]!;
    expect(JSON.stringify(card.body.blocks)).toContain(second);
    expect(JSON.stringify(card.body.blocks)).not.toContain(first);

    // v1.2.4 is rolled back by someone else: its window ends, whatever the readings say.
    await postDeploy(h, { version: 'v1.2.4', previousVersion: 'v1.2.3', status: 'rolled_back' });
    await waitFor('the second window ended', async () => (await guardWindow(h, second))?.state === 'superseded');
    expect((await guardWindow(h, second))?.endedBecause).toBe('the deploy was rolled back or replaced');
    const seen = prometheus.evaluations();
    await sleep(600);
    expect(prometheus.evaluations()).toBe(seen);
  });

  it('a missing p95 baseline is reported once; the other signals are still judged', async () => {
    await start('propose');
    prometheus.values.baseline = undefined;
    await postDeploy(h);
    await waitFor('the report', () => postsIn(h, SERVICE_CHANNEL).length === 1);
    expect(postsIn(h, SERVICE_CHANNEL)[0]).toContain('no p95 latency baseline from the 30 min before the deploy');
    expect(postsIn(h, SERVICE_CHANNEL)[0]).toContain('The other signals are still judged.');
    prometheus.values.latencyP95 = 50;
    prometheus.values.errorRate = 0.5;
    await waitFor('the card', () => postsIn(h, SERVICE_CHANNEL).length === 2);
    expect(postsIn(h, SERVICE_CHANNEL)[1]).toContain('error rate 50 % above 5 %');
    expect(postsIn(h, SERVICE_CHANNEL)[1]).not.toContain('p95');
    expect(prometheus.calls.filter((c) => c.signal === 'baseline')).toHaveLength(1);
  });
});

describe('deploy guard across a restart', () => {
  it('the window lives in Redis and its ticks in BullMQ: a new process carries on and acts once', async () => {
    const first = await startHarness({ config: guardConfig('propose') });
    const before = new FakePrometheus();
    const deployId = await postDeploy(first);
    await waitFor('evaluations', () => before.evaluations() >= 2);
    await first.app.close();
    nock.cleanAll(); // the new process gets its own fake Slack and Prometheus

    const second = await startHarness({ config: guardConfig('propose'), prefix: first.prefix });
    try {
      const after = new FakePrometheus();
      after.values.errorRate = 0.12;
      await waitFor('the card from the new process', () => postsIn(second, SERVICE_CHANNEL).length === 1);
      expect(after.calls.some((c) => c.signal === 'baseline')).toBe(false); // read before the restart, kept in the window
      const window = await guardWindow(second, deployId);
      expect(window?.tick).toBeGreaterThan(2);
      expect(window?.breaches.map((b) => b.signal)).toEqual(['errorRate']);
    } finally {
      await first.redis.quit();
      await second.close();
    }
  });
});
