/** A deploy of one version of one service to one environment, as Firebreak records it. */

export const DEPLOY_STRATEGIES = ['blue-green', 'canary', 'rolling', 'direct'] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

export const DEPLOY_STATUSES = ['started', 'succeeded', 'failed', 'rolled_back'] as const;
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

/** `firebreak`: a rollback Firebreak ran itself, written into the history. */
export const DEPLOY_SOURCES = ['generic', 'github', 'argocd', 'firebreak'] as const;
export type DeploySource = (typeof DEPLOY_SOURCES)[number];

export interface FlagChange {
  key: string;
  enabled: boolean;
}

/** What a deploy changed besides code: the debug guide's "diff the deploy" checklist. */
export interface DeployChanges {
  config: boolean;
  dependencies: boolean;
  migrations: string[];
  flags: FlagChange[];
}

export interface Deploy {
  id: string;
  service: string;
  environment: string;
  version: string;
  previousVersion?: string;
  strategy: DeployStrategy;
  /** `rolled_back` names the version that was taken out, `failed` one that never went live. */
  status: DeployStatus;
  /** ISO 8601, UTC. */
  timestamp: string;
  commit?: string;
  url?: string;
  actor?: string;
  changes: DeployChanges;
  source: DeploySource;
}

/** A deploy as it arrives, before the store gives it an id. */
export type NewDeploy = Omit<Deploy, 'id'>;

export function noChanges(): DeployChanges {
  return { config: false, dependencies: false, migrations: [], flags: [] };
}

/**
 * Two events with the same key are one deploy event delivered twice (a sender's retry, a GitHub
 * redelivery). The unit separator cannot appear in any of the parts a sender can type.
 */
export function deployDedupeKey(deploy: Pick<Deploy, 'service' | 'version' | 'environment' | 'status'>): string {
  return [deploy.service, deploy.version, deploy.environment, deploy.status].join('\u001f');
}

/** A failed or rolled-back deploy ends its version's run: the version is not live any more. */
export function endsVersion(status: DeployStatus): boolean {
  return status === 'failed' || status === 'rolled_back';
}
