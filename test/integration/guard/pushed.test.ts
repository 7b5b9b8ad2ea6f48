import nock from 'nock';
import { sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { postWebhook } from '../../helpers/webhooks';
import { guardConfig, guardWindow, postDeploy, postsIn, SERVICE_CHANNEL } from './helpers';

const iso = (ms: number) => new Date(ms).toISOString();

describe('POST /webhooks/metrics and the guard on pushed samples', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ config: guardConfig('propose', { prometheus: false, guard: 'staleAfter: 1500ms' }) });
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  const push = (samples: { signal: string; value: number; at?: string }[], service = 'checkout') =>
    postWebhook(h.url, 'metrics', { service, samples: samples.map((s) => ({ at: iso(Date.now()), ...s })) });

  it('answers like every webhook: 401, 400 with every issue and nothing stored, 202 and a duplicate 202', async () => {
    const body = { service: 'checkout', samples: [{ signal: 'errorRate', value: 0.01, at: iso(Date.now() - 60_000) }] };
    expect((await postWebhook(h.url, 'metrics', body, { 'Content-Type': 'application/json' })).status).toBe(401);
    const bad = await postWebhook(h.url, 'metrics', { service: 'checkout', samples: [{ signal: 'cpu', value: -1, at: 'yesterday' }] });
    expect(bad.status).toBe(400);
    expect((bad.json.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['samples.0.at', 'samples.0.signal', 'samples.0.value']);
    expect((await postWebhook(h.url, 'metrics', { service: 'checkout', samples: [] })).status).toBe(400);
    expect(await h.redis.keys(`${h.prefix}:{service:*}:metric-samples:*`)).toEqual([]);

    const first = await postWebhook(h.url, 'metrics', body);
    expect(first.status).toBe(202);
    expect(first.json.id).toEqual(expect.any(String));
    expect(await postWebhook(h.url, 'metrics', body)).toEqual({ status: 202, json: { id: first.json.id, duplicate: true } });
    expect(await h.redis.keys(`${h.prefix}:{service:*}:metric-samples:*`)).toEqual([`${h.prefix}:{service:checkout}:metric-samples:production:errorRate`]);
  });

  it('refuses samples it would not keep: 400 naming each when none is usable, the rest skipped when some are', async () => {
    const now = Date.now();
    const stale = { signal: 'errorRate', value: 0.02, at: iso(now - 4 * 3600_000) };
    const ahead = { signal: 'errorRate', value: 0.03, at: iso(now + 3600_000) };
    const refused = await postWebhook(h.url, 'metrics', { service: 'checkout', samples: [stale, ahead] });
    expect(refused.status).toBe(400);
    const issues = refused.json.issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path)).toEqual(['samples.0.at', 'samples.1.at']);
    expect(issues[0]?.message).toMatch(/too old; accepted: .* to .* \(samples are kept 3 hours, at most 5 minutes ahead\)/);
    expect(issues[1]?.message).toContain('in the future');
    expect(await h.redis.keys(`${h.prefix}:{service:*}:metric-samples:*`)).toEqual([]);

    const fresh = { signal: 'errorRate', value: 0.01, at: iso(now - 1000) };
    const partial = await postWebhook(h.url, 'metrics', { service: 'checkout', samples: [stale, fresh, ahead] });
    expect(partial.status).toBe(202);
    expect(partial.json).toEqual({
      id: expect.any(String),
      accepted: 1,
      skipped: [
        { index: 0, reason: expect.stringContaining('too old') },
        { index: 2, reason: expect.stringContaining('in the future') },
      ],
    });
    const stored = await h.redis.zrange(`${h.prefix}:{service:checkout}:metric-samples:production:errorRate`, 0, -1);
    expect(stored).toEqual([`${Date.parse(fresh.at)}|0.01`]);
  });

  it('judges pushed samples: the p95 baseline from before the deploy, a sustained breach after it', async () => {
    const deployedAt = Date.now() - 1000;
    expect(
      (
        await push([
          { signal: 'latencyP95', value: 0.2, at: iso(deployedAt - 10 * 60_000) },
          { signal: 'latencyP95', value: 0.3, at: iso(deployedAt - 5 * 60_000) },
        ])
      ).status,
    ).toBe(202);
    const deployId = await postDeploy(h, { timestamp: iso(deployedAt) });
    const healthy = [
      { signal: 'errorRate', value: 0.01 },
      { signal: 'latencyP95', value: 0.3 },
      { signal: 'healthFailures', value: 0 },
    ];
    for (let i = 0; i < 6; i++) {
      await push(healthy);
      await sleep(200);
    }
    expect(postsIn(h, SERVICE_CHANNEL)).toEqual([]);
    expect((await guardWindow(h, deployId))?.baseline).toEqual({ value: 0.25 });

    // p95 at 0.6 s is above 2 × 0.25 s: once sustained for 2 s, the card.
    const started = Date.now();
    while (postsIn(h, SERVICE_CHANNEL).length === 0 && Date.now() - started < 8_000) {
      await push([...healthy.filter((s) => s.signal !== 'latencyP95'), { signal: 'latencyP95', value: 0.6 }]);
      await sleep(200);
    }
    expect(postsIn(h, SERVICE_CHANNEL)).toHaveLength(1);
    expect(postsIn(h, SERVICE_CHANNEL)[0]).toContain('p95 latency 600 ms above 2 × baseline 250 ms (500 ms)');
    // Not at the first bad sample: the card's evidence spans the rule's 2 s.
    expect(Number(/sustained (\d+) s, rule: 2 s/.exec(postsIn(h, SERVICE_CHANNEL)[0]!)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('samples that stop coming are a gap: reported once, never taken as healthy', async () => {
    await postDeploy(h);
    for (let i = 0; i < 3; i++) {
      await push([
        { signal: 'errorRate', value: 0.01 },
        { signal: 'latencyP95', value: 0.2 },
        { signal: 'healthFailures', value: 0 },
      ]);
      await sleep(200);
    }
    await waitFor('the gap report', () => postsIn(h, SERVICE_CHANNEL).some((t) => t.includes('no data for error rate')), 6_000);
    await sleep(1000);
    const reports = postsIn(h, SERVICE_CHANNEL);
    // The missing baseline (no p95 samples before the deploy) and the silent signals, each said once.
    expect(reports.length).toBeLessThanOrEqual(2);
    const all = reports.join('\n');
    expect(all.split('no p95 latency baseline')).toHaveLength(2);
    for (const signal of ['error rate', 'health-check failures']) expect(all.split(`no data for ${signal}`)).toHaveLength(2);
    expect(all).toContain('Not treated as healthy');
  });
});
