import { z } from 'zod';
import {
  ALERT_STATUSES,
  alertFingerprint,
  environmentFromLabels,
  normaliseSeverity,
  type Alert,
  type AlertSource,
} from '../../../domain/alerts/model';
import { ValidationError, type Issue } from '../../../lib/errors';
import { isoTimestamp, labelsSchema, numberFrom } from './common';

/**
 * POST /webhooks/alertmanager — Prometheus Alertmanager's webhook, version 4. Every alert of the
 * group (firing and resolved) becomes one `Alert`. Its service is the label `serviceLabel`
 * (default `service`); an alert without it is an issue at `alerts.<i>.labels.<serviceLabel>`.
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
  alerts: z.array(alertmanagerAlertSchema),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerSchema>;
type AlertmanagerLikeAlert = z.infer<typeof alertmanagerAlertSchema>;

export interface AlertLabelOptions {
  /** The label that names the service. Default `service`. */
  serviceLabel?: string;
}

/** Go's zero time: Alertmanager's way of saying "no end yet". */
const isZeroTime = (iso: string) => iso.startsWith('0001-01-01T');

/**
 * Shared by Alertmanager and Grafana (same alert shape). `extra` adds what only one of them has.
 * Throws ValidationError naming every alert without a service label.
 */
export function fromAlertmanagerAlerts<T extends AlertmanagerLikeAlert>(
  alerts: T[],
  source: AlertSource,
  options: AlertLabelOptions | undefined,
  extra: (alert: T) => Pick<Alert, 'url' | 'value'> = () => ({}),
): Alert[] {
  const serviceLabel = options?.serviceLabel ?? 'service';
  const issues: Issue[] = [];
  const normalised = alerts.flatMap((alert, index): Alert[] => {
    const service = alert.labels[serviceLabel]?.trim();
    if (!service) {
      issues.push({ path: `alerts.${index}.labels.${serviceLabel}`, message: `the alert has no "${serviceLabel}" label` });
      return [];
    }
    const name = alert.labels.alertname || 'alert';
    const { url, value } = extra(alert);
    return [
      {
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
      },
    ];
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return normalised;
}

export function normaliseAlertmanager(webhook: AlertmanagerWebhook, options?: AlertLabelOptions): Alert[] {
  return fromAlertmanagerAlerts(webhook.alerts, 'alertmanager', options);
}
