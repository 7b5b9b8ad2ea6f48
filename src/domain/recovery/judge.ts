import type { RecoveryCheck, RecoveryPolicy, Verdict } from './model';
import type { Reading, SeriesReading } from './ports';

/** What a check measured, before judging: a reading, a baseline, or a series. */
export interface Measured {
  check: RecoveryCheck;
  source: string;
  at: number;
  latest?: Reading;
  baseline?: Reading;
  series?: SeriesReading;
}

/**
 * The rollback runbook's targets: error rate under `below`; p95 at most `ofBaseline` × the p95
 * before the deploy; every throughput reading over the span within `tolerance` of their mean.
 * Missing data is `no-data`, never recovered.
 */
export function judge(measured: Measured, policy: RecoveryPolicy): Verdict {
  const { check, source, at } = measured;
  const base = { check, source, at };
  if (check === 'errorRate') {
    const latest = measured.latest;
    if (!latest || 'missing' in latest) return { ...base, outcome: 'no-data', detail: latest?.missing ?? 'no reading' };
    const target = policy.errorRate.below;
    return { ...base, outcome: latest.value < target ? 'recovered' : 'not-recovered', value: latest.value, target };
  }
  if (check === 'latencyP95') {
    const { latest, baseline } = measured;
    if (!latest || 'missing' in latest) return { ...base, outcome: 'no-data', detail: latest?.missing ?? 'no reading' };
    if (!baseline || 'missing' in baseline) return { ...base, outcome: 'no-data', value: latest.value, detail: `no baseline: ${baseline?.missing ?? 'none'}` };
    const target = baseline.value * policy.latencyP95.ofBaseline;
    return { ...base, outcome: latest.value <= target ? 'recovered' : 'not-recovered', value: latest.value, target, reference: baseline.value };
  }
  const series = measured.series;
  if (!series || 'missing' in series) return { ...base, outcome: 'no-data', detail: series?.missing ?? 'no readings' };
  if (series.values.length < 2) return { ...base, outcome: 'no-data', detail: `${series.values.length} reading${series.values.length === 1 ? '' : 's'} over the span; at least 2 are needed to call it stable` };
  const mean = series.values.reduce((sum, v) => sum + v, 0) / series.values.length;
  const target = policy.throughput.tolerance;
  if (mean <= 0) return { ...base, outcome: 'not-recovered', value: 1, target, reference: 0, detail: 'no traffic at all' };
  const spread = Math.max(...series.values.map((v) => Math.abs(v - mean))) / mean;
  return { ...base, outcome: spread <= target ? 'recovered' : 'not-recovered', value: spread, target, reference: mean };
}
