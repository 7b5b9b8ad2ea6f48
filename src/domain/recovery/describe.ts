import type { RecoveryCheck, RecoveryPolicy, Verdict } from './model';

/** Plain words for the watch's targets and results (escaped by whoever puts them into Slack). */

export const percent = (ratio: number): string => `${Number((ratio * 100).toFixed(ratio < 0.1 ? 2 : 1))} %`;
export const seconds = (value: number): string => (value < 1 ? `${Math.round(value * 1000)} ms` : `${Number(value.toFixed(2))} s`);
const rate = (value: number): string => `${Number(value.toFixed(value < 10 ? 2 : 0))} req/s`;

export const CHECK_NAMES: Record<RecoveryCheck, string> = { errorRate: 'Error rate', latencyP95: 'p95 latency', throughput: 'Throughput' };

/** "error rate under 1 %", "p95 latency at most 1.1 × its baseline", "throughput steady within ±10 %". */
export function describeTarget(check: RecoveryCheck, policy: RecoveryPolicy): string {
  if (check === 'errorRate') return `error rate under ${percent(policy.errorRate.below)}`;
  if (check === 'latencyP95') return `p95 latency at most ${policy.latencyP95.ofBaseline} × its baseline`;
  return `throughput steady within ±${percent(policy.throughput.tolerance)}`;
}

/** The measured value against the target: "error rate 3.2 % (target: under 1 %)". */
export function measuredVsTarget(verdict: Verdict): string {
  const { value, target, reference } = verdict;
  if (verdict.check === 'errorRate') return `error rate ${value === undefined ? '?' : percent(value)} (target: under ${target === undefined ? '?' : percent(target)})`;
  if (verdict.check === 'latencyP95') {
    return `p95 latency ${value === undefined ? '?' : seconds(value)} (target: at most ${target === undefined ? '?' : seconds(target)}, baseline ${reference === undefined ? '?' : seconds(reference)})`;
  }
  if (verdict.detail === 'no traffic at all') return 'throughput 0 req/s: no traffic at all';
  return `throughput ${reference === undefined ? '?' : rate(reference)}, varying ±${value === undefined ? '?' : percent(value)} (target: within ±${target === undefined ? '?' : percent(target)})`;
}

/** "recovered: error rate 0.4 % (target: under 1 %)" / "no data: error rate (…why…)". */
export function describeVerdict(verdict: Verdict): string {
  if (verdict.outcome === 'no-data') return `no data for ${CHECK_NAMES[verdict.check].toLowerCase()} (${verdict.detail ?? 'no reading'}), so recovery is not confirmed`;
  return `${verdict.outcome === 'recovered' ? 'recovered' : 'not recovered'}: ${measuredVsTarget(verdict)}`;
}
