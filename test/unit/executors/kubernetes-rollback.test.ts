import nock from 'nock';
import { kubernetesRollbackSchema } from '../../../src/config/remediation';
import { PermanentActionError, TransientActionError } from '../../../src/domain/remediation/errors';
import { KubernetesRollbackExecutor } from '../../../src/outbound/executors/kubernetes-rollback';
import { actionContext, rollbackRequest, useNock } from './helpers';
import { API, deployment, fakeKubeConfig, podTemplate, replicaSet } from './kubernetes-fixtures';

const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/shop/deployments/checkout';
const RS_QUERY = { labelSelector: 'app=checkout,tier in (web,canary)' };

function executor(block: Record<string, unknown>): KubernetesRollbackExecutor {
  const config = kubernetesRollbackSchema.parse({ executor: 'kubernetes', namespace: 'shop', ...block });
  return new KubernetesRollbackExecutor(config, { kubeConfig: fakeKubeConfig() });
}

const api = () => nock(API, { reqheaders: { authorization: 'Bearer test-token' } });

describe('KubernetesRollbackExecutor: Deployment rollout undo', () => {
  useNock();

  it('patches spec.template with the previous revision, as kubectl rollout undo does', async () => {
    let patch: unknown;
    const scope = api()
      .get(DEPLOYMENT_PATH)
      .reply(200, deployment())
      .get('/apis/apps/v1/namespaces/shop/replicasets')
      .query(RS_QUERY)
      .reply(200, {
        items: [
          replicaSet('checkout-v5', '5', 'v1.2.0'),
          replicaSet('checkout-v7', '7', 'v1.2.3'),
          replicaSet('checkout-other', '9', 'v9.9.9', 'someone-else'),
          replicaSet('checkout-v6', '6', 'v1.2.2'),
          replicaSet('checkout-norev', undefined, 'v0.0.1'),
        ],
      })
      .patch(DEPLOYMENT_PATH, (body: unknown) => {
        patch = body;
        return true;
      })
      .query({ fieldManager: 'firebreak' })
      .matchHeader('content-type', 'application/json-patch+json')
      .reply(200, deployment());

    const result = await executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext({ idempotencyKey: 'rb-7f3a' }));

    scope.done();
    expect(patch).toEqual([
      { op: 'replace', path: '/spec/template', value: podTemplate('v1.2.2') },
      {
        op: 'replace',
        path: '/metadata/annotations',
        value: {
          'deployment.kubernetes.io/revision': '7',
          'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
          'team.example/owner': 'payments',
          'change-cause': 'deploy v1.2.2',
          'firebreak.io/rollback-key': 'rb-7f3a',
        },
      },
    ]);
    expect(result).toEqual({
      summary: 'deployment shop/checkout rolled back to revision 6',
      detail: 'images: registry.internal/checkout:v1.2.2',
    });
  });

  it('does nothing when this action already patched the Deployment (a retry)', async () => {
    const scope = api().get(DEPLOYMENT_PATH).reply(200, deployment({ annotations: { 'firebreak.io/rollback-key': 'rb-7f3a' } }));
    const result = await executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext({ idempotencyKey: 'rb-7f3a' }));
    scope.done();
    expect(result.summary).toBe('deployment shop/checkout was already rolled back by this action');
  });

  it('fails permanently when there is no previous revision', async () => {
    const scope = api()
      .get(DEPLOYMENT_PATH)
      .reply(200, deployment())
      .get('/apis/apps/v1/namespaces/shop/replicasets')
      .query(RS_QUERY)
      .reply(200, { items: [replicaSet('checkout-v7', '7', 'v1.2.3'), replicaSet('foreign', '3', 'v0', 'other-uid')] });
    const error = await executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(PermanentActionError);
    expect((error as Error).message).toMatch(/^no rollout history found for deployment shop\/checkout/);
  });

  it('skips the patch when the Deployment already runs the previous template', async () => {
    const current = { ...deployment(), spec: { ...deployment().spec, template: podTemplate('v1.2.2') } };
    const scope = api()
      .get(DEPLOYMENT_PATH)
      .reply(200, current)
      .get('/apis/apps/v1/namespaces/shop/replicasets')
      .query(RS_QUERY)
      .reply(200, { items: [replicaSet('a', '6', 'v1.2.2'), replicaSet('b', '7', 'v1.2.3')] });
    const result = await executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext());
    scope.done();
    expect(result.summary).toBe('deployment shop/checkout already runs the template of revision 6');
  });

  it('refuses a paused Deployment', async () => {
    const scope = api().get(DEPLOYMENT_PATH).reply(200, deployment({ paused: true }));
    await expect(executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext())).rejects.toBeInstanceOf(PermanentActionError);
    scope.done();
  });

  it('classifies API errors: 404 permanent, 503 and 409 transient', async () => {
    const status = (code: number, reason: string) => ({ kind: 'Status', status: 'Failure', message: `deployments "checkout" ${reason}`, code });
    api().get(DEPLOYMENT_PATH).reply(404, status(404, 'not found'));
    await expect(executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext())).rejects.toMatchObject({
      code: 'executor_permanent',
      status: 404,
      message: 'reading deployment shop/checkout: HTTP 404 deployments "checkout" not found',
    });
    api().get(DEPLOYMENT_PATH).reply(503, status(503, 'unavailable'));
    await expect(executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext())).rejects.toBeInstanceOf(TransientActionError);
    api()
      .get(DEPLOYMENT_PATH)
      .reply(200, deployment())
      .get('/apis/apps/v1/namespaces/shop/replicasets')
      .query(RS_QUERY)
      .reply(200, { items: [replicaSet('a', '6', 'v1.2.2'), replicaSet('b', '7', 'v1.2.3')] })
      .patch(DEPLOYMENT_PATH)
      .query(true)
      .reply(409, status(409, 'conflict'));
    await expect(executor({ deployment: 'checkout' }).rollback(rollbackRequest(), actionContext())).rejects.toMatchObject({
      code: 'executor_transient',
      status: 409,
    });
  });

  it('reports a socket timeout as transient', async () => {
    api().get(DEPLOYMENT_PATH).delay(2_000).reply(200, deployment());
    const error = await executor({ deployment: 'checkout', timeout: '100ms' }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TransientActionError);
    expect((error as Error).message).toMatch(/^reading deployment shop\/checkout: E(SOCKET)?TIMEDOUT$/);
  });
});

describe('KubernetesRollbackExecutor: Argo Rollout abort', () => {
  useNock();
  const STATUS_PATH = '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout/status';

  it('merge-patches status.abort on the status subresource', async () => {
    const scope = api()
      .patch(STATUS_PATH, { status: { abort: true } })
      .query({ fieldManager: 'firebreak' })
      .matchHeader('content-type', 'application/merge-patch+json')
      .reply(200, { kind: 'Rollout', metadata: { name: 'checkout' } });

    const result = await executor({ rollout: 'checkout' }).rollback(rollbackRequest({ strategy: 'canary' }), actionContext());

    scope.done();
    expect(result.summary).toBe('rollout shop/checkout aborted: traffic is back on the stable ReplicaSet');
  });

  it('falls back to patching the object when the status subresource is missing (older CRDs)', async () => {
    const scope = api()
      .patch(STATUS_PATH)
      .query(true)
      .reply(404, { kind: 'Status', code: 404, message: 'the server could not find the requested resource' })
      .patch('/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout', { status: { abort: true } })
      .query({ fieldManager: 'firebreak' })
      .matchHeader('content-type', 'application/merge-patch+json')
      .reply(200, { kind: 'Rollout' });
    await executor({ rollout: 'checkout' }).rollback(rollbackRequest(), actionContext());
    scope.done();
  });

  it('fails permanently when the Rollout does not exist at all', async () => {
    const scope = api()
      .patch(STATUS_PATH)
      .query(true)
      .reply(404, { kind: 'Status', code: 404, message: 'rollouts.argoproj.io "checkout" not found' })
      .patch('/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/checkout')
      .query(true)
      .reply(404, { kind: 'Status', code: 404, message: 'rollouts.argoproj.io "checkout" not found' });
    const error = await executor({ rollout: 'checkout' }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(PermanentActionError);
    expect((error as Error).message).toBe('aborting rollout shop/checkout: HTTP 404 rollouts.argoproj.io "checkout" not found');
  });
});
