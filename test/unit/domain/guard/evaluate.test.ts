import { breachText, formatReading, limitText, problemText } from '../../../../src/domain/guard/describe';
import { applyVerdicts, type Judged } from '../../../../src/domain/guard/evaluate';
import type { GuardWindow } from '../../../../src/domain/guard/model';

const T0 = Date.parse('2026-11-22T10:00:00Z');

const window: GuardWindow = {
  deployId: 'd-1',
  service: 'checkout',
  environment: 'production',
  version: 'v1.2.3',
  previousVersion: 'v1.2.2',
  mode: 'propose',
  deployedAt: T0,
  startedAt: T0,
  endsAt: T0 + 30 * 60_000,
  state: 'watching',
  tick: 9,
  breaches: [],
  problems: [],
};

const errorBreach: Judged = {
  signal: 'errorRate',
  rule: { signal: 'errorRate', limit: 0.05, forMs: 120_000 },
  verdict: { kind: 'breach', value: 0.07, since: T0 + 15_000, at: T0 + 135_000 },
};

describe('applyVerdicts', () => {
  it('keeps the first sustained breach of each signal as evidence, once', () => {
    const first = applyVerdicts(window, [errorBreach]);
    expect(first.newBreaches).toEqual([{ signal: 'errorRate', value: 0.07, limit: 0.05, since: T0 + 15_000, at: T0 + 135_000, forMs: 120_000 }]);
    const again = applyVerdicts(first.window, [{ ...errorBreach, verdict: { kind: 'breach', value: 0.09, since: T0 + 15_000, at: T0 + 150_000 } }]);
    expect(again.newBreaches).toEqual([]);
    expect(again.window.breaches).toHaveLength(1);
    expect(again.window.breaches[0]!.value).toBe(0.07);
  });

  it('notes the source being unreachable once, whichever signals report it', () => {
    const down = (signal: Judged['signal']): Judged => ({ signal, verdict: { kind: 'gap', gap: 'unreachable', since: T0, problem: 'HTTP 503' } });
    const first = applyVerdicts(window, [down('errorRate'), down('latencyP95'), down('healthFailures')]);
    expect(first.newProblems).toEqual([{ key: 'unreachable', kind: 'unreachable', since: T0, detail: 'HTTP 503' }]);
    expect(applyVerdicts(first.window, [down('errorRate')]).newProblems).toEqual([]);
  });

  it('notes missing data per signal', () => {
    const noData: Judged = { signal: 'healthFailures', verdict: { kind: 'gap', gap: 'no-data', since: T0, problem: 'the query matched no series' } };
    expect(applyVerdicts(window, [noData]).newProblems).toEqual([
      { key: 'no-data-healthFailures', kind: 'no-data', signal: 'healthFailures', since: T0, detail: 'the query matched no series' },
    ]);
  });

  it('reports a missing p95 baseline only once it is known to be missing (not while the source is down)', () => {
    const noBaseline: Judged = { signal: 'latencyP95', verdict: { kind: 'no-baseline', reason: 'no p95 latency baseline' } };
    expect(applyVerdicts(window, [noBaseline]).newProblems).toEqual([]);
    const missing = applyVerdicts({ ...window, baseline: { missing: 'no samples' } }, [{ ...noBaseline, verdict: { kind: 'no-baseline', reason: 'no samples' } }]);
    expect(missing.newProblems).toEqual([{ key: 'no-baseline', kind: 'no-baseline', signal: 'latencyP95', since: T0, detail: 'no samples' }]);
  });

  it('healthy, breaching and waiting verdicts change nothing', () => {
    const quiet = applyVerdicts(window, [
      { signal: 'errorRate', verdict: { kind: 'healthy', value: 0.01 } },
      { signal: 'healthFailures', verdict: { kind: 'breaching', value: 0.7, since: T0 } },
      { signal: 'latencyP95', verdict: { kind: 'waiting' } },
    ]);
    expect(quiet).toEqual({ window, newBreaches: [], newProblems: [] });
  });
});

describe('the evidence in words', () => {
  it.each([
    ['errorRate', 0.07, '7 %'],
    ['errorRate', 0.0726, '7.3 %'],
    ['healthFailures', 0.5, '50 %'],
    ['latencyP95', 0.42, '420 ms'],
    ['latencyP95', 1.5, '1.5 s'],
    ['latencyP95', Number.MAX_VALUE, '∞'],
  ] as const)('%s %d reads %s', (signal, value, text) => {
    expect(formatReading(signal, value)).toBe(text);
  });

  it('names the signal, value, limit, since when and for how long', () => {
    expect(breachText({ signal: 'errorRate', value: 0.07, limit: 0.05, since: T0 + 15_000, at: T0 + 135_000, forMs: 120_000 })).toBe(
      'error rate 7 % above 5 % since 10:00:15 UTC (sustained 2 min, rule: 2 min)',
    );
    expect(limitText({ signal: 'latencyP95', limit: 0.42, baseline: 0.21, factor: 2 })).toBe('2 × baseline 210 ms (420 ms)');
    expect(problemText({ key: 'unreachable', kind: 'unreachable', since: T0, detail: 'HTTP 503' }, 'Prometheus http://prom:9090')).toBe(
      'Prometheus http://prom:9090 cannot be read since 10:00:00 UTC: HTTP 503',
    );
  });
});
