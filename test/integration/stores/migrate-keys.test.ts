import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { systemClock } from '../../../src/lib/clock';
import { redisKeys, type RedisKeys } from '../../../src/lib/keys';
import { RedisActionStore } from '../../../src/outbound/store/action-store';
import { RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { RedisDeployStore } from '../../../src/outbound/store/deploy-store';
import { RedisDrillStore } from '../../../src/outbound/store/drill-store';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { migratedKey, migrateKeys } from '../../../src/outbound/store/migrate-keys';
import { RedisOverrideStore } from '../../../src/outbound/store/oncall-store';
import { RedisStatusStore } from '../../../src/outbound/store/status-store';
import { IncidentService } from '../../../src/domain/incidents/service';
import { deleteKeys } from '../../helpers/redis';

/** Data written under the key names before the cluster layout, read back by today's stores after `migrateKeys`. */
let redis: Redis;
let keys: RedisKeys;
let p: string;

beforeAll(() => {
  redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
});

beforeEach(() => {
  keys = redisKeys(`t-${randomUUID()}`);
  p = keys.prefix;
});

afterEach(async () => {
  await deleteKeys(redis, `${p}:*`);
});

afterAll(async () => {
  await redis.quit();
});

test('old names map to the names the builders make today', () => {
  const cases: [string, string][] = [
    [`${p}:incident:INC-3:timeline`, keys.incidentTimeline('INC-3')],
    [`${p}:incident:INC-3:step:post%3A1`, keys.incidentStep('INC-3', 'post:1')],
    [`${p}:incidents:open-by-service`, keys.incidentOpenForService()],
    [`${p}:seen:incident-request:slash%3AU1`, keys.incidentRequest('slash:U1')],
    [`${p}:deploys:a%3Ab:prod%3Aeu`, keys.deploysByService('a:b', 'prod:eu')],
    [`${p}:alerts-pending:checkout`, keys.alertsPending('checkout')],
    [`${p}:alerts-step:checkout:card-1`, keys.alertStep('checkout', 'card-1')],
    [`${p}:action-target:deploy-d1`, keys.actionTarget('deploy-d1')],
    [`${p}:escalation:INC-3:step:dm`, keys.escalationStep('INC-3', 'dm')],
    [`${p}:metric-samples:checkout:production:errorRate`, keys.metricSamples('checkout', 'production', 'errorRate')],
    [`${p}:drill:INC-3:ticked`, keys.drill('INC-3', 'ticked')],
    [`${p}:sandbox:message:C1:1.2`, keys.sandbox('message', 'C1', '1.2')],
  ];
  for (const [old, now] of cases) expect((migratedKey(old, p) as { key?: string } | undefined)?.key).toBe(now);
  // An alert's new name is in its data: found when it is moved.
  expect(migratedKey(`${p}:alert:f1`, p)).toEqual({ kind: 'alert' });
  for (const kept of [keys.alert('checkout', 'f1'), keys.deploy('d1'), keys.seen('slack', 'E1'), keys.heartbeat('am'), keys.guardWindow('d1'), `${p}:bull:digest:wait`]) expect(migratedKey(kept, p)).toBeUndefined();
});

test('an upgraded Redis keeps its incidents, deploys, alerts, actions, on-call, status page and drills', async () => {
  const created = new Date(Date.now() - 60_000).toISOString();
  const doc = { id: 'INC-1', number: 1, channelName: 'inc-checkout', title: 'Checkout 500s', severity: 'P2', service: 'checkout', impact: 'errors', status: 'open', workStatus: 'Investigating', reporterId: 'U1', commanderId: 'U1', createdAt: created, updateCount: 0, revision: 0 };
  const score = Date.parse(created);
  const deploy = { id: 'd1', service: 'checkout', environment: 'prod:eu', version: 'v9', status: 'succeeded', timestamp: created };
  // The old layout as the old version wrote it (a pipeline: these keys are in many slots).
  await redis
    .pipeline()
    .set(`${p}:incident:INC-1`, JSON.stringify(doc))
    .rpush(`${p}:incident:INC-1:timeline`, JSON.stringify({ at: created, author: 'U1', kind: 'opened', text: 'Incident opened' }))
    .hset(`${p}:incident:INC-1:publication`, 'channelId', 'C0INC')
    .zadd(`${p}:incidents:all`, score, 'INC-1')
    .zadd(`${p}:incidents:open`, score, 'INC-1')
    .hset(`${p}:incidents:open-by-service`, 'checkout', 'INC-1')
    .hset(`${p}:incidents:by-channel`, 'C0INC', 'INC-1')
    .set(`${p}:incidents:seq`, '1')
    .hset(`${p}:incidents:channel-names`, 'inc-checkout', 'INC-1')
    .set(`${p}:seen:incident-request:r1`, 'INC-1', 'EX', 3600)
    .set(`${p}:deploy:d1`, JSON.stringify(deploy))
    .zadd(`${p}:deploys:checkout:prod%3Aeu`, score, 'd1')
    .sadd(`${p}:deploy-environments:checkout`, 'prod%3Aeu')
    .hset(`${p}:alert:f1`, 'alert', JSON.stringify({ fingerprint: 'f1', service: 'checkout', status: 'firing', startsAt: created, labels: {}, annotations: {} }), 'state', 'firing', 'firstSeen', score, 'lastSeen', score, 'count', 1)
    .zadd(`${p}:alerts:checkout`, score, 'f1')
    .hset(`${p}:action:a1`, 'spec', JSON.stringify({ id: 'a1', kind: 'rollback', service: 'checkout', environment: 'prod', context: { kind: 'alert', id: 'f1' }, actor: 'U1', requestedAt: created, reason: 'r', thread: { channel: 'C1' }, retry: { attempts: 1, backoffMs: 0 } }), 'state', 'running', 'progress', JSON.stringify({ state: 'running', attempt: 1 }), 'run', 1)
    .set(`${p}:action-target:deploy-d1`, 'a1')
    .zadd(`${p}:oncall:overrides:primary`, Date.now() + 3_600_000, JSON.stringify({ rotation: 'primary', userId: 'U2', from: created, until: new Date(Date.now() + 3_600_000).toISOString(), by: 'U1', at: created }))
    .set(`${p}:status:incident:INC-1`, JSON.stringify({ incidentId: 'INC-1', title: 'Checkout', services: ['checkout'], impact: 'partial_outage', stage: 'investigating', startedAt: created, updatedAt: created, updates: [] }))
    .zadd(`${p}:status:incidents`, score, 'INC-1')
    .sadd(`${p}:drill:INC-1:ticked`, '2')
    .exec();

  const report = await migrateKeys(redis, p);
  expect(report.kept).toEqual([]);
  expect(report.moved).toBe(20); // all but the deploy document, whose name stays

  const incidents = new RedisIncidentStore(redis, keys);
  expect((await incidents.list({ status: 'open' })).map((i) => i.id)).toEqual(['INC-1']);
  expect((await incidents.openForService('checkout'))?.channelId).toBe('C0INC');
  expect((await incidents.findByChannel('C0INC'))?.id).toBe('INC-1');
  expect((await incidents.findByRequestKey('r1'))?.id).toBe('INC-1');
  expect(await redis.ttl(keys.incidentRequest('r1'))).toBeGreaterThan(3000);
  expect((await incidents.timeline('INC-1')).map((t) => t.kind)).toEqual(['opened']);
  // The next incident takes the next number, and changes go on from the migrated document.
  const service = new IncidentService(incidents, { publish: async () => undefined }, systemClock);
  expect((await service.start({ title: 'Search down', severity: 'P1', service: 'search', impact: 'x', reporterId: 'U1', requestKey: 'r2' })).incident.number).toBe(2);
  await service.resolve('INC-1', { rootCause: 'a', userImpact: 'b', followUp: 'c' }, 'U1');
  expect(await incidents.openForService('checkout')).toBeUndefined();

  const deploys = new RedisDeployStore(redis, keys);
  expect((await deploys.before('checkout', undefined, Date.now(), 0, 5)).map((d) => d.id)).toEqual(['d1']);
  expect((await deploys.latest('checkout', 'prod:eu'))?.version).toBe('v9');
  expect((await new RedisAlertStore(redis, keys).recent('checkout')).map((a) => a.fingerprint)).toEqual(['f1']);
  expect(await redis.exists(`${p}:alert:f1`)).toBe(0);
  const actions = new RedisActionStore(redis, keys, { retentionMs: 60_000 });
  expect((await actions.get('a1'))?.progress.state).toBe('running');
  expect((await new RedisOverrideStore(redis, keys).list('primary', new Date())).map((o) => o.userId)).toEqual(['U2']);
  expect((await new RedisStatusStore(redis, keys).list(5)).map((i) => i.incidentId)).toEqual(['INC-1']);
  expect(await new RedisDrillStore(redis, keys).ticked('INC-1')).toEqual(['2']);

  // Once is enough: a second run finds nothing to move.
  expect(await migrateKeys(redis, p)).toEqual({ moved: 0, kept: [] });
});

test('alerts move into their service\'s slot by the service and fingerprint they hold, keeping expiry, count and state', async () => {
  const now = Date.now();
  const created = new Date(now - 60_000).toISOString();
  const old = (fingerprint: string, service: string, count: number) => ({
    alert: JSON.stringify({ fingerprint, source: 'alertmanager', service, name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: created, labels: {} }),
    state: 'firing',
    startsAtMs: String(Date.parse(created)),
    firstSeen: String(now - 60_000),
    lastSeen: String(now - 30_000),
    count: String(count),
  });
  // As the previous release wrote them: `alert:FP`, a fingerprint that is not key-safe as `sha1-…`.
  const unsafe = 'a:b c';
  await redis
    .pipeline()
    .hset(`${p}:alert:f1`, old('f1', 'checkout', 3))
    .pexpire(`${p}:alert:f1`, 3_600_000)
    .hset(`${p}:alert:sha1-0123456789abcdef0123456789abcdef01234567`, old(unsafe, 'pay:ments', 1))
    .hset(`${p}:alert:f2`, old('f2', 'checkout', 1))
    .hset(`${p}:alert:broken`, 'state', 'firing') // no alert field: nothing names its new key
    .zadd(`${p}:alerts:checkout`, now - 30_000, 'f1', now - 40_000, 'f2')
    .zadd(`${p}:alerts:pay%3Aments`, now - 30_000, unsafe)
    .exec();
  // f2 was already notified again since the new release started: its new hash is newer, the old one stays.
  await redis.hset(keys.alert('checkout', 'f2'), old('f2', 'checkout', 9));

  const report = await migrateKeys(redis, p);
  expect(report.moved).toBe(4); // f1, the unsafe fingerprint and both indexes
  expect(report.kept.sort()).toEqual([`${p}:alert:broken`, `${p}:alert:f2`]);

  const alerts = new RedisAlertStore(redis, keys);
  expect(await alerts.get('checkout', 'f1')).toMatchObject({ fingerprint: 'f1', state: 'firing', count: 3, lastSeen: new Date(now - 30_000).toISOString() });
  const ttl = await redis.pttl(keys.alert('checkout', 'f1'));
  expect(ttl).toBeGreaterThan(3_500_000);
  expect(ttl).toBeLessThanOrEqual(3_600_000);
  expect((await alerts.get('pay:ments', unsafe))?.count).toBe(1);
  expect((await alerts.recent('checkout')).map((a) => [a.fingerprint, a.count])).toEqual([
    ['f1', 3],
    ['f2', 9],
  ]);
  expect((await alerts.recent('pay:ments')).map((a) => a.fingerprint)).toEqual([unsafe]);
  // The next notification goes on from the moved state.
  expect(await alerts.record({ ...JSON.parse(old('f1', 'checkout', 0).alert), status: 'resolved' }, now)).toMatchObject({ isNew: false, changed: 'resolved', count: 4 });

  // A second run moves nothing (what it kept, it keeps).
  const again = await migrateKeys(redis, p);
  expect(again.moved).toBe(0);
  expect(again.kept.sort()).toEqual(report.kept);
});
