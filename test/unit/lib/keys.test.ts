import fc from 'fast-check';
import calculateSlot from 'cluster-key-slot';
import { keyPart, redisKeys, type RedisKeys } from '../../../src/lib/keys';

const keys = redisKeys('fb');
type Builder = (...names: string[]) => string;
const builders = Object.entries(keys).filter((entry): entry is [string, Builder] => typeof entry[1] === 'function');

/** Every fixed word any builder writes, so the corpus tries each builder's words as another's names. */
const words = [...new Set(builders.flatMap(([, build]) => build(...Array.from({ length: build.length }, () => 'NAME')).split(':')))];
const corpus = [
  ...words,
  '',
  'checkout',
  'services',
  ':',
  'a:b',
  'a%3Ab',
  '%3A',
  '%',
  '%h',
  '{slot}',
  '*',
  'prod uction',
  'ünïcode',
  '😀',
  '\ud800', // a lone surrogate
  'x'.repeat(127),
  'x'.repeat(128),
  'x'.repeat(129),
  `${'y'.repeat(200)}a`,
  `${'y'.repeat(200)}b`,
  ':'.repeat(100),
];

/** Every call of every builder with every combination of corpus names (capped per builder). */
function everyKey(): Map<string, string> {
  const seen = new Map<string, string>();
  for (const [name, build] of builders) {
    const arity = build.length;
    const combos: string[][] = arity === 0 ? [[]] : arity === 1 ? corpus.map((c) => [c]) : corpus.flatMap((a) => corpus.slice(0, 12).flatMap((b) => (arity === 2 ? [[a, b]] : [[a, b, 'errorRate'], [b, a, 'x:y']])));
    for (const args of combos) {
      const key = build(...args);
      const call = `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier !== call) throw new Error(`${call} and ${earlier} both build ${key}`);
      seen.set(key, call);
    }
  }
  return seen;
}

describe('redis keys', () => {
  it('enumerates every builder', () => {
    expect(builders.length).toBeGreaterThanOrEqual(30);
    expect(builders.map(([name]) => name)).toEqual(expect.arrayContaining(['alertsPending', 'alertsPendingServices', 'deploysByService', 'metricSamples', 'heartbeat']));
  });

  it('no two builders (or two names given to one) build the same key', () => {
    const all = everyKey();
    expect(all.size).toBeGreaterThan(1000);
    expect(keys.alertsPending('services')).not.toBe(keys.alertsPendingServices());
  });

  it('escaping is one-to-one on generated names, and no name adds a ":" or a glob or hash-tag character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), (a, b) => {
        const [x, y] = [keyPart(a), keyPart(b)];
        if (a !== b) expect(x).not.toBe(y);
        expect(x).not.toMatch(/[:*?[\]{}\s]/);
        expect(x.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps ordinary names as they are, so existing keys keep their shape', () => {
    const k: RedisKeys = redisKeys('t1');
    expect(k.deploysByService('checkout', 'production')).toBe('t1:{service:checkout}:deploys:production');
    expect(k.alert('checkout', '3b15fd163d36582e')).toBe('t1:{service:checkout}:alert:3b15fd163d36582e');
    expect(k.alertsByService('payments-api')).toBe('t1:{service:payments-api}:alerts');
    expect(k.incidentTimeline('INC-7')).toBe('t1:{incident:INC-7}:timeline');
    expect(k.incidentsOpen()).toBe('t1:{incidents}:open');
    expect(k.seen('slack', 'T0TEST/Ev123.456')).toBe('t1:seen:slack:T0TEST/Ev123.456');
    expect(k.alertsPending('a:b')).toBe('t1:{service:a%3Ab}:alerts-pending');
    expect(keyPart('x'.repeat(300))).toMatch(/^x{64}%h[0-9a-f]{64}$/);
  });

  it('only the builders choose a Redis Cluster slot: one hash tag per key, from a fixed word and escaped names', () => {
    const tags = new Set<string>();
    for (const key of everyKey().keys()) {
      expect(key.split('{').length).toBeLessThanOrEqual(2);
      const tag = /\{([^}]*)\}/.exec(key)?.[1];
      if (tag !== undefined) tags.add(tag.split(':')[0]!);
    }
    expect([...tags].sort()).toEqual(['actions', 'incident', 'incidents', 'oncall', 'sandbox', 'service', 'status']);
    expect(() => redisKeys('fb{x}')).toThrow(/must not contain/);
  });

  it('keys used together share a slot: one incident, one service, the incident indexes', () => {
    const slot = (...built: string[]) => new Set(built.map((key) => calculateSlot(key))).size;
    const id = 'INC-42';
    expect(slot(keys.incident(id), keys.incidentTimeline(id), keys.incidentChecklist(id), keys.incidentPublication(id), keys.incidentStep(id, 'post'), keys.escalation(id), keys.escalationTimers(id), keys.escalationStep(id, 'dm'), keys.drill(id, 'once'), keys.drill(id, 'ticked'))).toBe(1);
    const service = 'pay:ments';
    expect(slot(keys.deploysByService(service, 'prod'), keys.deployDedupeFor(service, 'prod'), keys.deployEnvironments(service), keys.alertsByService(service), keys.alertsPending(service), keys.alertsInflight(service), keys.alertsBatch(service), keys.alertStep(service, 's'), keys.alertCard(service), keys.guard(service), keys.metricSamples(service, 'prod', 'errorRate'), keys.metricSamples(service, 'dev', 'p95LatencyMs'))).toBe(1);
    expect(slot(keys.incidentByChannel(), keys.incidentsOpen(), keys.incidentsAll(), keys.incidentOpenForService(), keys.incidentSequence(), keys.channelNames(), keys.incidentRequest('r'), keys.incidentIndexed())).toBe(1);
    expect(slot(keys.action('a'), keys.action('b'), keys.actionTarget('t'))).toBe(1);
    expect(slot(keys.statusIncident('INC-1'), keys.statusIncidents())).toBe(1);
    expect(slot(keys.oncallOverrides('primary'), keys.oncallAudit())).toBe(1);
    // …and different incidents and services land on different slots (work spreads).
    expect(slot(...Array.from({ length: 50 }, (_, i) => keys.incident(`INC-${i}`)))).toBeGreaterThan(45);
    expect(slot(...Array.from({ length: 50 }, (_, i) => keys.alertsByService(`service-${i}`)))).toBeGreaterThan(45);
  });
});
