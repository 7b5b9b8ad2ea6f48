import type { KubeConfig } from '../../../src/outbound/executors/kubeconfig';

export const API = 'https://127.0.0.1:6443';
export const DEPLOYMENT_UID = 'd1f0c7a4-0000-4000-8000-000000000001';

/** A KubeConfig built in code against a fake API server that nock stands in for. */
export function fakeKubeConfig(): KubeConfig {
  return { server: API, skipTLSVerify: true, token: 'test-token' };
}

/** The same, as a kubeconfig file would say it. */
export const FAKE_KUBECONFIG_YAML = `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster: { server: '${API}', insecure-skip-tls-verify: true }
users:
  - name: firebreak
    user: { token: test-token }
contexts:
  - name: fake
    context: { cluster: fake, user: firebreak, namespace: shop }
current-context: fake
`;

export function podTemplate(version: string, hash?: string) {
  return {
    metadata: {
      creationTimestamp: null,
      labels: { app: 'checkout', tier: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T09:00:00Z' },
    },
    spec: {
      containers: [
        {
          name: 'checkout',
          image: `registry.internal/checkout:${version}`,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'VERSION', value: version }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
          resources: { limits: { cpu: '500m', memory: '256Mi' } },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function deployment(overrides: { paused?: boolean; annotations?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'checkout',
      namespace: 'shop',
      uid: DEPLOYMENT_UID,
      annotations: {
        'deployment.kubernetes.io/revision': '7',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        'team.example/owner': 'payments',
        ...overrides.annotations,
      },
    },
    spec: {
      replicas: 3,
      paused: overrides.paused,
      selector: {
        matchLabels: { app: 'checkout' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'canary'] }],
      },
      template: podTemplate('v1.2.3'),
    },
  };
}

export function replicaSet(name: string, revision: string | undefined, version: string, owner = DEPLOYMENT_UID) {
  return {
    metadata: {
      name,
      namespace: 'shop',
      annotations: {
        ...(revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision }),
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
        'team.example/owner': 'payments',
        'change-cause': `deploy ${version}`,
      },
      labels: { app: 'checkout', tier: 'web', 'pod-template-hash': `${name}-hash` },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', uid: owner, controller: true }],
    },
    spec: { replicas: 0, template: podTemplate(version, `${name}-hash`) },
  };
}
