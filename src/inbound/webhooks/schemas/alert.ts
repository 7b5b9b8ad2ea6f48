import { z } from 'zod';
import {
  ALERT_STATUSES,
  alertFingerprint,
  environmentFromLabels,
  normaliseSeverity,
} from '../../../domain/alerts/model';
import { isoTimestamp, labelsSchema, nonEmpty, receivedAt } from './common';
import { routedAlert, type ItemOutcome, type NormaliseContext } from './outcome';

/**
 * POST /webhooks/alert — the generic alert (PRODUCT.md "Generic alert"):
 *   {"service": "checkout", "name": "HighErrorRate", "severity": "critical", "status": "firing",
 *    "startsAt": "2026-11-22T10:12:00Z", "summary": "5xx rate 7%", "fingerprint": "optional",
 *    "labels": {"endpoint": "/api/orders"}, "value": 0.07}
 * Required: service, name. Defaults: severity "warning", status "firing", startsAt the time of
 * receipt, labels {}, environment from `environment` or the label env / environment, fingerprint
 * sha1 of source, service, name and labels. A list of such alerts is taken item by item.
 */
export const alertSchema = z.object({
  service: nonEmpty,
  name: nonEmpty,
  environment: nonEmpty.optional(),
  severity: z.string().optional(),
  status: z.enum(ALERT_STATUSES).default('firing'),
  startsAt: isoTimestamp.optional(),
  endsAt: isoTimestamp.optional(),
  summary: z.string().optional(),
  fingerprint: nonEmpty.max(200).optional(),
  labels: labelsSchema.default({}),
  value: z.number().optional(),
  url: nonEmpty.optional(),
});

export type AlertEvent = z.infer<typeof alertSchema>;

export function normaliseAlert(event: AlertEvent, context: NormaliseContext, path = ''): ItemOutcome {
  const source = 'generic';
  return routedAlert(context.routing, { name: event.name, severity: event.severity, labels: event.labels, service: event.service }, path, (service) => ({
    fingerprint: event.fingerprint ?? alertFingerprint({ source, service, name: event.name, labels: event.labels }),
    source,
    service,
    environment: event.environment ?? environmentFromLabels(event.labels),
    name: event.name,
    severity: normaliseSeverity(event.severity),
    status: event.status,
    startsAt: event.startsAt ?? receivedAt(context),
    endsAt: event.endsAt,
    summary: event.summary,
    labels: event.labels,
    value: event.value,
    url: event.url,
  }));
}
