import type { Breach, GuardWindow, Problem, Signal, SignalRule } from './model';
import type { Verdict } from './rules';

export interface Judged {
  signal: Signal;
  rule?: SignalRule;
  verdict: Verdict;
}

export interface Evaluation {
  window: GuardWindow;
  /** Signals whose breach is new with this evaluation. */
  newBreaches: Breach[];
  /** Problems not seen before for this deploy. */
  newProblems: Problem[];
}

/** The key a problem is reported under, once per deploy: the source as a whole, or one signal. */
export function problemKey(kind: Problem['kind'], signal?: Signal): string {
  if (kind === 'unreachable') return 'unreachable';
  if (kind === 'no-baseline') return 'no-baseline';
  return `no-data-${signal ?? 'all'}`;
}

/**
 * Fold one evaluation's verdicts into the window: each signal's first sustained breach is kept as
 * evidence (a signal acts once per deploy), and each kind of gap is noted once. A p95 baseline that
 * is merely not read yet (the source is down) is not reported as missing: the outage is.
 */
export function applyVerdicts(window: GuardWindow, judged: Judged[]): Evaluation {
  const breaches = [...window.breaches];
  const problems = [...window.problems];
  const newBreaches: Breach[] = [];
  const newProblems: Problem[] = [];
  const known = (signal: Signal) => breaches.some((b) => b.signal === signal);
  const note = (problem: Omit<Problem, 'key'>) => {
    const key = problemKey(problem.kind, problem.signal);
    if (problems.some((p) => p.key === key)) return;
    const full: Problem = { key, ...problem };
    problems.push(full);
    newProblems.push(full);
  };

  for (const { signal, rule, verdict } of judged) {
    if (verdict.kind === 'breach' && rule && !known(signal)) {
      const breach: Breach = { signal, value: verdict.value, limit: rule.limit, since: verdict.since, at: verdict.at, forMs: rule.forMs };
      if (rule.baseline !== undefined) breach.baseline = rule.baseline;
      if (rule.factor !== undefined) breach.factor = rule.factor;
      breaches.push(breach);
      newBreaches.push(breach);
    } else if (verdict.kind === 'gap') {
      note({ kind: verdict.gap, signal: verdict.gap === 'no-data' ? signal : undefined, since: verdict.since, detail: verdict.problem });
    } else if (verdict.kind === 'no-baseline' && window.baseline?.missing !== undefined) {
      note({ kind: 'no-baseline', signal, since: window.deployedAt, detail: verdict.reason });
    }
  }
  return { window: { ...window, breaches, problems }, newBreaches, newProblems };
}
