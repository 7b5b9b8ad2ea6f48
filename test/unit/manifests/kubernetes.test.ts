import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const KUSTOMIZE = join(ROOT, 'manifests/kubernetes');
const OVERLAYS = readdirSync(join(KUSTOMIZE, 'overlays'));

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: Record<string, string> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `kubectl kustomize DIR`, as `kubectl apply -k` would render it (no cluster needed). */
function render(dir: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text)
    .map((doc) => doc.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Every object checked against the Kubernetes API schemas (kubernetes-models), in a plain-node child. */
function schemaErrors(objects: K8sObject[]): string[] {
  const out = execFileSync(process.execPath, [join(ROOT, 'test/helpers/validate-k8s.mjs')], { input: JSON.stringify(objects), encoding: 'utf8', cwd: ROOT });
  return (JSON.parse(out) as { kind: string; name: string; errors: string[] }[]).flatMap((r) => r.errors.map((e) => `${r.kind}/${r.name}: ${e}`));
}

const workloads = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const named = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const envOf = (workload: K8sObject) => Object.fromEntries((workload.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kustomize manifests', () => {
  it('has the overlays the README names', () => {
    expect(OVERLAYS.sort()).toEqual(['production', 'single-node']);
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    const objects = render(join(KUSTOMIZE, 'overlays', overlay));

    it('renders objects that are valid against the Kubernetes schemas', () => {
      expect(objects.length).toBeGreaterThan(5);
      expect(schemaErrors(objects)).toEqual([]);
    });

    it('runs web and worker roles apart, each with probes, under a restricted securityContext', () => {
      expect(envOf(named(objects, 'Deployment', 'firebreak-web')!).FIREBREAK_ROLE).toBe('web');
      expect(envOf(named(objects, 'Deployment', 'firebreak-worker')!).FIREBREAK_ROLE).toBe('worker');
      for (const workload of workloads(objects)) {
        const pod = workload.spec.template.spec;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        for (const container of pod.containers) {
          expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(container.readinessProbe).toBeDefined();
          expect(container.livenessProbe).toBeDefined();
          expect(container.resources?.limits?.memory).toBeDefined();
        }
      }
    });

    it('references secrets instead of applying placeholders, and rolls the pods when the config changes', () => {
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('firebreak-config-'));
      expect(config?.metadata.name).toMatch(/^firebreak-config-[a-z0-9]{10}$/); // the content hash
      for (const name of ['firebreak-web', 'firebreak-worker']) {
        const pod = named(objects, 'Deployment', name)!.spec.template.spec;
        expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: config!.metadata.name } });
        expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 'firebreak' } }]);
      }
    });

    it('points every Service and PodDisruptionBudget at pods that exist', () => {
      const podLabels = workloads(objects).map((w) => w.spec.template.metadata.labels as Record<string, string>);
      for (const service of objects.filter((o) => o.kind === 'Service')) {
        expect(podLabels.some((labels) => matches(service.spec.selector, labels))).toBe(true);
      }
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        expect(podLabels.some((labels) => matches(pdb.spec.selector.matchLabels, labels))).toBe(true);
      }
    });
  });

  it('production scrapes every pod with a ServiceMonitor and may roll back through RBAC', () => {
    const objects = render(join(KUSTOMIZE, 'overlays/production'));
    const monitor = named(objects, 'ServiceMonitor', 'firebreak')!;
    const service = objects.find((o) => o.kind === 'Service' && matches(monitor.spec.selector.matchLabels, o.metadata.labels))!;
    for (const name of ['firebreak-web', 'firebreak-worker']) {
      expect(matches(service.spec.selector, named(objects, 'Deployment', name)!.spec.template.metadata.labels)).toBe(true);
    }
    expect(named(objects, 'ClusterRole', 'firebreak-rollback')?.spec).toBeUndefined();
    expect(named(objects, 'Deployment', 'firebreak-web')!.spec.replicas).toBe(3);
  });

  it('single-node brings its own Redis with AOF and noeviction, and points both roles at it', () => {
    const objects = render(join(KUSTOMIZE, 'overlays/single-node'));
    const redis = named(objects, 'StatefulSet', 'firebreak-redis')!;
    const conf = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('firebreak-redis-config-'))!;
    expect(conf.data?.['redis.conf']).toMatch(/appendonly yes/);
    expect(conf.data?.['redis.conf']).toMatch(/maxmemory-policy noeviction/);
    expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    for (const name of ['firebreak-web', 'firebreak-worker']) expect(envOf(named(objects, 'Deployment', name)!).REDIS_URL).toBe('redis://firebreak-redis:6379');
  });
});
