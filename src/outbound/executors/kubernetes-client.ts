import { HttpError, KubeConfig } from '@kubernetes/client-node';
import type { KubernetesRollbackConfig } from '../../config/remediation';
import { PermanentActionError, TransientActionError } from '../../domain/remediation/errors';
import { classifyStatus, excerpt } from './http-json';

/** `kubeconfig` path if set, else the pod's service account when in a cluster, else ~/.kube/config. */
export function loadKubeConfig(config: Pick<KubernetesRollbackConfig, 'kubeconfig' | 'context'>): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
  } catch (err) {
    throw new PermanentActionError(`cannot load kubeconfig: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (config.context) {
    if (!kc.getContextObject(config.context)) throw new PermanentActionError(`kubeconfig has no context "${config.context}"`);
    kc.setCurrentContext(config.context);
  }
  return kc;
}

/**
 * A failed API call as an action error: the API server's status decides (409 Conflict is an
 * optimistic-concurrency race, worth a retry); socket errors and timeouts are transient.
 */
export function kubernetesFailure(what: string, err: unknown): Error {
  if (err instanceof PermanentActionError || err instanceof TransientActionError) return err;
  if (err instanceof HttpError) {
    const status = err.statusCode ?? 0;
    const reason = statusMessage(err.body);
    const message = `${what}: HTTP ${status}${reason ? ` ${reason}` : ''}`;
    const details = { status, body: excerpt(reason ?? ''), cause: err };
    const transient = status === 409 || classifyStatus(status) === 'transient';
    return transient ? new TransientActionError(message, details) : new PermanentActionError(message, details);
  }
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  const text = err instanceof Error ? err.message : String(err);
  if (code) return new TransientActionError(`${what}: ${text.includes(code) ? text : `${code} ${text}`}`, { cause: err });
  return new PermanentActionError(`${what}: ${text}`, { cause: err });
}

/** The `message` of a Kubernetes Status body, or the body as text. */
function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return body.message;
  return body === undefined ? undefined : JSON.stringify(body);
}
