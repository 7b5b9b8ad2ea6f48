import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GITHUB_SECRET, WEBHOOK_TOKEN } from './harness';

export function fixture<T extends object = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(__dirname, '../fixtures/webhooks', path), 'utf8')) as T;
}

const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * A sender's payload with every date-time in it moved by one offset so that the newest is
 * `newestAgoMs` before now: the shape stays the sender's own, but the content never ages past a
 * retention or a correlation window however long after it was written the test runs.
 */
export function recentFixture<T extends object = Record<string, unknown>>(path: string, newestAgoMs = 60_000): T {
  const value = fixture<T>(path);
  const times: number[] = [];
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && ISO_DATE_TIME.test(v) && times.push(Date.parse(v)), v));
  if (times.length === 0) return value;
  const shift = Date.now() - newestAgoMs - Math.max(...times);
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' && ISO_DATE_TIME.test(v) ? new Date(Date.parse(v) + shift).toISOString() : v)) as T;
}

export interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** POST a webhook with the bearer token (or the given headers instead). */
export async function postWebhook(baseUrl: string, source: string, body: unknown, headers?: Record<string, string>): Promise<Answer> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${baseUrl}/webhooks/${source}`, {
    method: 'POST',
    headers: headers ?? { 'Content-Type': 'application/json', Authorization: `Bearer ${WEBHOOK_TOKEN}` },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export function githubHeaders(raw: string, event: string, delivery: string, secret = GITHUB_SECRET): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': delivery,
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
  };
}

/** An Alertmanager v4 group of `alerts` for `service`. */
export function alertmanagerGroup(service: string, alerts: { name: string; fingerprint: string; status?: 'firing' | 'resolved'; startsAt: string; labels?: Record<string, string> }[]) {
  return {
    version: '4',
    groupKey: `{}:{service="${service}"}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
    receiver: 'firebreak',
    groupLabels: { service },
    commonLabels: { service },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.name, service, severity: 'critical', env: 'production', ...a.labels },
      annotations: { summary: `${a.name} on ${service}` },
      startsAt: a.startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: a.fingerprint,
    })),
  };
}
