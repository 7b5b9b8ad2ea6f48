import { formatElapsed } from '../../lib/human-duration';
import type { Baseline, GuardSettings, Observation, Signal, SignalRule } from './model';

/**
 * The rollback runbook's health rules, pure. A signal breaches when every reading in a span of at
 * least `forMs` is strictly above its limit; a reading without a value (or none for `staleAfterMs`)
 * is a gap: reported, never counted as healthy, and it breaks a run.
 */

export type Verdict =
  /** No reading yet, and not long enough without one to call it a gap. */
  | { kind: 'waiting' }
  | { kind: 'healthy'; value: number }
  /** Above the limit, not yet for long enough. */
  | { kind: 'breaching'; value: number; since: number }
  | { kind: 'breach'; value: number; since: number; at: number }
  | { kind: 'gap'; gap: 'unreachable' | 'no-data'; since: number; problem: string }
  /** p95 without a baseline cannot be judged. */
  | { kind: 'no-baseline'; reason: string };

const hasValue = (o: Observation): o is Extract<Observation, { value: number }> => 'value' in o;

/**
 * Judge one signal from its readings (oldest first) at `now`. `watchingSince` is when readings
 * started to count: with none at all for `staleAfterMs` after it, that is a gap too.
 */
export function judge(observations: Observation[], rule: SignalRule, now: number, staleAfterMs: number, watchingSince: number): Verdict {
  const latest = observations.at(-1);
  if (!latest) {
    if (now - watchingSince <= staleAfterMs) return { kind: 'waiting' };
    return { kind: 'gap', gap: 'no-data', since: watchingSince, problem: `no readings at all for over ${formatElapsed(staleAfterMs)}` };
  }
  if (!hasValue(latest)) {
    let since = latest.at;
    for (let i = observations.length - 2; i >= 0; i--) {
      const earlier = observations[i]!;
      if (hasValue(earlier)) break;
      since = earlier.at;
    }
    return { kind: 'gap', gap: latest.gap, since, problem: latest.problem };
  }
  if (now - latest.at > staleAfterMs) return { kind: 'gap', gap: 'no-data', since: latest.at, problem: `nothing new for over ${formatElapsed(staleAfterMs)}` };
  if (!(latest.value > rule.limit)) return { kind: 'healthy', value: latest.value };

  let since = latest.at;
  for (let i = observations.length - 2; i >= 0; i--) {
    const earlier = observations[i]!;
    const later = observations[i + 1]!;
    if (!hasValue(earlier) || !(earlier.value > rule.limit) || later.at - earlier.at > staleAfterMs) break;
    since = earlier.at;
  }
  return latest.at - since >= rule.forMs
    ? { kind: 'breach', value: latest.value, since, at: latest.at }
    : { kind: 'breaching', value: latest.value, since };
}

/** The rule for `signal` under a service's settings; for p95 a missing baseline says why there is none. */
export function ruleFor(signal: Signal, settings: Pick<GuardSettings, 'errorRate' | 'latencyP95' | 'healthFailures'>, baseline: Baseline | undefined): SignalRule | { missing: string } {
  if (signal === 'errorRate') return { signal, limit: settings.errorRate.threshold, forMs: settings.errorRate.forMs };
  if (signal === 'healthFailures') return { signal, limit: settings.healthFailures.threshold, forMs: settings.healthFailures.forMs };
  if (baseline?.value === undefined || !Number.isFinite(baseline.value) || baseline.value <= 0) {
    return { missing: baseline?.missing ?? 'no p95 latency baseline' };
  }
  const { factor, forMs } = settings.latencyP95;
  return { signal, limit: factor * baseline.value, forMs, baseline: baseline.value, factor };
}

/** Judge every signal: the rule when there is one, else why not. */
export function judgeAll(
  input: {
    settings: Pick<GuardSettings, 'signals' | 'errorRate' | 'latencyP95' | 'healthFailures' | 'staleAfterMs'>;
    baseline: Baseline | undefined;
    observations: Partial<Record<Signal, Observation[]>>;
    now: number;
    watchingSince: number;
  },
): { signal: Signal; rule?: SignalRule; verdict: Verdict }[] {
  const { settings } = input;
  return settings.signals.map((signal) => {
    const rule = ruleFor(signal, settings, input.baseline);
    if ('missing' in rule) return { signal, verdict: { kind: 'no-baseline', reason: rule.missing } };
    return { signal, rule, verdict: judge(input.observations[signal] ?? [], rule, input.now, settings.staleAfterMs, input.watchingSince) };
  });
}
