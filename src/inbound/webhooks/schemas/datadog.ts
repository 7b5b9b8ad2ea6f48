import { z } from 'zod';
import { alertFingerprint, normaliseSeverity, type AlertStatus } from '../../../domain/alerts/model';
import { isoTimestamp, numberFrom, templated, templatedText } from './common';
import { routedAlert, type ItemOutcome, type NormaliseContext } from './outcome';

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
 * Datadog's default payload (body, last_updated, event_type, title, date, org, id) is taken too: the
 * transition then comes from the title ("[Triggered] …", "[Recovered] …"), the priority from a
 * "[P1]" in it. "alert_priority": "$ALERT_PRIORITY" (P1–P5) gives the priority, and the severity
 * when no tag or alert type does (P1/P2 critical, P3 warning, P4/P5 info). The form-encoded
 * delivery ("Encode as form") is read like the JSON one. A list of payloads is taken item by item.
 *
 * Optional: "service": "checkout" (one webhook per service), else the tags (`service:`, `app:`…, as
 * `alerts.serviceLabels`), else `alerts.catchAll`; a payload with none of them is skipped;
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

const TRANSITION_MESSAGE = 'must be one of Triggered, Re-Triggered, Warn, Re-Warn, No Data, Re-No Data, Renotify, Recovered';

/** The latest instant JavaScript's Date can hold (±8.64e15 ms from 1970). */
const MAX_EPOCH_MS = 8.64e15;

/**
 * "$DATE" is epoch milliseconds (seconds are taken too, by their size); ISO 8601 works as well.
 * A number outside what a Date can hold is an issue, never an exception.
 */
const epochSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/).transform(Number)])
  .transform((epoch) => (epoch < 1e11 ? epoch * 1000 : epoch))
  .refine((ms) => ms <= MAX_EPOCH_MS, { message: 'is outside the range of dates' })
  .transform((ms) => new Date(ms).toISOString());

const dateSchema = z.union([epochSchema, isoTimestamp], {
  error: 'must be epoch milliseconds ($DATE) or an ISO 8601 date-time',
});

/** "$ALERT_TRANSITION" when the payload has it; else read from the title's "[Triggered]" prefix. */
function transitionOf(webhook: { alert_transition?: string; title?: string; alert_title?: string }): AlertStatus | undefined {
  const given = webhook.alert_transition?.trim().toLowerCase();
  if (given) return Object.hasOwn(TRANSITIONS, given) ? TRANSITIONS[given] : undefined;
  for (const title of [webhook.title, webhook.alert_title]) {
    for (const [, inside] of (title ?? '').matchAll(/\[([^\]]*)\]/g)) {
      const word = (inside ?? '').replace(/\s+on\s+\{.*$/, '').trim().toLowerCase();
      if (Object.hasOwn(TRANSITIONS, word)) return TRANSITIONS[word];
    }
  }
  return undefined;
}

/** "$ALERT_PRIORITY" (P1–P5), else a "[P1]" in the title; `priority` is taken when it looks like one. */
function priorityOf(webhook: { alert_priority?: string; priority?: string; title?: string }): string | undefined {
  for (const candidate of [webhook.alert_priority, webhook.priority]) {
    const match = /^p[1-5]$/i.exec(candidate?.trim() ?? '');
    if (match) return match[0].toUpperCase();
  }
  return /\[(P[1-5])\]/i.exec(webhook.title ?? '')?.[1]?.toUpperCase();
}

const SEVERITY_FOR_PRIORITY: Record<string, string> = { P1: 'critical', P2: 'critical', P3: 'warning', P4: 'info', P5: 'info' };

export const datadogSchema = z
  .object({
    id: templatedText,
    alert_id: templatedText,
    title: templatedText,
    alert_title: templatedText,
    alert_transition: templatedText.refine((t) => t === undefined || Object.hasOwn(TRANSITIONS, t.toLowerCase()), { message: TRANSITION_MESSAGE }),
    alert_status: templatedText,
    alert_type: templatedText,
    alert_scope: templatedText,
    priority: templatedText,
    alert_priority: templatedText,
    date: dateSchema,
    body: templatedText,
    event_type: templatedText,
    tags: templatedText,
    service: templatedText,
    link: templatedText,
    metric_value: templated(z.union([z.string(), z.number().finite()]).optional()),
  })
  .refine((webhook) => transitionOf(webhook) !== undefined, {
    path: ['alert_transition'],
    message: `no transition: send "alert_transition": "$ALERT_TRANSITION", or a title that starts with one, as in "[Triggered] …"`,
  });

export type DatadogWebhook = z.infer<typeof datadogSchema>;

/** "env:prod, service:checkout,team:a,team:b,canary" → {env: "prod", service: "checkout", team: "a,b", canary: ""}. */
export function parseTags(text: string | undefined): Record<string, string> {
  const labels = new Map<string, string>();
  for (const tag of (text ?? '').split(',')) {
    const trimmed = tag.trim();
    if (!trimmed) continue;
    const colon = trimmed.indexOf(':');
    const key = colon < 0 ? trimmed : trimmed.slice(0, colon);
    const value = colon < 0 ? '' : trimmed.slice(colon + 1);
    const earlier = labels.get(key);
    labels.set(key, earlier !== undefined && earlier !== value ? `${earlier},${value}` : value);
  }
  return Object.fromEntries(labels);
}

const SEVERITY_FOR_TYPE: Record<string, string> = { error: 'critical', warning: 'warning', info: 'info', success: 'info' };

/** "[Triggered on {host:a}] [P1] High error rate" → "High error rate". */
const stripStatusPrefix = (title: string) => title.replace(/^(\s*\[[^\]]*\])+\s*/, '').trim() || title;

/** "[Triggered on {env:prod,service:checkout}] …" → "env:prod,service:checkout" (the default payload's only scope). */
const scopeInTitle = (title: string | undefined) => /\[[^\]]*?\bon\s+\{([^}]*)\}[^\]]*\]/.exec(title ?? '')?.[1];

export function normaliseDatadog(webhook: DatadogWebhook, context: NormaliseContext, path = ''): ItemOutcome {
  const scope = parseTags(webhook.alert_scope ?? scopeInTitle(webhook.title ?? webhook.alert_title));
  const labels = { ...parseTags(webhook.tags), ...scope };
  const priority = priorityOf(webhook);
  if (priority) labels.priority = priority;
  if (webhook.alert_id) labels.monitor_id = webhook.alert_id;
  const name = stripStatusPrefix(webhook.alert_title ?? webhook.title ?? `monitor ${webhook.alert_id ?? 'unknown'}`);
  const status = transitionOf(webhook) as AlertStatus;
  const source = 'datadog';
  const identity = webhook.alert_id ? { name: `monitor-${webhook.alert_id}`, labels: scope } : { name, labels };
  const type = webhook.alert_type?.toLowerCase();
  const typeSeverity = type && Object.hasOwn(SEVERITY_FOR_TYPE, type) ? SEVERITY_FOR_TYPE[type] : undefined; // own keys only: "constructor" is no type
  const severity = labels.severity ?? typeSeverity ?? (priority ? SEVERITY_FOR_PRIORITY[priority] : undefined);
  return routedAlert(context.routing, { name, severity: labels.severity, labels, service: webhook.service }, path, (service) => ({
    fingerprint: alertFingerprint({ source, service, ...identity }),
    source,
    service,
    environment: labels.env || labels.environment || undefined,
    name,
    severity: normaliseSeverity(severity),
    status,
    startsAt: webhook.date,
    endsAt: status === 'resolved' ? webhook.date : undefined,
    summary: webhook.alert_status ?? webhook.body,
    labels,
    value: typeof webhook.metric_value === 'number' ? webhook.metric_value : numberFrom(webhook.metric_value),
    url: webhook.link,
  }));
}
