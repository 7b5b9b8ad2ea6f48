import { createHash } from 'node:crypto';

/** An alert from any monitoring source, normalised. */

export const ALERT_SOURCES = ['generic', 'alertmanager', 'grafana', 'datadog'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface Alert {
  /** Stable identity across notifications of the same alert: resends, resolution, refiring. */
  fingerprint: string;
  source: AlertSource;
  service: string;
  environment?: string;
  name: string;
  /** Lowercase: critical | warning | info, or whatever else the source says. */
  severity: string;
  status: AlertStatus;
  /** ISO 8601, UTC. */
  startsAt: string;
  endsAt?: string;
  summary?: string;
  labels: Record<string, string>;
  value?: number;
  url?: string;
  /** A sender's test notification (Grafana's contact-point Test): shown as a test card, never acted on. */
  test?: boolean;
}

/** The service test notifications are filed under; no configured service can have this name. */
export const TEST_ALERT_SERVICE = '_test';

/** How a notification changed what we knew of its alert. */
export type AlertChange = 'new' | 'repeat' | 'resolved' | 'refired';

/** An alert as the store tracks it across notifications. */
export interface AlertState extends Alert {
  state: AlertStatus;
  /** ISO 8601 times we first and last received a notification for this fingerprint. */
  firstSeen: string;
  lastSeen: string;
  /** Notifications received for this fingerprint. */
  count: number;
}

/** Used when a source gives no severity: not critical unless it says so. */
export const DEFAULT_SEVERITY = 'warning';

const SEVERITY_ALIASES: Record<string, string> = {
  crit: 'critical',
  warn: 'warning',
  information: 'info',
  informational: 'info',
};

export function normaliseSeverity(raw: string | undefined): string {
  const severity = raw?.trim().toLowerCase();
  if (!severity) return DEFAULT_SEVERITY;
  return (Object.hasOwn(SEVERITY_ALIASES, severity) ? SEVERITY_ALIASES[severity] : undefined) ?? severity;
}

/** A fingerprint for sources that give none: sha1 of source, service, name and the sorted labels. */
export function alertFingerprint(alert: Pick<Alert, 'source' | 'service' | 'name' | 'labels'>): string {
  const labels = Object.keys(alert.labels)
    .sort()
    .map((key) => `${key}=${alert.labels[key]}`);
  return createHash('sha1')
    .update([alert.source, alert.service, alert.name, ...labels].join('\n'))
    .digest('hex');
}

/** The environment an alert names in its labels, if any. */
export function environmentFromLabels(labels: Record<string, string>): string | undefined {
  return labels.env || labels.environment || undefined;
}
