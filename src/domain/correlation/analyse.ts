import type { Alert } from '../alerts/model';
import type { DeployHistory } from '../deploys/ports';
import { correlate } from './correlate';
import type { CorrelationPolicy, Diagnosis, Verdict } from './model';

const MAX_DEPLOYS_PER_SERVICE = 50;

/** Load the candidate deploys (the service and what it depends on, within the possible window) and correlate. */
export async function analyseAlert(
  alert: Alert,
  deps: { deploys: DeployHistory; dependencies: string[]; policy: CorrelationPolicy; quickDiagnosis?: Diagnosis[]; notARegression?: string[] },
): Promise<Verdict> {
  const atMs = Date.parse(alert.startsAt);
  const sinceMs = atMs - deps.policy.possibleMs;
  const services = [alert.service, ...deps.dependencies];
  const candidates = await Promise.all(services.map((s) => deps.deploys.before(s, alert.environment, atMs, sinceMs, MAX_DEPLOYS_PER_SERVICE)));
  return correlate({
    alert,
    deploys: candidates.flat(),
    dependencies: deps.dependencies,
    policy: deps.policy,
    quickDiagnosis: deps.quickDiagnosis,
    notARegression: deps.notARegression,
  });
}
