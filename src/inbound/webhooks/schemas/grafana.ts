import { z } from 'zod';
import { ALERT_STATUSES, TEST_ALERT_SERVICE, alertFingerprint } from '../../../domain/alerts/model';
import { alertmanagerAlertSchema, fromAlertmanagerAlert } from './alertmanager';
import { labelsSchema } from './common';
import type { ItemOutcome, NormaliseContext } from './outcome';

/**
 * POST /webhooks/grafana — Grafana unified alerting's webhook contact point (payload version "1",
 * Alertmanager-like). Alerts are taken item by item and find their service as Alertmanager's do.
 * The contact point's **Test** button sends alertname=TestAlert, instance=Grafana ("Notification
 * test"): it is stored as a test alert and shown as a test card (alerts.testChannel, else the
 * announcements channel), never as a real alert.
 */
export const grafanaAlertSchema = alertmanagerAlertSchema.extend({
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
  alerts: z.array(z.unknown()).min(1, 'the notification has no alerts'),
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
export type GrafanaAlert = z.infer<typeof grafanaAlertSchema>;

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

/** What Grafana's contact-point Test button sends (pkg/services/ngalert TestReceivers' default alert). */
export const isGrafanaTestAlert = (alert: GrafanaAlert) => alert.labels.alertname === 'TestAlert' && alert.labels.instance === 'Grafana';

export function normaliseGrafanaAlert(alert: GrafanaAlert, context: NormaliseContext, path: string): ItemOutcome {
  if (isGrafanaTestAlert(alert)) {
    const source = 'grafana';
    return {
      kind: 'alert',
      known: true,
      alert: {
        // Each press of Test is its own notification (Grafana stamps startsAt with the time of the press).
        fingerprint: alertFingerprint({ source, service: TEST_ALERT_SERVICE, name: 'TestAlert', labels: { ...alert.labels, startsAt: alert.startsAt } }),
        source,
        service: TEST_ALERT_SERVICE,
        name: 'TestAlert',
        severity: 'info',
        status: alert.status,
        startsAt: alert.startsAt,
        summary: alert.annotations.summary || 'Notification test',
        labels: alert.labels,
        test: true,
      },
    };
  }
  return fromAlertmanagerAlert(alert, 'grafana', context, path, (a) => ({
    url: a.panelURL || a.dashboardURL || a.generatorURL || undefined,
    value: alertingValue(a),
  }));
}
