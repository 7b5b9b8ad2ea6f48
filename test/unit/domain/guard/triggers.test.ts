import { parseConfigText } from '../../../../src/config/file';
import { loadContent } from '../../../../src/content';
import { watchClose } from '../../../../src/domain/deploys/announce';
import type { GuardWindow } from '../../../../src/domain/guard/model';
import { newWarnings, resolveTriggers, triggersFor, type RollbackTriggers } from '../../../../src/domain/guard/triggers';
import { guardCatalog } from '../../../../src/wire-guard';

const content = loadContent();
const shipped = content.policy.rollbackTriggers;
const T0 = 1_000_000_000_000;
const window = (overrides: Partial<GuardWindow> = {}): GuardWindow => ({
  deployId: 'd-1',
  service: 'checkout',
  environment: 'production',
  version: 'v2',
  previousVersion: 'v1',
  strategy: 'canary',
  mode: 'propose',
  deployedAt: T0,
  startedAt: T0,
  endsAt: T0 + 1_800_000,
  state: 'watching',
  tick: 0,
  breaches: [],
  problems: [],
  ...overrides,
});

describe('rollback triggers, resolved', () => {
  it('in production, every strategy acts at the contract’s numbers; warn is 1 % / 1.5 ×, a canary’s is its baseline + 1 point / 1.1 ×', () => {
    for (const strategy of ['blue-green', 'canary', 'rolling', 'direct'] as const) {
      expect(resolveTriggers(shipped, strategy, 'production').act).toEqual({
        errorRate: { threshold: 0.05, forMs: 120_000 },
        latencyP95: { factor: 2, forMs: 300_000 },
        healthFailures: { threshold: 0.5, forMs: 60_000 },
      });
    }
    expect(resolveTriggers(shipped, 'rolling', 'production').warn).toEqual([
      { signal: 'errorRate', above: 0.01, for: 120_000 },
      { signal: 'latencyP95', factor: 1.5, for: 300_000 },
    ]);
    expect(resolveTriggers(shipped, 'canary', 'production').warn).toEqual([
      { signal: 'errorRate', overBaseline: 0.01, for: 120_000 },
      { signal: 'latencyP95', factor: 1.1, for: 300_000 },
    ]);
  });

  it('layers default, strategy, environment per signal; a service’s own numbers win for act', () => {
    const triggers = {
      ...shipped,
      strategies: { ...shipped.strategies, rolling: { act: { healthFailures: { above: 0.25, for: 30_000 } } } },
      environments: { staging: { act: { errorRate: { above: 0.2, for: 300_000 } }, warn: { errorRate: { above: 0.1, for: 60_000 } } } },
    } satisfies RollbackTriggers;
    const staging = resolveTriggers(triggers, 'rolling', 'staging');
    expect(staging.act).toEqual({ errorRate: { threshold: 0.2, forMs: 300_000 }, latencyP95: { factor: 2, forMs: 300_000 }, healthFailures: { threshold: 0.25, forMs: 30_000 } });
    expect(staging.warn[0]).toEqual({ signal: 'errorRate', above: 0.1, for: 60_000 });
    expect(resolveTriggers(triggers, 'blue-green', 'production').act.healthFailures).toEqual({ threshold: 0.5, forMs: 60_000 });

    const config = parseConfigText(
      'services:\n  checkout: { channel: "#c", guard: { mode: propose, errorRate: { threshold: 0.08 } } }\n  web: { channel: "#w", environment: staging, guard: { mode: auto } }\n',
      'test',
      {},
    );
    const catalog = guardCatalog(config, { ...content, policy: { ...content.policy, rollbackTriggers: triggers } }, () => {
      throw new Error('no source');
    });
    const checkout = catalog.settings('checkout')!;
    expect(checkout.errorRate).toEqual({ threshold: 0.08, forMs: 120_000 });
    expect(triggersFor(checkout, window({ strategy: 'rolling' })).act.errorRate).toEqual({ threshold: 0.08, forMs: 120_000 });
    expect(triggersFor(checkout, window({ strategy: 'rolling' })).act.healthFailures).toEqual({ threshold: 0.25, forMs: 30_000 });
    expect(triggersFor(catalog.settings('web')!, window({ strategy: 'direct', environment: 'staging' })).act.errorRate).toEqual({ threshold: 0.2, forMs: 300_000 });
    // A window stored before strategies were kept is judged by the service's defaults.
    expect(triggersFor(checkout, window({ strategy: undefined })).act.errorRate.threshold).toBe(0.08);
  });
});

describe('warnings', () => {
  const warn = resolveTriggers(shipped, 'canary', 'production').warn.map((b) => ({ ...b, for: 1000 }));
  const readings = (values: number[]) => values.map((value, i) => ({ at: T0 + i * 500, value }));
  const now = T0 + 2000;

  it('a canary crosses its error-rate bound only beyond baseline + 1 point, sustained', () => {
    const watched = window({ errorBaseline: { value: 0.03 }, baseline: { value: 0.2 } });
    const input = (errorRate: number[]) => ({ warn, signals: ['errorRate', 'latencyP95'] as const, observations: { errorRate: readings(errorRate) }, now, staleAfterMs: 60_000 });
    expect(newWarnings(watched, { ...input([0.035, 0.039, 0.04, 0.04, 0.04]), signals: ['errorRate'] })).toEqual([]);
    const [warning] = newWarnings(watched, { ...input([0.045, 0.045, 0.05, 0.05, 0.05]), signals: ['errorRate'] });
    expect(warning).toMatchObject({ signal: 'errorRate', value: 0.05, baseline: 0.03, overBaseline: 0.01 });
    expect(warning?.limit).toBeCloseTo(0.04);
    // Said once per deploy; without a baseline there is nothing to compare.
    expect(newWarnings({ ...watched, warnings: [warning!] }, { ...input([0.05, 0.05, 0.05, 0.05, 0.05]), signals: ['errorRate'] })).toEqual([]);
    expect(newWarnings(window(), { ...input([0.5, 0.5, 0.5, 0.5, 0.5]), signals: ['errorRate'] })).toEqual([]);
  });
});

describe('how the watch closes', () => {
  const breach = { signal: 'errorRate' as const, value: 0.07, limit: 0.05, since: T0, at: T0 + 1000, forMs: 1000 };
  it('quiet only when expired with nothing breached, warned or unjudged', () => {
    expect(watchClose(window())).toBeUndefined();
    expect(watchClose(window({ state: 'expired' }))).toEqual({ kind: 'quiet' });
    expect(watchClose(window({ state: 'expired', warnings: [breach] }))).toEqual({ kind: 'warned', signals: ['errorRate'] });
    expect(watchClose(window({ state: 'expired', problems: [{ key: 'unreachable', kind: 'unreachable', since: T0, detail: 'down' }] }))).toEqual({ kind: 'unjudged' });
    expect(watchClose(window({ state: 'expired', breaches: [breach] }))).toEqual({ kind: 'breached', signals: ['errorRate'], acted: false });
    expect(watchClose(window({ state: 'acted', breaches: [breach] }))).toEqual({ kind: 'breached', signals: ['errorRate'], acted: true });
    expect(watchClose(window({ state: 'superseded', endedBecause: 'superseded by v3' }))).toEqual({ kind: 'ended-early', because: 'superseded by v3' });
  });
});
