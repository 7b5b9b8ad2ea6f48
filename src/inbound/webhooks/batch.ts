import type { Alert } from '../../domain/alerts/model';
import type { NewDeploy } from '../../domain/deploys/model';
import { ValidationError, type Issue } from '../../lib/errors';
import type { ConfigFile } from '../../config/file';
import { alertRouting } from './routing';
import type { NormaliseContext, ParsedItem } from './schemas';
import type { Skipped } from './schemas/metrics';

/**
 * What a webhook body's items came to. Every batch route (Alertmanager, Grafana, Datadog, lists of
 * generic deploys or alerts, pushed metrics) answers from it: 202 `{id, accepted, skipped}` when at
 * least one item is usable, 400 with every item's issues when none is.
 */
export interface BatchSummary {
  alerts: Alert[];
  deploys: NewDeploy[];
  /** Alerts whose service is not configured: stored, never shown as cards. */
  unknownServices: number;
  /** Senders' test notifications (shown as test cards). */
  tests: number;
  /** Watchdog-style alerts: counted, never stored as alerts. */
  heartbeats: number;
  /** Items that report nothing to record (GitHub inactive). */
  ignored: string[];
  skipped: Skipped[];
  /** Of the skipped, how many had no service. */
  unroutable: number;
  issues: Issue[];
}

/** How bodies are read under this config: routing, repository and application maps, defaults. */
export function webhookContext(config: ConfigFile, receivedAt: Date, routing = alertRouting(config)): NormaliseContext {
  const lookup = (map: Record<string, string>, key: string) => (Object.hasOwn(map, key) ? map[key] : undefined);
  return {
    routing,
    serviceForRepository: (fullName) => lookup(config.github.repositories, fullName),
    serviceForApp: (app) => lookup(config.argocd.applications, app),
    defaultEnvironment: config.environment,
    receivedAt,
  };
}

export function summarise(items: ParsedItem[]): BatchSummary {
  const summary: BatchSummary = { alerts: [], deploys: [], unknownServices: 0, tests: 0, heartbeats: 0, ignored: [], skipped: [], unroutable: 0, issues: [] };
  for (const { index, outcome } of items) {
    switch (outcome.kind) {
      case 'alert':
        summary.alerts.push(outcome.alert);
        if (outcome.alert.test) summary.tests += 1;
        else if (!outcome.known) summary.unknownServices += 1;
        break;
      case 'deploy':
        summary.deploys.push(outcome.deploy);
        break;
      case 'heartbeat':
        summary.heartbeats += 1;
        break;
      case 'ignored':
        summary.ignored.push(outcome.reason);
        break;
      case 'skip':
        summary.issues.push(...outcome.issues);
        summary.skipped.push({ index, reason: outcome.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') });
        if (outcome.unroutable) summary.unroutable += 1;
        break;
    }
  }
  return summary;
}

/** Items that will be stored (alerts and deploys); heartbeats are usable but store no alert. */
export const usableCount = (summary: BatchSummary) => summary.alerts.length + summary.deploys.length;

/** Throws the 400 when nothing in the body is usable (and it is not only heartbeats or ignored items). */
export function requireUsable(summary: BatchSummary): void {
  if (usableCount(summary) === 0 && summary.heartbeats === 0 && summary.ignored.length === 0) throw new ValidationError(summary.issues);
}

/**
 * The body as a value: JSON, or a form-encoded delivery — GitHub's `payload=<json>` and Datadog's
 * "Encode as form" (its fields as form fields). Throws ValidationError when it is neither.
 */
export function parseBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (!raw || raw.length === 0) throw new ValidationError([{ path: '', message: 'body is empty; expected JSON' }]);
  const text = raw.toString('utf8');
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload !== null) return parseJsonText(payload, 'payload');
    const fields = new Map<string, string>();
    for (const [key, value] of form) fields.set(key, value);
    if (fields.size === 0) throw new ValidationError([{ path: '', message: 'the form has no fields' }]);
    return Object.fromEntries(fields);
  }
  return parseJsonText(text, '');
}

function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError([{ path, message: `${path || 'body'} is not valid JSON: ${(error as Error).message}` }]);
  }
}
