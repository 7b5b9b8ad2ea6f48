import { z } from 'zod';
import {
  ALERT_STATUSES,
  alertFingerprint,
  environmentFromLabels,
  normaliseSeverity,
  type Alert,
  type AlertSource,
} from '../../../domain/alerts/model';
import { isoTimestamp, labelsSchema, numberFrom } from './common';
import { routedAlert, type ItemOutcome, type NormaliseContext } from './outcome';

/**
 * POST /webhooks/alertmanager — Prometheus Alertmanager's webhook, version 4. Every alert of the
 * group (firing and resolved) becomes one `Alert`, item by item: its service is the first of
 * `alerts.serviceLabels` (default service, app, app.kubernetes.io/name) naming a configured service,
 * else `alerts.catchAll`, else the first of those labels set; an alert with none is skipped
 * (`alerts.<i>`), a heartbeat (Watchdog) is counted.
 */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(ALERT_STATUSES),
  labels: labelsSchema,
  annotations: labelsSchema.default({}),
  startsAt: isoTimestamp,
  endsAt: isoTimestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** The group around the alerts; each alert is parsed on its own so one bad alert costs only itself. */
export const alertmanagerSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(ALERT_STATUSES),
  receiver: z.string(),
  groupLabels: labelsSchema.default({}),
  commonLabels: labelsSchema.default({}),
  commonAnnotations: labelsSchema.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(z.unknown()).min(1, 'the group has no alerts'),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerSchema>;
export type AlertmanagerLikeAlert = z.infer<typeof alertmanagerAlertSchema>;

/** Go's zero time: Alertmanager's way of saying "no end yet". */
const isZeroTime = (iso: string) => iso.startsWith('0001-01-01T');

/**
 * One alert of an Alertmanager or Grafana group (same shape); `extra` adds what only one has.
 * Its service comes from the routing's labels (or the catch-all); a heartbeat is recognised.
 */
export function fromAlertmanagerAlert<T extends AlertmanagerLikeAlert>(
  alert: T,
  source: AlertSource,
  context: NormaliseContext,
  path: string,
  extra: (alert: T) => Pick<Alert, 'url' | 'value'> = () => ({}),
): ItemOutcome {
  const name = alert.labels.alertname || 'alert';
  return routedAlert(context.routing, { name, severity: alert.labels.severity, labels: alert.labels }, path, (service) => {
    const { url, value } = extra(alert);
    return {
      fingerprint: alert.fingerprint || alertFingerprint({ source, service, name, labels: alert.labels }),
      source,
      service,
      environment: environmentFromLabels(alert.labels),
      name,
      severity: normaliseSeverity(alert.labels.severity),
      status: alert.status,
      startsAt: alert.startsAt,
      endsAt: alert.status === 'resolved' && alert.endsAt && !isZeroTime(alert.endsAt) ? alert.endsAt : undefined,
      summary: alert.annotations.summary || alert.annotations.description || undefined,
      labels: alert.labels,
      value: value ?? numberFrom(alert.annotations.value),
      url: url ?? (alert.generatorURL || undefined),
    };
  });
}
