import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Alert } from '../../../src/domain/alerts/model';
import type { NewDeploy } from '../../../src/domain/deploys/model';
import { fixedClock } from '../../../src/lib/clock';
import { redisKeys, type RedisKeys } from '../../../src/lib/keys';
import { ALERTS_PER_CALL, RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { RedisDeployStore } from '../../../src/outbound/store/deploy-store';
import { aDeploy } from '../../helpers/factories';
import { SlotMonitor, slotsOf, type AtomicUnit } from '../../helpers/slot-monitor';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-22T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

let redis: Redis;
/** A second connection, standing in for another replica. */
let replica: Redis;
let keys: RedisKeys;

beforeAll(() => {
  redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
  replica = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
});

beforeEach(() => {
  keys = redisKeys(`t-${randomUUID()}`);
});

afterEach(async () => {
  const found = await redis.keys(`${keys.prefix}:*`);
  if (found.length > 0) await redis.del(...found);
});

afterAll(async () => {
  await Promise.all([redis.quit(), replica.quit()]);
});

const newDeploy = (overrides: Partial<NewDeploy> = {}): NewDeploy =>
  aDeploy({ timestamp: iso(T0), changes: { config: true, dependencies: false, migrations: [], flags: [] }, ...overrides });

function newAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    fingerprint: '3b15fd163d36582e',
    source: 'alertmanager',
    service: 'checkout',
    environment: 'production',
    name: 'HighErrorRate',
    severity: 'critical',
    status: 'firing',
    startsAt: iso(T0),
    labels: { route: '/api/orders' },
    ...overrides,
  };
}

describe('RedisDeployStore', () => {
  const store = (options = {}) => new RedisDeployStore(redis, keys, { now: () => T0, ...options });

  it('records a deploy and reads it back', async () => {
    const deploys = store();
    const { id, duplicate } = await deploys.record(newDeploy());
    expect(duplicate).toBe(false);
    expect(id).not.toContain(':');
    expect(await deploys.get(id)).toEqual({ id, ...newDeploy() });
    expect(await deploys.get('missing')).toBeUndefined();
  });

  it('deduplicates a redelivery, also when both arrive at once, and returns the first id', async () => {
    const deploys = store();
    const others = new RedisDeployStore(replica, keys, { now: () => T0 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? deploys : others).record(newDeploy())));
    const firsts = results.filter((r) => !r.duplicate);
    expect(firsts).toHaveLength(1);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([firsts[0]?.id]));
    expect(await deploys.before('checkout', 'production', T0, 0, 10)).toHaveLength(1);
  });

  it('keeps the statuses of one version apart, and each environment apart', async () => {
    const deploys = store();
    const started = await deploys.record(newDeploy({ status: 'started', timestamp: iso(T0 - MINUTE) }));
    const succeeded = await deploys.record(newDeploy());
    const staging = await deploys.record(newDeploy({ environment: 'staging' }));
    expect(new Set([started.id, succeeded.id, staging.id]).size).toBe(3);
    expect([started, succeeded, staging].every((r) => !r.duplicate)).toBe(true);
  });

  it('records a redeploy of a version after a rollback, but not a late redelivery within one rollout', async () => {
    const deploys = store();
    const first = await deploys.record(newDeploy({ version: 'v2', timestamp: iso(T0) }));
    await deploys.record(newDeploy({ version: 'v2', status: 'rolled_back', timestamp: iso(T0 + 10 * MINUTE) }));
    const redeploy = await deploys.record(newDeploy({ version: 'v2', timestamp: iso(T0 + HOUR) }));
    expect(redeploy.duplicate).toBe(false);
    expect(redeploy.id).not.toBe(first.id);
    expect(await deploys.record(newDeploy({ version: 'v2', timestamp: iso(T0 + HOUR) }))).toEqual({ id: redeploy.id, duplicate: true });

    const v3 = await deploys.record(newDeploy({ version: 'v3', timestamp: iso(T0 + 2 * HOUR) }));
    expect((await deploys.record(newDeploy({ version: 'v2', timestamp: iso(T0 + 3 * HOUR) }))).duplicate).toBe(false);
    expect(v3.duplicate).toBe(false);
  });

  it('answers a time window newest first, bounded and limited', async () => {
    const deploys = store();
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      ids.push((await deploys.record(newDeploy({ version: `v${i}`, timestamp: iso(T0 + i * 10 * MINUTE) }))).id);
    }
    await deploys.record(newDeploy({ service: 'payments', version: 'p1', timestamp: iso(T0 + 20 * MINUTE) }));
    const window = await deploys.before('checkout', 'production', T0 + 40 * MINUTE, T0 + 10 * MINUTE, 10);
    expect(window.map((d) => d.version)).toEqual(['v4', 'v3', 'v2', 'v1']);
    const limited = await deploys.before('checkout', 'production', T0 + 40 * MINUTE, T0, 2);
    expect(limited.map((d) => d.id)).toEqual([ids[4], ids[3]]);
    expect(await deploys.before('checkout', 'production', T0 - MINUTE, 0, 10)).toEqual([]);
    expect((await deploys.latest('checkout', 'production'))?.version).toBe('v5');
    expect(await deploys.latest('checkout', 'staging')).toBeUndefined();
  });

  it('spans every environment when none is given', async () => {
    const deploys = store();
    await deploys.record(newDeploy({ environment: 'production', version: 'a', timestamp: iso(T0) }));
    await deploys.record(newDeploy({ environment: 'staging', version: 'b', timestamp: iso(T0 + MINUTE) }));
    await deploys.record(newDeploy({ environment: 'canary', version: 'c', timestamp: iso(T0 + 2 * MINUTE) }));
    const all = await deploys.before('checkout', undefined, T0 + HOUR, 0, 2);
    expect(all.map((d) => d.version)).toEqual(['c', 'b']);
  });

  it('keeps names with ":" and other key characters apart, and finds them in one and in every environment', async () => {
    const deploys = store();
    await deploys.record(newDeploy({ service: 'a:b', environment: 'prod:eu', version: 'x', timestamp: iso(T0) }));
    await deploys.record(newDeploy({ service: 'a', environment: 'b:prod', version: 'y', timestamp: iso(T0) }));
    await deploys.record(newDeploy({ service: 'a:b', environment: 'ünï {x}', version: 'z', timestamp: iso(T0 + MINUTE) }));
    expect((await deploys.latest('a:b', 'prod:eu'))?.version).toBe('x');
    expect((await deploys.latest('a', 'b:prod'))?.version).toBe('y');
    expect((await deploys.before('a:b', undefined, T0 + HOUR, 0, 5)).map((d) => d.version)).toEqual(['z', 'x']);
    expect(await redis.exists(keys.deploysByService('a:b', 'prod:eu'))).toBe(1);
    expect(keys.deploysByService('a:b', 'prod:eu')).toBe(`${keys.prefix}:{service:a%3Ab}:deploys:prod%3Aeu`);
  });

  it('trims index entries past retention on write and expires deploy keys', async () => {
    const clock = fixedClock(iso(T0));
    const deploys = new RedisDeployStore(redis, keys, { retentionMs: DAY, now: () => clock.now().getTime() });
    const old = await deploys.record(newDeploy({ version: 'old', timestamp: iso(T0) }));
    clock.advance(DAY + HOUR);
    await deploys.record(newDeploy({ version: 'new', timestamp: clock.now().toISOString() }));
    const index = await redis.zrange(keys.deploysByService('checkout', 'production'), 0, -1);
    expect(index).not.toContain(old.id);
    expect(index).toHaveLength(1);
    const ttl = await redis.pttl(keys.deploy(old.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(DAY);
    expect(await redis.pttl(keys.deploysByService('checkout', 'production'))).toBeGreaterThan(0);
    expect(await redis.pttl(keys.deployDedupeFor('checkout', 'production'))).toBeGreaterThan(0);
  });
});

describe('RedisAlertStore', () => {
  const store = (options = {}) => new RedisAlertStore(redis, keys, options);

  it('follows an alert through new, repeat, resolved and refired', async () => {
    const alerts = store();
    expect(await alerts.record(newAlert(), T0)).toEqual({ fingerprint: '3b15fd163d36582e', isNew: true, changed: 'new', state: 'firing', count: 1 });
    expect(await alerts.record(newAlert(), T0 + MINUTE)).toMatchObject({ isNew: false, changed: 'repeat', state: 'firing', count: 2 });
    const resolved = newAlert({ status: 'resolved', endsAt: iso(T0 + 5 * MINUTE) });
    expect(await alerts.record(resolved, T0 + 6 * MINUTE)).toMatchObject({ changed: 'resolved', state: 'resolved', count: 3 });
    expect(await alerts.record(resolved, T0 + 7 * MINUTE)).toMatchObject({ changed: 'repeat', state: 'resolved' });
    const refired = newAlert({ startsAt: iso(T0 + 20 * MINUTE) });
    expect(await alerts.record(refired, T0 + 21 * MINUTE)).toMatchObject({ isNew: false, changed: 'refired', state: 'firing', count: 5 });

    expect(await alerts.get('checkout', '3b15fd163d36582e')).toEqual({
      ...refired,
      state: 'firing',
      firstSeen: iso(T0),
      lastSeen: iso(T0 + 21 * MINUTE),
      count: 5,
    });
  });

  it('does not let a stale resend reopen or close an alert', async () => {
    const alerts = store();
    await alerts.record(newAlert(), T0);
    await alerts.record(newAlert({ status: 'resolved', endsAt: iso(T0 + 5 * MINUTE) }), T0 + 5 * MINUTE);
    // Alertmanager resending the firing notification of the episode that already resolved.
    expect(await alerts.record(newAlert(), T0 + 6 * MINUTE)).toMatchObject({ changed: 'repeat', state: 'resolved' });
    await alerts.record(newAlert({ startsAt: iso(T0 + 30 * MINUTE) }), T0 + 31 * MINUTE);
    // A resolution of the earlier episode arriving late.
    const late = newAlert({ status: 'resolved', endsAt: iso(T0 + 5 * MINUTE) });
    expect(await alerts.record(late, T0 + 32 * MINUTE)).toMatchObject({ changed: 'repeat', state: 'firing' });
    expect((await alerts.get('checkout', '3b15fd163d36582e'))?.state).toBe('firing');
  });

  it('treats an alert first seen resolved as new but resolved', async () => {
    expect(await store().record(newAlert({ status: 'resolved' }), T0)).toMatchObject({ isNew: true, changed: 'resolved', state: 'resolved' });
  });

  it('records concurrent notifications of one fingerprint exactly once as new', async () => {
    const alerts = store();
    const others = new RedisAlertStore(replica, keys);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? alerts : others).record(newAlert(), T0 + i)),
    );
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect(results.filter((r) => r.changed === 'new')).toHaveLength(1);
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await alerts.get('checkout', '3b15fd163d36582e'))?.count).toBe(50);
  });

  it('records a storm in pipelined batches without losing a notification', async () => {
    const alerts = store();
    const fingerprints = Array.from({ length: 200 }, (_, i) => `fp-${i}`);
    const batches = Array.from({ length: 50 }, (_, batch) =>
      alerts.recordMany(fingerprints.map((fingerprint) => newAlert({ fingerprint })), T0 + batch),
    );
    const results = (await Promise.all(batches)).flat();
    expect(results).toHaveLength(10_000);
    expect(results.filter((r) => r.isNew)).toHaveLength(200);
    const states = await alerts.recent('checkout', { limit: 500 });
    expect(states).toHaveLength(200);
    expect(states.every((s) => s.count === 50)).toBe(true);
  });

  it('indexes a body of 5,000 alerts of one service (its index is written in chunks)', async () => {
    const alerts = store();
    await alerts.recordMany(Array.from({ length: 5_000 }, (_, i) => newAlert({ fingerprint: `big-${i}` })), T0);
    expect(await alerts.recent('checkout', { limit: 6_000 })).toHaveLength(5_000);
  });

  /** The scripts (and MULTIs) `run` sent on keys of this test's prefix, seen through MONITOR on another connection. */
  async function scriptsOf(run: () => Promise<unknown>): Promise<AtomicUnit[]> {
    const units: AtomicUnit[] = [];
    const monitor = await SlotMonitor.start(process.env.TEST_REDIS_URL as string, keys.prefix, (unit) => units.push(unit));
    await run();
    await monitor.stop(process.env.TEST_REDIS_URL as string);
    // Each an EVALSHA (the script is loaded), nothing else on our keys (but the monitor's own end marker).
    expect([...monitor.commands].filter((name) => name !== 'get-end' && name !== 'get')).toEqual(['evalsha']);
    return units;
  }

  it('records a body with one script per service, each in its service\'s slot, results in body order', async () => {
    const alerts = store();
    await alerts.record(newAlert({ fingerprint: 'warm' }), T0); // the script is loaded (later calls are one EVALSHA)
    const body = [
      newAlert({ fingerprint: 'c1' }),
      newAlert({ fingerprint: 'p1', service: 'payments' }),
      newAlert({ fingerprint: 'c2' }),
      newAlert({ fingerprint: 'shared', service: 'search' }),
      newAlert({ fingerprint: 'shared' }), // the same fingerprint in another service is another alert
      newAlert({ fingerprint: 'p2', service: 'payments', status: 'resolved' }),
    ];
    let recorded: Awaited<ReturnType<RedisAlertStore['recordMany']>> = [];
    const units = await scriptsOf(async () => (recorded = await alerts.recordMany(body, T0 + MINUTE)));
    expect(units.map((u) => u.kind)).toEqual(['script', 'script', 'script']);
    expect(units.every((u) => slotsOf(u).size === 1)).toBe(true);
    expect(units.map((u) => u.declared).sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual([
      [keys.alertsByService('checkout'), keys.alert('checkout', 'c1'), keys.alert('checkout', 'c2'), keys.alert('checkout', 'shared')],
      [keys.alertsByService('payments'), keys.alert('payments', 'p1'), keys.alert('payments', 'p2')],
      [keys.alertsByService('search'), keys.alert('search', 'shared')],
    ]);
    expect(recorded.map((r) => [r.fingerprint, r.changed, r.count])).toEqual([
      ['c1', 'new', 1],
      ['p1', 'new', 1],
      ['c2', 'new', 1],
      ['shared', 'new', 1],
      ['shared', 'new', 1],
      ['p2', 'resolved', 1],
    ]);
    expect((await alerts.recent('checkout')).map((a) => a.fingerprint).sort()).toEqual(['c1', 'c2', 'shared', 'warm']);
    expect((await alerts.recent('payments')).map((a) => `${a.fingerprint} ${a.state}`).sort()).toEqual(['p1 firing', 'p2 resolved']);
    expect((await alerts.get('search', 'shared'))?.service).toBe('search');
    expect((await alerts.get('checkout', 'shared'))?.service).toBe('checkout');
    expect(await alerts.get('payments', 'c1')).toBeUndefined();
  });

  it('records a fingerprint twice in one body in order, and a stale notification only as seen', async () => {
    const alerts = store();
    const refired = newAlert({ startsAt: iso(T0 + 30 * MINUTE) });
    const recorded = await alerts.recordMany(
      [
        newAlert(),
        newAlert(),
        newAlert({ status: 'resolved', endsAt: iso(T0 + 5 * MINUTE) }),
        newAlert(), // the resolved episode's firing resend: stale
        refired,
        newAlert({ status: 'resolved', endsAt: iso(T0 + 5 * MINUTE) }), // the earlier episode's resolution, late: stale
      ],
      T0 + 40 * MINUTE,
    );
    expect(recorded.map((r) => [r.changed, r.state, r.count, r.isNew])).toEqual([
      ['new', 'firing', 1, true],
      ['repeat', 'firing', 2, false],
      ['resolved', 'resolved', 3, false],
      ['repeat', 'resolved', 4, false],
      ['refired', 'firing', 5, false],
      ['repeat', 'firing', 6, false],
    ]);
    expect(await alerts.get('checkout', '3b15fd163d36582e')).toEqual({ ...refired, state: 'firing', firstSeen: iso(T0 + 40 * MINUTE), lastSeen: iso(T0 + 40 * MINUTE), count: 6 });
    // A stale notification alone changes nothing but when it was last seen and the count.
    const stale = await alerts.recordMany([newAlert()], T0 + 50 * MINUTE);
    expect(stale).toEqual([{ fingerprint: '3b15fd163d36582e', isNew: false, changed: 'repeat', state: 'firing', count: 7 }]);
    expect(await alerts.get('checkout', '3b15fd163d36582e')).toEqual({ ...refired, state: 'firing', firstSeen: iso(T0 + 40 * MINUTE), lastSeen: iso(T0 + 50 * MINUTE), count: 7 });
  });

  it(`splits a large body into calls of ${ALERTS_PER_CALL} alerts per service, in order across the split`, async () => {
    const alerts = store();
    await alerts.record(newAlert({ fingerprint: 'warm' }), T0);
    const body = Array.from({ length: 2 * ALERTS_PER_CALL + 200 }, (_, i) => newAlert({ fingerprint: `big-${i}` }));
    // The same alert as the last of the first call and the first of the second: firing, then resolved.
    body[ALERTS_PER_CALL - 1] = newAlert({ fingerprint: 'edge' });
    body[ALERTS_PER_CALL] = newAlert({ fingerprint: 'edge', status: 'resolved' });
    body.push(newAlert({ fingerprint: 'pay', service: 'payments' }));
    let recorded: Awaited<ReturnType<RedisAlertStore['recordMany']>> = [];
    const units = await scriptsOf(async () => (recorded = await alerts.recordMany(body, T0 + MINUTE)));
    expect(units.map((u) => u.declared.length - 1).sort((a, b) => a - b)).toEqual([1, 200, ALERTS_PER_CALL, ALERTS_PER_CALL]);
    expect(recorded).toHaveLength(body.length);
    expect(recorded.map((r) => r.fingerprint)).toEqual(body.map((a) => a.fingerprint));
    expect([recorded[ALERTS_PER_CALL - 1]!.changed, recorded[ALERTS_PER_CALL]!.changed]).toEqual(['new', 'resolved']);
    expect((await alerts.get('checkout', 'edge'))?.state).toBe('resolved');
    // 1,198 others, `edge` and the warm-up alert.
    expect(await alerts.recent('checkout', { limit: 2_000 })).toHaveLength(2 * ALERTS_PER_CALL + 200);
  });

  it('lists a service\'s alerts most recently seen first, by state', async () => {
    const alerts = store();
    await alerts.record(newAlert({ fingerprint: 'a' }), T0);
    await alerts.record(newAlert({ fingerprint: 'b' }), T0 + MINUTE);
    await alerts.record(newAlert({ fingerprint: 'c', status: 'resolved' }), T0 + 2 * MINUTE);
    await alerts.record(newAlert({ fingerprint: 'd', service: 'payments' }), T0 + 3 * MINUTE);
    expect((await alerts.recent('checkout')).map((a) => a.fingerprint)).toEqual(['c', 'b', 'a']);
    expect((await alerts.recent('checkout', { state: 'firing', limit: 1 })).map((a) => a.fingerprint)).toEqual(['b']);
    expect((await alerts.recent('checkout', { sinceMs: T0 + MINUTE })).map((a) => a.fingerprint)).toEqual(['c', 'b']);
  });

  it('keeps fingerprints that are not key-safe apart', async () => {
    const alerts = store();
    await alerts.record(newAlert({ fingerprint: 'a:b' }), T0);
    await alerts.record(newAlert({ fingerprint: 'a_b' }), T0);
    expect((await alerts.get('checkout', 'a:b'))?.count).toBe(1);
    expect((await alerts.get('checkout', 'a_b'))?.count).toBe(1);
  });

  it('expires alert state after retention and trims the service index', async () => {
    const alerts = store({ retentionMs: HOUR });
    await alerts.record(newAlert({ fingerprint: 'old' }), T0);
    await alerts.record(newAlert({ fingerprint: 'new' }), T0 + 2 * HOUR);
    expect(await redis.zrange(keys.alertsByService('checkout'), 0, -1)).toEqual(['new']);
    const ttl = await redis.pttl(keys.alert('checkout', 'new'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(HOUR);
  });
});
