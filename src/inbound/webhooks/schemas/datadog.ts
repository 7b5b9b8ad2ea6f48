import { z } from 'zod';
import { alertFingerprint, normaliseSeverity, type Alert, type AlertStatus } from '../../../domain/alerts/model';
import { ValidationError } from '../../../lib/errors';
import { isoTimestamp, numberFrom, templated, templatedText } from './common';

/**
 * POST /webhooks/datadog — a Datadog webhook. Datadog lets you template the body; set the
 * webhook's Payload (Integrations › Webhooks) to:
 *
 *   {
 *     "id": "$ID",
 *     "alert_id": "$ALERT_ID",
 *     "title": "$EVENT_TITLE",
 *     "alert_title": "$ALERT_TITLE",
 *     "alert_transition": "$ALERT_TRANSITION",
 *     "alert_status": "$ALERT_STATUS",
 *     "alert_type": "$ALERT_TYPE",
 *     "alert_scope": "$ALERT_SCOPE",
 *     "priority": "$ALERT_PRIORITY",
 *     "date": "$DATE",
 *     "tags": "$TAGS",
 *     "link": "$LINK"
 *   }
 *
 * Optional: "service": "checkout" (one webhook per service), else the tag `service:` names it;
 * "metric_value": the value that alerted, as a number or text, if your monitor can provide it.
 * Labels are the tags and the scope ("k:v,k2:v2"). Triggered / Re-Triggered / Warn / Re-Warn /
 * No Data / Re-No Data / Renotify → firing, Recovered → resolved. Severity: tag `severity:`, else
 * the alert type (error → critical, warning → warning, info / success → info). The fingerprint is
 * the monitor id and scope, so a recovery matches its trigger.
 */
const TRANSITIONS: Record<string, AlertStatus> = {
  'triggered': 'firing',
  're-triggered': 'firing',
  'warn': 'firing',
  're-warn': 'firing',
  'no data': 'firing',
  're-no data': 'firing',
  'renotify': 'firing',
  'recovered': 'resolved',
};

/** "$DATE" is epoch milliseconds (seconds are taken too, by their size); ISO 8601 works as well. */
const epochSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])
  .transform((epoch) => new Date(epoch < 1e11 ? epoch * 1000 : epoch).toISOString());

const dateSchema = z.union([epochSchema, isoTimestamp], {
  error: 'must be epoch milliseconds ($DATE) or an ISO 8601 date-time',
});

export const datadogSchema = z.object({
  id: templatedText,
  alert_id: templatedText,
  title: templatedText,
  alert_title: templatedText,
  alert_transition: z.string().refine((t) => Object.hasOwn(TRANSITIONS, t.trim().toLowerCase()), {
    message: 'must be one of Triggered, Re-Triggered, Warn, Re-Warn, No Data, Re-No Data, Renotify, Recovered',
  }),
  alert_status: templatedText,
  alert_type: templatedText,
  alert_scope: templatedText,
  priority: templatedText,
  date: dateSchema,
  tags: templatedText,
  service: templatedText,
  link: templatedText,
  metric_value: templated(z.union([z.string(), z.number()]).optional()),
});

export type DatadogWebhook = z.infer<typeof datadogSchema>;

/** "env:prod, service:checkout,team:a,team:b,canary" → {env: "prod", service: "checkout", team: "a,b", canary: ""}. */
export function parseTags(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of (text ?? '').split(',')) {
    const trimmed = tag.trim();
    if (!trimmed) continue;
    const colon = trimmed.indexOf(':');
    const key = colon < 0 ? trimmed : trimmed.slice(0, colon);
    const value = colon < 0 ? '' : trimmed.slice(colon + 1);
    labels[key] = labels[key] !== undefined && labels[key] !== value ? `${labels[key]},${value}` : value;
  }
  return labels;
}

const SEVERITY_FOR_TYPE: Record<string, string> = { error: 'critical', warning: 'warning', info: 'info', success: 'info' };

/** "[Triggered on {host:a}] [P1] High error rate" → "High error rate". */
const stripStatusPrefix = (title: string) => title.replace(/^(\s*\[[^\]]*\])+\s*/, '').trim() || title;

export function normaliseDatadog(webhook: DatadogWebhook): Alert {
  const scope = parseTags(webhook.alert_scope);
  const labels = { ...parseTags(webhook.tags), ...scope };
  if (webhook.priority) labels.priority = webhook.priority;
  if (webhook.alert_id) labels.monitor_id = webhook.alert_id;
  const service = webhook.service ?? labels.service;
  if (!service) throw new ValidationError([{ path: 'tags', message: 'no "service:" tag and no "service" field' }]);
  const name = stripStatusPrefix(webhook.alert_title ?? webhook.title ?? `monitor ${webhook.alert_id ?? 'unknown'}`);
  const status = TRANSITIONS[webhook.alert_transition.trim().toLowerCase()] as AlertStatus;
  const source = 'datadog';
  const identity = webhook.alert_id ? { name: `monitor-${webhook.alert_id}`, labels: scope } : { name, labels };
  const typeSeverity = webhook.alert_type ? SEVERITY_FOR_TYPE[webhook.alert_type.toLowerCase()] : undefined;
  return {
    fingerprint: alertFingerprint({ source, service, ...identity }),
    source,
    service,
    environment: labels.env || labels.environment || undefined,
    name,
    severity: normaliseSeverity(labels.severity ?? typeSeverity),
    status,
    startsAt: webhook.date,
    endsAt: status === 'resolved' ? webhook.date : undefined,
    summary: webhook.alert_status,
    labels,
    value: typeof webhook.metric_value === 'number' ? webhook.metric_value : numberFrom(webhook.metric_value),
    url: webhook.link,
  };
}
