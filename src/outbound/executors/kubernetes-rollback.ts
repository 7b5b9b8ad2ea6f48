import type { KubernetesRollbackConfig } from '../../config/remediation';
import { PermanentActionError, TransientActionError } from '../../domain/remediation/errors';
import type { ActionContext, ActionResult, RollbackExecutor, RollbackRequest } from '../../domain/remediation/ports';
import type { ExecutorDeps } from './deps';
import {
  type Deployment,
  type ReplicaSet,
  ROLLBACK_KEY_ANNOTATION,
  controlledBy,
  previousReplicaSet,
  sameTemplate,
  selectorString,
  undoPatch,
} from './deployment-undo';
import { KubeApi, KubeHttpError, kubernetesFailure, loadKubeConfig } from './kubernetes-client';

const FIELD_MANAGER = 'firebreak';
/** Exactly what `kubectl argo rollouts abort` sends. */
export const ABORT_PATCH = { status: { abort: true } };

/**
 * `kubectl rollout undo deployment/<name>` or `kubectl argo rollouts abort <name>`, through the API.
 * The KubeConfig is loaded when the executor is built, so a bad kubeconfig path fails at start.
 */
export class KubernetesRollbackExecutor implements RollbackExecutor {
  readonly kind = 'kubernetes';
  private readonly api: KubeApi;

  constructor(
    private readonly config: KubernetesRollbackConfig,
    private readonly deps: ExecutorDeps = {},
  ) {
    this.api = new KubeApi(deps.kubeConfig ?? loadKubeConfig(config), config.timeout);
  }

  async rollback(req: RollbackRequest, ctx: ActionContext): Promise<ActionResult> {
    const { deployment, rollout, namespace } = this.config;
    this.deps.logger?.info({ namespace, deployment, rollout, service: req.service, attempt: ctx.attempt }, 'kubernetes rollback');
    if (rollout !== undefined) return this.abortRollout(namespace, rollout);
    if (deployment !== undefined) return this.undoDeployment(namespace, deployment, ctx);
    throw new PermanentActionError('kubernetes rollback needs a deployment or a rollout');
  }

  private async undoDeployment(namespace: string, name: string, ctx: ActionContext): Promise<ActionResult> {
    const target = `deployment ${namespace}/${name}`;
    const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
    const deployment = await this.api
      .call<Deployment>({ method: 'GET', path })
      .catch((err: unknown) => Promise.reject(kubernetesFailure(`reading ${target}`, err)));
    if (deployment.metadata?.annotations?.[ROLLBACK_KEY_ANNOTATION] === ctx.idempotencyKey) {
      return { summary: `${target} was already rolled back by this action`, detail: `idempotency key ${ctx.idempotencyKey}` };
    }
    if (deployment.spec?.paused) {
      throw new PermanentActionError(`${target} is paused; resume it (kubectl rollout resume) before rolling back`);
    }
    const selector = selectorString(deployment.spec?.selector ?? {});
    const replicaSets = await this.api
      .call<{ items?: ReplicaSet[] }>({
        method: 'GET',
        path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets`,
        query: { labelSelector: selector },
      })
      .then(
        (list) => list.items ?? [],
        (err: unknown) => Promise.reject(kubernetesFailure(`listing ReplicaSets of ${target}`, err)),
      );
    const previous = previousReplicaSet(replicaSets.filter((rs) => controlledBy(rs, deployment.metadata?.uid)));
    if (!previous) throw new PermanentActionError(`no rollout history found for ${target}: no previous revision to go back to`);
    const images = (previous.rs.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', ');
    if (sameTemplate(previous.rs.spec?.template, deployment.spec?.template)) {
      return { summary: `${target} already runs the template of revision ${previous.revision}`, detail: images };
    }
    if (ctx.signal?.aborted) throw new TransientActionError(`rollback of ${target} was cancelled before the patch`);
    await this.api
      .call({
        method: 'PATCH',
        path,
        query: { fieldManager: FIELD_MANAGER },
        body: undoPatch(deployment, previous.rs, ctx.idempotencyKey),
        contentType: 'application/json-patch+json',
      })
      .catch((err: unknown) => Promise.reject(kubernetesFailure(`patching ${target}`, err)));
    return { summary: `${target} rolled back to revision ${previous.revision}`, detail: `images: ${images}` };
  }

  /**
   * As `kubectl argo rollouts abort` does: merge-patch the `status` subresource first; a 404 there
   * means an older Rollout CRD without that subresource, so patch the object itself.
   * Abort sends traffic back to the stable ReplicaSet; spec.template still names the new version.
   */
  private async abortRollout(namespace: string, name: string): Promise<ActionResult> {
    const target = `rollout ${namespace}/${name}`;
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/rollouts/${encodeURIComponent(name)}`;
    const patch = (subresource: 'status' | 'object') =>
      this.api.call({
        method: 'PATCH',
        path: subresource === 'status' ? `${path}/status` : path,
        query: { fieldManager: FIELD_MANAGER },
        body: ABORT_PATCH,
        contentType: 'application/merge-patch+json',
      });
    try {
      await patch('status').catch((err: unknown) => {
        if (err instanceof KubeHttpError && err.statusCode === 404) return patch('object');
        throw err;
      });
    } catch (err) {
      throw kubernetesFailure(`aborting ${target}`, err);
    }
    return {
      summary: `${target} aborted: traffic is back on the stable ReplicaSet`,
      detail: 'spec.template still names the new version; revert it in Git/Argo CD to finish the rollback',
    };
  }
}
