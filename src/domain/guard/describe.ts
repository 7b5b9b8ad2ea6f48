import { UTCDate } from '@date-fns/utc';
import { format } from 'date-fns';
import { formatElapsed } from '../../lib/human-duration';
import type { Breach, GuardWindow, Problem, Signal } from './model';

/** The guard's evidence in plain words, for cards, reports, the timeline and the deployer's `reason`. */

export const SIGNAL_LABELS: Record<Signal, string> = {
  errorRate: 'error rate',
  latencyP95: 'p95 latency',
  healthFailures: 'health-check failures',
};

/** Ratios as percentages; p95 latency (seconds) in ms or s. */
export function formatReading(signal: Signal, value: number): string {
  if (value >= Number.MAX_VALUE) return '∞';
  if (signal !== 'latencyP95') return `${trim((value * 100).toFixed(1))} %`;
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${trim(value.toFixed(2))} s`;
}

const trim = (text: string) => text.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');

export const utcClock = (ms: number) => `${format(new UTCDate(ms), 'HH:mm:ss')} UTC`;

/** "5 %" or "2 × baseline 210 ms (420 ms)". */
export function limitText(breach: Pick<Breach, 'signal' | 'limit' | 'baseline' | 'factor' | 'overBaseline'>): string {
  if (breach.overBaseline !== undefined && breach.baseline !== undefined) {
    const points = trim((breach.overBaseline * 100).toFixed(1));
    return `baseline ${formatReading(breach.signal, breach.baseline)} + ${points} point${points === '1' ? '' : 's'} (${formatReading(breach.signal, breach.limit)})`;
  }
  if (breach.signal === 'latencyP95' && breach.baseline !== undefined) {
    return `${breach.factor ?? '?'} × baseline ${formatReading('latencyP95', breach.baseline)} (${formatReading('latencyP95', breach.limit)})`;
  }
  return formatReading(breach.signal, breach.limit);
}

/** "error rate 7 % above 5 % since 10:02:15 UTC (sustained 2 min)". */
export function breachText(breach: Breach): string {
  const sustained = formatElapsed(breach.at - breach.since);
  return `${SIGNAL_LABELS[breach.signal]} ${formatReading(breach.signal, breach.value)} above ${limitText(breach)} since ${utcClock(breach.since)} (sustained ${sustained}, rule: ${formatElapsed(breach.forMs)})`;
}

/** One line naming the deploy and what breached: an incident title, the deployer's `reason`. */
export function guardHeadline(window: Pick<GuardWindow, 'service' | 'version'>, breaches: Breach[]): string {
  const what = breaches.map((b) => `${SIGNAL_LABELS[b.signal]} ${formatReading(b.signal, b.value)}`).join(', ');
  return `Deploy guard: ${window.service} ${window.version} unhealthy (${what || 'breach'})`;
}

/** Why the guard cannot judge a deploy, in words. */
export function problemText(problem: Problem, sourceName: string): string {
  const since = `since ${utcClock(problem.since)}`;
  if (problem.kind === 'unreachable') return `${sourceName} cannot be read ${since}: ${problem.detail}`;
  if (problem.kind === 'no-baseline') {
    return `no p95 latency baseline from the 30 min before the deploy (${problem.detail}), so p95 latency is not judged for this deploy`;
  }
  const signal = problem.signal ? SIGNAL_LABELS[problem.signal] : 'its signals';
  return `no data for ${signal} from ${sourceName} ${since} (${problem.detail})`;
}
