import { DEFAULT_NOT_A_REGRESSION, DEFAULT_QUICK_DIAGNOSIS } from './defaults';
import { diagnosisPatterns, quickDiagnosis } from './diagnosis';
import type { CorrelationInput, Verdict } from './model';
import { suspectDeploys } from './suspects';

/**
 * Which deploy most likely broke what the alert reports: the recent-deployment-issue runbook's
 * timeline correlation plus the debug guide's quick diagnosis. Pure: the caller loads the deploys.
 */
export function correlate(input: CorrelationInput): Verdict {
  const { alert, policy } = input;
  const suspects = suspectDeploys(alert, input.deploys, input.dependencies ?? [], policy);
  const top = suspects[0];
  if (!top) {
    return { kind: 'none', suspects: [], diagnosis: [], advice: [...(input.notARegression ?? DEFAULT_NOT_A_REGRESSION)] };
  }
  const patterns = diagnosisPatterns(alert, suspects, policy);
  return {
    kind: top.strength,
    suspects,
    top,
    diagnosis: quickDiagnosis(patterns, input.quickDiagnosis ?? DEFAULT_QUICK_DIAGNOSIS),
    advice: [],
  };
}
