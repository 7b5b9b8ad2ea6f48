import type { Alert } from '../alerts/model';
import { endsVersion, type Deploy, type DeployStatus } from '../deploys/model';
import { summariseChanges } from './changes';
import type { CorrelationPolicy, Strength, Suspect } from './model';

/**
 * The time rule, edges included: age < strongMs is strong (29:59 of 30 min), strongMs <= age <=
 * possibleMs is possible (30:00 and 2:00:00 of 2 h), older is no suspect (2:00:01).
 */
export function strengthForAge(ageMs: number, policy: CorrelationPolicy): Strength | undefined {
  if (ageMs < 0) return undefined;
  if (ageMs < policy.strongMs) return 'strong';
  if (ageMs <= policy.possibleMs) return 'possible';
  return undefined;
}

/** At one timestamp, the status that says most about the version wins. */
const STATUS_WEIGHT: Record<DeployStatus, number> = { started: 0, succeeded: 1, failed: 2, rolled_back: 3 };

/**
 * Each version's last word before the alert: a version that started, succeeded and was rolled back
 * is one deploy, and not a suspect. Ignores deploys after the alert and of other environments.
 */
function lastWordPerVersion(alert: Alert, deploys: Deploy[], startMs: number): Deploy[] {
  const environment = alert.environment?.toLowerCase();
  const latest = new Map<string, Deploy>();
  for (const deploy of deploys) {
    if (environment !== undefined && deploy.environment.toLowerCase() !== environment) continue;
    const at = Date.parse(deploy.timestamp);
    if (!(at <= startMs)) continue;
    const key = [deploy.service, deploy.environment, deploy.version].join('\u001f');
    const seen = latest.get(key);
    const seenAt = seen ? Date.parse(seen.timestamp) : -Infinity;
    if (!seen || at > seenAt || (at === seenAt && STATUS_WEIGHT[deploy.status] > STATUS_WEIGHT[seen.status])) {
      latest.set(key, deploy);
    }
  }
  return [...latest.values()];
}

const STRENGTH_RANK: Record<Strength, number> = { strong: 0, possible: 1 };

function rank(a: Suspect, b: Suspect): number {
  return (
    STRENGTH_RANK[a.strength] - STRENGTH_RANK[b.strength] ||
    Number(a.viaDependency !== undefined) - Number(b.viaDependency !== undefined) ||
    Number(a.deploy.status === 'started') - Number(b.deploy.status === 'started') ||
    Date.parse(b.deploy.timestamp) - Date.parse(a.deploy.timestamp) ||
    a.deploy.id.localeCompare(b.deploy.id)
  );
}

/**
 * Deploys of the alert's service and of its dependencies that may have caused it, best first.
 * A deploy still `started` is weaker: at most a possible suspect, and after finished ones.
 */
export function suspectDeploys(alert: Alert, deploys: Deploy[], dependencies: string[], policy: CorrelationPolicy): Suspect[] {
  const startMs = Date.parse(alert.startsAt);
  const related = deploys.filter((d) => d.service === alert.service || dependencies.includes(d.service));
  const suspects: Suspect[] = [];
  for (const deploy of lastWordPerVersion(alert, related, startMs)) {
    if (endsVersion(deploy.status)) continue;
    const ageMs = startMs - Date.parse(deploy.timestamp);
    let strength = strengthForAge(ageMs, policy);
    if (!strength) continue;
    if (deploy.status === 'started') strength = 'possible';
    suspects.push({
      deploy,
      strength,
      ageMs,
      ...(deploy.service !== alert.service ? { viaDependency: deploy.service } : {}),
      changes: summariseChanges(deploy.changes),
    });
  }
  return suspects.sort(rank);
}
