import type { z } from 'zod';
import type { Alert } from '../../../domain/alerts/model';
import type { NewDeploy } from '../../../domain/deploys/model';
import { ValidationError } from '../../../lib/errors';
import { toIssues } from '../../../lib/zod-issues';
import { alertSchema, normaliseAlert } from './alert';
import { alertmanagerSchema, normaliseAlertmanager, type AlertLabelOptions } from './alertmanager';
import { argocdSchema, normaliseArgocd, type ArgocdOptions } from './argocd';
import { datadogSchema, normaliseDatadog } from './datadog';
import { deploySchema, normaliseDeploy } from './deploy';
import { githubSchema, normaliseGithub, type GithubOptions } from './github';
import { grafanaSchema, normaliseGrafana } from './grafana';

export type WebhookOptions = ArgocdOptions & GithubOptions & AlertLabelOptions;

/** What one webhook body carries: deploys (none for a GitHub `inactive` status) or alerts. */
export type WebhookContent = { kind: 'deploys'; deploys: NewDeploy[] } | { kind: 'alerts'; alerts: Alert[] };

interface Handler<S extends z.ZodType> {
  schema: S;
  normalise: (parsed: z.infer<S>, options: WebhookOptions) => WebhookContent;
}

const handler = <S extends z.ZodType>(schema: S, normalise: Handler<S>['normalise']): Handler<S> => ({ schema, normalise });

const deploys = (...list: (NewDeploy | undefined)[]): WebhookContent => ({
  kind: 'deploys',
  deploys: list.filter((d): d is NewDeploy => d !== undefined),
});

/** One entry per route: POST /webhooks/<source>. */
export const webhookHandlers = {
  deploy: handler(deploySchema, (parsed, options) => deploys(normaliseDeploy(parsed, options))),
  github: handler(githubSchema, (parsed, options) => deploys(normaliseGithub(parsed, options))),
  argocd: handler(argocdSchema, (parsed, options) => deploys(normaliseArgocd(parsed, options))),
  alert: handler(alertSchema, (parsed, options) => ({ kind: 'alerts', alerts: [normaliseAlert(parsed, options)] })),
  alertmanager: handler(alertmanagerSchema, (parsed, options) => ({ kind: 'alerts', alerts: normaliseAlertmanager(parsed, options) })),
  grafana: handler(grafanaSchema, (parsed, options) => ({ kind: 'alerts', alerts: normaliseGrafana(parsed, options) })),
  datadog: handler(datadogSchema, (parsed) => ({ kind: 'alerts', alerts: [normaliseDatadog(parsed)] })),
};

export type WebhookSource = keyof typeof webhookHandlers;

/**
 * Validate and normalise a webhook body. Throws ValidationError with every issue
 * (`{path: "alerts.3.labels.service", message}`); nothing should be stored then.
 */
export function parseWebhook(source: WebhookSource, body: unknown, options: WebhookOptions = {}): WebhookContent {
  const { schema, normalise } = webhookHandlers[source] as Handler<z.ZodType>;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError(toIssues(parsed.error));
  return normalise(parsed.data, options);
}

export { githubPingSchema } from './github';
