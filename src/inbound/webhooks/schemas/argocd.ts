import { z } from 'zod';
import { noChanges, type DeployStatus, type NewDeploy } from '../../../domain/deploys/model';
import { isoTimestamp, nonEmpty, receivedAt, strategySchema, templated, templatedText } from './common';
import type { NormaliseContext } from './outcome';

/**
 * POST /webhooks/argocd — an Argo CD notification. Argo CD lets you template the body, so this is
 * our documented shape. In argocd-notifications-cm:
 *
 *   service.webhook.firebreak: |
 *     url: https://firebreak.example.com/webhooks/argocd
 *     headers:
 *       - name: Authorization
 *         value: Bearer $firebreak-webhook-token
 *       - name: Content-Type
 *         value: application/json
 *   template.firebreak-deploy: |
 *     webhook:
 *       firebreak:
 *         method: POST
 *         body: |
 *           {
 *             "app": "{{.app.metadata.name}}",
 *             "service": "{{index .app.metadata.labels "firebreak.io/service"}}",
 *             "environment": "{{index .app.metadata.labels "firebreak.io/environment"}}",
 *             "revision": "{{.app.status.operationState.syncResult.revision}}",
 *             "revisions": "{{.app.status.operationState.syncResult.revisions}}",
 *             "syncStatus": "{{.app.status.sync.status}}",
 *             "healthStatus": "{{.app.status.health.status}}",
 *             "phase": "{{.app.status.operationState.phase}}",
 *             "operation": "sync",
 *             "timestamp": "{{.app.status.operationState.finishedAt}}",
 *             "repoURL": "{{.app.spec.source.repoURL}}",
 *             "url": "{{.context.argocdUrl}}/applications/{{.app.metadata.name}}",
 *             "actor": "{{.app.status.operationState.operation.initiatedBy.username}}"
 *           }
 *   trigger.on-deployed / on-sync-running / on-sync-failed: send [firebreak-deploy]
 *
 * For rollbacks, a copy of the template with "operation": "rollback" and "previousRevision" set to the
 * revision taken out. Optional keys may be left out, or render "" or "<no value>"; "strategy" may be
 * added (blue-green | canary | rolling | direct; default rolling, Kubernetes' own).
 *
 * The version is `revision`; a multi-source application has none (Go renders "<no value>") and gives
 * `revisions` instead (Go's "[a b]", a JSON array, or a JSON array text), joined with "+". A body
 * with neither is refused: "<no value>" is never stored. `app` maps to a service with
 * `argocd.applications` in the config (default: the label firebreak.io/service, else the app name).
 *
 * Status: phase Succeeded → succeeded, Failed/Error → failed, Running/Terminating → started; without
 * a phase, syncStatus Synced → succeeded, anything else → started. A succeeded operation "rollback"
 * is rolled_back, recorded against previousRevision (the revision taken out) when given.
 */
/** Go's "[a b]", a JSON array (or its text) → the non-empty revisions. */
function revisionList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    try {
      list = text.startsWith('["') ? JSON.parse(text) : text.replace(/^\[|\]$/g, '').split(/\s+/);
    } catch {
      list = [];
    }
  }
  return (Array.isArray(list) ? list : []).map((r) => String(r).trim()).filter((r) => r !== '' && r !== '<no value>');
}

export const argocdSchema = z
  .object({
  app: nonEmpty,
  service: templatedText,
  environment: templatedText,
  revision: templatedText,
  revisions: templated(z.union([z.array(z.string()), z.string()]).optional()).transform(revisionList),
  previousRevision: templatedText,
  syncStatus: nonEmpty,
  healthStatus: nonEmpty,
  phase: templated(z.enum(['Succeeded', 'Failed', 'Error', 'Running', 'Terminating']).optional()),
  operation: templated(z.enum(['sync', 'rollback']).default('sync')),
  strategy: templated(strategySchema.default('rolling')),
  timestamp: templated(isoTimestamp.optional()),
  repoURL: templatedText,
  url: templatedText,
  actor: templatedText,
  })
  .refine((n) => n.revision !== undefined || n.revisions.length > 0, {
    path: ['revision'],
    message: 'no revision: send {{.app.status.operationState.syncResult.revision}} or, for multi-source apps, revisions',
  });

export type ArgocdNotification = z.infer<typeof argocdSchema>;


const GIT_SHA = /^[0-9a-f]{7,40}$/;

/** A rollback counts once it has succeeded; one that failed or still runs is reported as such. */
function statusOf(n: ArgocdNotification): DeployStatus {
  const status = syncStatusOf(n);
  return n.operation === 'rollback' && status === 'succeeded' ? 'rolled_back' : status;
}

function syncStatusOf(n: ArgocdNotification): DeployStatus {
  switch (n.phase) {
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
    case 'Error':
      return 'failed';
    case 'Running':
    case 'Terminating':
      return 'started';
    default:
      return n.syncStatus === 'Synced' ? 'succeeded' : 'started';
  }
}

export function normaliseArgocd(n: ArgocdNotification, options?: NormaliseContext): NewDeploy {
  const status = statusOf(n);
  const revision = n.revision ?? n.revisions.join('+');
  // A rollback is recorded against the revision it took out; the one now running is the previous.
  const [version, previousVersion] =
    status === 'rolled_back' && n.previousRevision ? [n.previousRevision, revision] : [revision, n.previousRevision];
  return {
    service: options?.serviceForApp?.(n.app) ?? n.service ?? n.app,
    environment: n.environment ?? options?.defaultEnvironment ?? 'production',
    version,
    previousVersion,
    strategy: n.strategy,
    status,
    timestamp: n.timestamp ?? receivedAt(options),
    commit: GIT_SHA.test(version) ? version : undefined,
    url: n.url,
    actor: n.actor,
    changes: noChanges(),
    source: 'argocd',
  };
}
