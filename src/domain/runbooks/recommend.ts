/** The debug guide's rule: "Above 5 % errors with no known cause: roll back first, diagnose on the previous version". */
export const ROLL_BACK_FIRST = 'Errors are above {{threshold}} and the cause is unknown: roll back first, diagnose on the previous version.';

/** An alert that measures errors: its name, summary or labels say so. */
const ERRORISH = /error|5xx|fail/i;

export interface AlertReading {
  name: string;
  summary?: string;
  labels?: Record<string, string>;
  /** The alert's measured value; an error rate is a ratio (0–1). */
  value?: number;
}

/**
 * Whether the rule applies: the alert measures errors, its value is a ratio above the threshold
 * (policy.yaml guard.errorRate.threshold, the runbooks' 5 %), and nobody has named a cause yet.
 */
export function rollBackFirst(alert: AlertReading | undefined, threshold: number, causeKnown: boolean): boolean {
  if (!alert || causeKnown || alert.value === undefined || !Number.isFinite(alert.value)) return false;
  if (alert.value <= threshold || alert.value > 1) return false;
  const words = [alert.name, alert.summary ?? '', ...Object.entries(alert.labels ?? {}).flat()].join(' ');
  return ERRORISH.test(words);
}

export function rollBackFirstText(threshold: number): string {
  const percent = `${Math.round(threshold * 1000) / 10} %`;
  return ROLL_BACK_FIRST.replace('{{threshold}}', percent);
}

/** The runbook's likely causes, with the ones the alert's reading points at first (no duplicates). */
export function rankCauses(runbookCauses: string[], diagnosed: string[]): string[] {
  const seen = new Set<string>();
  const ranked: string[] = [];
  for (const cause of [...diagnosed, ...runbookCauses]) {
    const key = cause.trim().toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    ranked.push(cause.trim());
  }
  return ranked;
}
