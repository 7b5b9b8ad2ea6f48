import type { Deploy } from '../../../../src/domain/deploys/model';
import type { GuardSettings, WatchPointer } from '../../../../src/domain/guard/model';
import { decideWatch, tickDueAt } from '../../../../src/domain/guard/watch';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

const settings: GuardSettings = {
  mode: 'propose',
  channel: '#checkout-alerts',
  environment: 'production',
  windowMs: 30 * 60_000,
  everyMs: 15_000,
  staleAfterMs: 60_000,
  signals: ['errorRate', 'latencyP95', 'healthFailures'],
  errorRate: { threshold: 0.05, forMs: 120_000 },
  latencyP95: { factor: 2, forMs: 300_000 },
  healthFailures: { threshold: 0.5, forMs: 60_000 },
  severity: 'P1',
  sourceName: 'Prometheus http://prometheus:9090',
  people: [],
};

function deploy(overrides: Partial<Deploy> = {}): Deploy {
  return {
    id: 'd-new',
    service: 'checkout',
    environment: 'production',
    version: 'v1.2.4',
    previousVersion: 'v1.2.3',
    strategy: 'rolling',
    status: 'succeeded',
    timestamp: minutesAgo(1),
    changes: { config: false, dependencies: false, migrations: [], flags: [] },
    source: 'generic',
    ...overrides,
  };
}

const watched: WatchPointer = { deployId: 'd-old', version: 'v1.2.3', deployedAt: NOW - 10 * 60_000 };

describe('decideWatch', () => {
  // The last column is what the decision says: the deploy whose window starts, why it ends, why it is ignored.
  it.each<[string, Partial<Deploy>, WatchPointer | undefined, string, string]>([
    ['a succeeded deploy starts a window', {}, undefined, 'start', 'd-new'],
    ['a newer succeeded deploy supersedes the watched one', {}, watched, 'start', 'd-new'],
    ['a resend of the watched deploy starts it again (idempotent)', { id: 'd-old', version: 'v1.2.3', timestamp: minutesAgo(10) }, watched, 'start', 'd-old'],
    ['an older deploy than the watched one changes nothing', { timestamp: minutesAgo(20) }, watched, 'ignore', 'older than the watched deploy of v1.2.3'],
    ['another environment is not watched', { environment: 'staging' }, undefined, 'ignore', 'not the guarded environment (production)'],
    ['a deploy whose window is already over starts none', { timestamp: minutesAgo(30) }, undefined, 'ignore', 'its guard window is already over'],
    ['a started deploy of another version ends the window', { status: 'started' }, watched, 'end', 'superseded by the deploy of v1.2.4'],
    ['a rolled-back event of the watched version ends it', { status: 'rolled_back', version: 'v1.2.3' }, watched, 'end', 'v1.2.3 rolled back'],
    ['a failed event of the watched version ends it', { status: 'failed', version: 'v1.2.3' }, watched, 'end', 'v1.2.3 failed'],
    ['a failed deploy of another version leaves it', { status: 'failed' }, watched, 'ignore', 'does not change the watched deploy'],
    ['a started event with nothing watched is nothing', { status: 'started' }, undefined, 'ignore', 'nothing watched'],
  ])('%s', (_name, overrides, current, kind, detail) => {
    const decision = decideWatch(deploy(overrides), current, settings, NOW);
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'start') expect(decision.window.deployId).toBe(detail);
    else if (decision.kind === 'end') expect(decision).toEqual({ kind: 'end', deployId: 'd-old', reason: detail });
    else expect(decision).toEqual({ kind: 'ignore', why: detail });
  });

  it('the window runs from the deploy for the configured time, ticks on a fixed cadence', () => {
    const decision = decideWatch(deploy({ timestamp: minutesAgo(2) }), undefined, settings, NOW);
    if (decision.kind !== 'start') throw new Error('expected a start');
    expect(decision.window).toMatchObject({ deployedAt: NOW - 120_000, startedAt: NOW, endsAt: NOW + 28 * 60_000, state: 'watching', tick: 0, mode: 'propose' });
    expect(tickDueAt(decision.window, 4, settings.everyMs)).toBe(NOW + 60_000);
  });

  it('a deploy stamped in the future (clock skew) is watched from now', () => {
    const decision = decideWatch(deploy({ timestamp: new Date(NOW + 60_000).toISOString() }), undefined, settings, NOW);
    expect(decision).toMatchObject({ kind: 'start', window: { deployedAt: NOW, endsAt: NOW + 30 * 60_000 } });
  });
});
