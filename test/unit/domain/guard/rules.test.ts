import type { Observation, SignalRule } from '../../../../src/domain/guard/model';
import { judge, judgeAll, ruleFor, type Verdict } from '../../../../src/domain/guard/rules';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;
const STALE = 60_000;

/** Readings every 15 s from `from` to `to` seconds (inclusive), plus `to` itself. */
function run(from: number, to: number, value: number): Observation[] {
  const out: Observation[] = [];
  for (let t = from; t < to; t += 15) out.push({ at: s(t), value });
  out.push({ at: s(to), value });
  return out;
}
const gap = (t: number, kind: 'unreachable' | 'no-data' = 'unreachable'): Observation => ({ at: s(t), gap: kind, problem: 'HTTP 503' });

const errorRate: SignalRule = { signal: 'errorRate', limit: 0.05, forMs: 120_000 };
const health: SignalRule = { signal: 'healthFailures', limit: 0.5, forMs: 60_000 };
const latency: SignalRule = { signal: 'latencyP95', limit: 0.4, forMs: 300_000, baseline: 0.2, factor: 2 };

describe('judge: sustained means every reading of the span breaches', () => {
  const cases: [string, SignalRule, Observation[], Verdict][] = [
    ['error rate 7 % for 1:59 is not yet a breach', errorRate, run(0, 119, 0.07), { kind: 'breaching', value: 0.07, since: s(0) }],
    ['error rate 7 % for 2:00 is a breach', errorRate, run(0, 120, 0.07), { kind: 'breach', value: 0.07, since: s(0), at: s(120) }],
    ['exactly 5 % is not a breach, however long', errorRate, run(0, 600, 0.05), { kind: 'healthy', value: 0.05 }],
    ['5.01 % for 2:00 is', errorRate, run(0, 120, 0.0501), { kind: 'breach', value: 0.0501, since: s(0), at: s(120) }],
    ['a healthy reading restarts the span', errorRate, [...run(0, 60, 0.07), { at: s(75), value: 0.01 }, ...run(90, 195, 0.07)], { kind: 'breaching', value: 0.07, since: s(90) }],
    ['a gap is not healthy, but breaks the span', errorRate, [...run(0, 60, 0.07), gap(75), ...run(90, 195, 0.07)], { kind: 'breaching', value: 0.07, since: s(90) }],
    ['after a gap, a full span breaches', errorRate, [...run(0, 60, 0.07), gap(75), ...run(90, 210, 0.07)], { kind: 'breach', value: 0.07, since: s(90), at: s(210) }],
    ['readings further apart than staleAfter do not make a span', errorRate, [{ at: s(0), value: 0.07 }, { at: s(130), value: 0.07 }], { kind: 'breaching', value: 0.07, since: s(130) }],
    ['health checks failing 60 % for 0:59 is not a breach', health, run(0, 59, 0.6), { kind: 'breaching', value: 0.6, since: s(0) }],
    ['health checks failing 60 % for 1:00 is', health, run(0, 60, 0.6), { kind: 'breach', value: 0.6, since: s(0), at: s(60) }],
    ['exactly half failing is not a breach', health, run(0, 300, 0.5), { kind: 'healthy', value: 0.5 }],
    ['p95 above 2 × baseline for 4:59 is not a breach', latency, run(0, 299, 0.41), { kind: 'breaching', value: 0.41, since: s(0) }],
    ['p95 above 2 × baseline for 5:00 is', latency, run(0, 300, 0.41), { kind: 'breach', value: 0.41, since: s(0), at: s(300) }],
    ['p95 at exactly 2 × baseline is not', latency, run(0, 600, 0.4), { kind: 'healthy', value: 0.4 }],
  ];

  it.each(cases)('%s', (_name, rule, observations, expected) => {
    const now = observations.at(-1)!.at;
    expect(judge(observations, rule, now, STALE, s(0))).toEqual(expected);
  });
});

describe('judge: gaps are reported, never healthy', () => {
  it('a trailing gap is reported from its first reading, with the reason', () => {
    const observations = [...run(0, 60, 0.01), gap(75), gap(90), gap(105)];
    expect(judge(observations, errorRate, s(105), STALE, s(0))).toEqual({ kind: 'gap', gap: 'unreachable', since: s(75), problem: 'HTTP 503' });
  });

  it('a breach that turns into a gap is no longer a breach (nor healthy)', () => {
    const observations = [...run(0, 150, 0.07), gap(165, 'no-data')];
    expect(judge(observations, errorRate, s(165), STALE, s(0))).toMatchObject({ kind: 'gap', gap: 'no-data', since: s(165) });
  });

  it('no reading for longer than staleAfter is a gap since the last one', () => {
    expect(judge(run(0, 30, 0.01), errorRate, s(91), STALE, s(0))).toEqual({ kind: 'gap', gap: 'no-data', since: s(30), problem: 'nothing new for over 1 min' });
    expect(judge(run(0, 30, 0.01), errorRate, s(90), STALE, s(0))).toEqual({ kind: 'healthy', value: 0.01 });
  });

  it('no readings at all: waiting at first, a gap once staleAfter has passed', () => {
    expect(judge([], errorRate, s(60), STALE, s(0))).toEqual({ kind: 'waiting' });
    expect(judge([], errorRate, s(61), STALE, s(0))).toEqual({ kind: 'gap', gap: 'no-data', since: s(0), problem: 'no readings at all for over 1 min' });
  });
});

describe('ruleFor and judgeAll', () => {
  const settings = {
    signals: ['errorRate', 'latencyP95', 'healthFailures'] as const,
    errorRate: { threshold: 0.05, forMs: 120_000 },
    latencyP95: { factor: 2, forMs: 300_000 },
    healthFailures: { threshold: 0.5, forMs: 60_000 },
    staleAfterMs: STALE,
  };

  it('derives the p95 limit from the baseline', () => {
    expect(ruleFor('latencyP95', settings, { value: 0.21 })).toEqual({ signal: 'latencyP95', limit: 0.42, forMs: 300_000, baseline: 0.21, factor: 2 });
    expect(ruleFor('errorRate', settings, undefined)).toEqual({ signal: 'errorRate', limit: 0.05, forMs: 120_000 });
  });

  it.each([
    ['missing', { missing: 'no samples before the deploy' }, 'no samples before the deploy'],
    ['not read yet', undefined, 'no p95 latency baseline'],
    ['zero (nothing to multiply)', { value: 0 }, 'no p95 latency baseline'],
  ])('a baseline that is %s leaves p95 unjudged, the other signals judged', (_name, baseline, reason) => {
    const judged = judgeAll({
      settings: { ...settings, signals: [...settings.signals] },
      baseline,
      observations: { errorRate: run(0, 300, 0.07), latencyP95: run(0, 300, 9), healthFailures: run(0, 300, 0) },
      now: s(300),
      watchingSince: s(0),
    });
    expect(judged.map((j) => [j.signal, j.verdict.kind])).toEqual([
      ['errorRate', 'breach'],
      ['latencyP95', 'no-baseline'],
      ['healthFailures', 'healthy'],
    ]);
    expect(judged[1]!.verdict).toEqual({ kind: 'no-baseline', reason });
  });
});
