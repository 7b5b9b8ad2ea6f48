import type { Alert } from '../../../domain/alerts/model';
import type { NewDeploy } from '../../../domain/deploys/model';
import type { Issue } from '../../../lib/errors';
import type { AlertRouting } from '../routing';
import type { ReceiveOptions } from './common';

/** What one item of a webhook body became. */
export type ItemOutcome =
  /** `known`: its service is configured; an unknown service's alert is stored but never shown. */
  | { kind: 'alert'; alert: Alert; known: boolean }
  | { kind: 'deploy'; deploy: NewDeploy }
  /** Watchdog-style alert: proves the pipeline works; counted, never a card. */
  | { kind: 'heartbeat' }
  /** Nothing to record (GitHub `inactive`, `waiting`). */
  | { kind: 'ignored'; reason: string }
  /** Unusable: listed in the answer's `skipped` (or its 400 when nothing is usable). */
  | { kind: 'skip'; issues: Issue[]; unroutable?: boolean };

export interface NormaliseContext extends ReceiveOptions {
  routing: AlertRouting;
  /** Maps "org/repo" to a Firebreak service; default (or when it returns undefined) the repo's name. */
  serviceForRepository?: (fullName: string) => string | undefined;
  /** Maps an Argo CD application to a Firebreak service when the body names none; default the app name. */
  serviceForApp?: (app: string) => string | undefined;
  /** Environment of deploys that name none. Default "production". */
  defaultEnvironment?: string;
}

export const skip = (path: string, message: string): ItemOutcome => ({ kind: 'skip', issues: [{ path, message }] });

/**
 * An alert whose service was resolved (or a skip naming why it could not be, or a heartbeat).
 * `build` makes the alert once its service is known (fingerprints include the service).
 */
export function routedAlert(
  routing: AlertRouting,
  what: { name: string; severity?: string; labels: Record<string, string>; service?: string },
  path: string,
  build: (service: string) => Alert,
): ItemOutcome {
  if (routing.isHeartbeat(what.name, what.severity)) return { kind: 'heartbeat' };
  const resolution = routing.resolve(what.labels, what.service);
  if ('reason' in resolution) return { kind: 'skip', issues: [{ path, message: resolution.reason }], unroutable: true };
  const alert = build(resolution.service);
  return { kind: 'alert', alert: { ...alert, environment: routing.environment(alert.environment) }, known: resolution.known };
}
