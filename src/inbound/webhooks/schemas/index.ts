import { z } from 'zod';
import { ValidationError } from '../../../lib/errors';
import { toIssues } from '../../../lib/zod-issues';
import { alertSchema, normaliseAlert } from './alert';
import { alertmanagerAlertSchema, alertmanagerSchema, fromAlertmanagerAlert } from './alertmanager';
import { argocdSchema, normaliseArgocd } from './argocd';
import { datadogSchema, normaliseDatadog } from './datadog';
import { deploySchema, normaliseDeploy } from './deploy';
import { githubSchema, normaliseGithub } from './github';
import { grafanaAlertSchema, grafanaSchema, normaliseGrafanaAlert } from './grafana';
import type { ItemOutcome, NormaliseContext } from './outcome';

export type { ItemOutcome, NormaliseContext } from './outcome';

/** At most this many items in one list body. */
export const MAX_BATCH_ITEMS = 10_000;

/** One item of a body: where it is (`alerts.3`, `3`, or '' for a body that is one item) and what it is. */
interface RawItem {
  index: number;
  path: string;
  raw: unknown;
}

interface SourceSpec {
  /** Split a body into its items; throws ValidationError when the body around them is wrong. */
  items(body: unknown): RawItem[];
  /** Parse and normalise one item; never throws for bad input. */
  item(raw: unknown, context: NormaliseContext, path: string): ItemOutcome;
}

/** Parse one item with its schema; its issues are prefixed with its path. */
function parsed<S extends z.ZodType>(schema: S, normalise: (value: z.infer<S>, context: NormaliseContext, path: string) => ItemOutcome) {
  return (raw: unknown, context: NormaliseContext, path: string): ItemOutcome => {
    const result = schema.safeParse(raw);
    if (!result.success) return { kind: 'skip', issues: toIssues(result.error, path) };
    return normalise(result.data, context, path);
  };
}

const notTooMany = (count: number, path: string) => {
  if (count > MAX_BATCH_ITEMS) throw new ValidationError([{ path, message: `at most ${MAX_BATCH_ITEMS} items per body` }]);
};

/** A body that is one item, or a JSON list of them (taken item by item). */
const oneOrList = (body: unknown): RawItem[] => {
  if (!Array.isArray(body)) return [{ index: 0, path: '', raw: body }];
  if (body.length === 0) throw new ValidationError([{ path: '', message: 'the list is empty' }]);
  notTooMany(body.length, '');
  return body.map((raw, index) => ({ index, path: String(index), raw }));
};

const onlyOne = (body: unknown): RawItem[] => [{ index: 0, path: '', raw: body }];

/**
 * A group around `alerts` (Alertmanager, Grafana): the group is checked, then each alert on its own.
 * A bad group is a 400 naming its own issues and those of its alerts.
 */
const group = (schema: z.ZodType<{ alerts: unknown[] }>, item: z.ZodType) => (body: unknown): RawItem[] => {
  const result = schema.safeParse(body);
  if (!result.success) {
    const alerts = typeof body === 'object' && body !== null && 'alerts' in body && Array.isArray(body.alerts) ? (body.alerts as unknown[]) : [];
    const itemIssues = alerts.slice(0, 100).flatMap((raw, index) => {
      const parsedItem = item.safeParse(raw);
      return parsedItem.success ? [] : toIssues(parsedItem.error, `alerts.${index}`);
    });
    throw new ValidationError([...toIssues(result.error), ...itemIssues]);
  }
  notTooMany(result.data.alerts.length, 'alerts');
  return result.data.alerts.map((raw, index) => ({ index, path: `alerts.${index}`, raw }));
};

const deployOutcome = (context: NormaliseContext, deploy: ReturnType<typeof normaliseDeploy> | undefined, what: string): ItemOutcome =>
  deploy
    ? { kind: 'deploy', deploy: { ...deploy, environment: context.routing.environment(deploy.environment) ?? deploy.environment } }
    : { kind: 'ignored', reason: what };

/** One entry per route: POST /webhooks/<source>. */
export const webhookSources = {
  deploy: { items: oneOrList, item: parsed(deploySchema, (e, c) => deployOutcome(c, normaliseDeploy(e, c), '')) },
  github: {
    items: onlyOne,
    item: parsed(githubSchema, (e, c) => deployOutcome(c, normaliseGithub(e, c), 'deployment_status without a deploy (inactive or waiting)')),
  },
  argocd: { items: onlyOne, item: parsed(argocdSchema, (e, c) => deployOutcome(c, normaliseArgocd(e, c), '')) },
  alert: { items: oneOrList, item: parsed(alertSchema, normaliseAlert) },
  alertmanager: {
    items: group(alertmanagerSchema, alertmanagerAlertSchema),
    item: parsed(alertmanagerAlertSchema, (a, c, path) => fromAlertmanagerAlert(a, 'alertmanager', c, path)),
  },
  grafana: { items: group(grafanaSchema, grafanaAlertSchema), item: parsed(grafanaAlertSchema, normaliseGrafanaAlert) },
  datadog: { items: oneOrList, item: parsed(datadogSchema, normaliseDatadog) },
} satisfies Record<string, SourceSpec>;

export type WebhookSource = keyof typeof webhookSources;

export interface ParsedItem {
  index: number;
  outcome: ItemOutcome;
}

/**
 * Split a webhook body into items and parse each on its own. Throws ValidationError (every issue,
 * with its path) only when the body around the items is wrong; an item's problems are its outcome.
 */
export function parseWebhookItems(source: WebhookSource, body: unknown, context: NormaliseContext): ParsedItem[] {
  const spec: SourceSpec = webhookSources[source];
  return spec.items(body).map(({ index, path, raw }) => ({ index, outcome: spec.item(raw, context, path) }));
}

export { githubPingSchema } from './github';
