import { z } from 'zod';
import { ALERT_STATUSES, type Alert } from '../../../domain/alerts/model';
import { alertmanagerAlertSchema, fromAlertmanagerAlerts, type AlertLabelOptions } from './alertmanager';
import { labelsSchema } from './common';

/**
 * POST /webhooks/grafana — Grafana unified alerting's webhook contact point (payload version "1",
 * Alertmanager-like). The service is the label `serviceLabel` (default `service`), as for Alertmanager.
 */
const grafanaAlertSchema = alertmanagerAlertSchema.extend({
  values: z.record(z.string(), z.number().nullable()).nullish(),
  valueString: z.string().optional(),
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  imageURL: z.string().optional(),
});

export const grafanaSchema = z.object({
  receiver: z.string(),
  status: z.enum(ALERT_STATUSES),
  alerts: z.array(grafanaAlertSchema),
  groupLabels: labelsSchema.default({}),
  commonLabels: labelsSchema.default({}),
  commonAnnotations: labelsSchema.default({}),
  externalURL: z.string().default(''),
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  orgId: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});

export type GrafanaWebhook = z.infer<typeof grafanaSchema>;
type GrafanaAlert = z.infer<typeof grafanaAlertSchema>;

/**
 * The value that alerted. Grafana names expressions A, B, C… and the last is usually the threshold
 * condition (1 or 0), so with several values the one before it is taken (the reduced query).
 */
function alertingValue(alert: GrafanaAlert): number | undefined {
  const refs = Object.keys(alert.values ?? {}).sort();
  const ref = refs.length > 1 ? refs[refs.length - 2] : refs[0];
  const value = ref === undefined ? undefined : alert.values?.[ref];
  return typeof value === 'number' ? value : undefined;
}

export function normaliseGrafana(webhook: GrafanaWebhook, options?: AlertLabelOptions): Alert[] {
  return fromAlertmanagerAlerts(webhook.alerts, 'grafana', options, (alert) => ({
    url: alert.panelURL || alert.dashboardURL || alert.generatorURL || undefined,
    value: alertingValue(alert),
  }));
}
