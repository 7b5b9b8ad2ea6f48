import { serviceLabelsOf } from '../../config/alerts';
import type { ConfigFile } from '../../config/file';

/**
 * Where an alert goes: its service (from labels or the catch-all), whether it is a heartbeat, and
 * the one name of its environment. Built once from the config and handed to every normaliser.
 */
export interface AlertRouting {
  /** The labels tried in order, e.g. service, app, app.kubernetes.io/name. */
  serviceLabels: string[];
  /** The service of an alert with these labels (and an explicit service, if the sender named one). */
  resolve(labels: Record<string, string>, explicit?: string): ServiceResolution;
  /** Watchdog-style alerts that fire all the time to prove the pipeline works. */
  isHeartbeat(name: string | undefined, severity: string | undefined): boolean;
  /** `prod` → `production` (environmentAliases); other names as given. */
  environment(name: string | undefined): string | undefined;
}

export type ServiceResolution =
  /** `known`: a configured service (it has a channel); otherwise stored and counted, never shown. */
  | { service: string; known: boolean }
  | { reason: string };

export function alertRouting(config?: Pick<ConfigFile, 'alerts' | 'services' | 'environmentAliases'>): AlertRouting {
  const serviceLabels = config ? serviceLabelsOf(config.alerts) : ['service', 'app', 'app.kubernetes.io/name'];
  const services = config?.services ?? {};
  const known = (name: string) => Object.hasOwn(services, name);
  const catchAll = config?.alerts.catchAll;
  const heartbeatNames = new Set(config?.alerts.heartbeats.names ?? ['Watchdog', 'DeadMansSwitch']);
  const heartbeatSeverities = new Set((config?.alerts.heartbeats.severities ?? ['none']).map((s) => s.toLowerCase()));
  const aliases = new Map(Object.entries(config?.environmentAliases ?? { prod: 'production' }).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    serviceLabels,
    resolve(labels, explicit) {
      const named = explicit?.trim();
      if (named) return { service: named, known: known(named) };
      const candidates = [...serviceLabels.map((label) => (Object.hasOwn(labels, label) ? labels[label] : undefined))]
        .map((value) => value?.trim())
        .filter((value): value is string => !!value);
      const configured = candidates.find(known);
      if (configured) return { service: configured, known: true };
      if (catchAll) return { service: catchAll, known: true };
      if (candidates[0]) return { service: candidates[0], known: false };
      return { reason: `no service: none of the labels ${serviceLabels.join(', ')} is set${catchAll === undefined ? ' and alerts.catchAll is not configured' : ''}` };
    },
    isHeartbeat(name, severity) {
      return (name !== undefined && heartbeatNames.has(name)) || (severity !== undefined && heartbeatSeverities.has(severity.trim().toLowerCase()));
    },
    environment(name) {
      const trimmed = name?.trim();
      if (!trimmed) return undefined;
      return aliases.get(trimmed.toLowerCase()) ?? trimmed;
    },
  };
}
