import { isDeepStrictEqual } from 'node:util';

/** The parts of the API objects (as JSON on the wire) that the undo reads. */
export interface ObjectMeta {
  uid?: string;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ controller?: boolean; uid?: string }>;
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
export interface PodTemplate {
  spec?: { containers?: Array<{ image?: string }> };
}
export interface Deployment {
  metadata?: ObjectMeta;
  spec?: { paused?: boolean; selector?: LabelSelector; template?: PodTemplate };
}
export interface ReplicaSet {
  metadata?: ObjectMeta;
  spec?: { template?: PodTemplate };
}

/** The names kubectl's rollback uses (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const HASH_LABEL = 'pod-template-hash';
/** Our mark on the Deployment: the idempotency key of the undo that last patched it. */
export const ROLLBACK_KEY_ANNOTATION = 'firebreak.io/rollback-key';
/** Annotations kept from the Deployment rather than copied back from the ReplicaSet, as kubectl does. */
const KEPT_FROM_DEPLOYMENT = [
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

export type PodTemplateJson = Record<string, unknown> & { metadata?: { labels?: Record<string, string> } };
export type JsonPatch = Array<{ op: 'add' | 'replace'; path: string; value: unknown }>;

/** A LabelSelector as the `labelSelector` query parameter. */
export function selectorString(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

export function controlledBy(rs: ReplicaSet, uid: string | undefined): boolean {
  return (rs.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === uid);
}

/** The revision annotation; a missing one counts as 0, an unreadable one as none (kubectl's rule). */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const text = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (text === undefined) return 0;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** kubectl's `rollout undo` target: the ReplicaSet with the second-highest revision. */
export function previousReplicaSet(owned: ReplicaSet[]): { rs: ReplicaSet; revision: number } | undefined {
  const ranked = owned
    .map((rs) => ({ rs, revision: revisionOf(rs) }))
    .filter((entry): entry is { rs: ReplicaSet; revision: number } => entry.revision !== undefined)
    .sort((a, b) => b.revision - a.revision);
  return ranked[1];
}

/** A copy of a pod template (wire JSON) without the ReplicaSet's pod-template-hash label. */
export function templateWithoutHash(template: unknown): PodTemplateJson {
  const wire = JSON.parse(JSON.stringify(template ?? {})) as PodTemplateJson;
  const labels = wire.metadata?.labels;
  if (labels) {
    delete labels[HASH_LABEL];
    if (Object.keys(labels).length === 0 && wire.metadata) delete wire.metadata.labels;
  }
  return wire;
}

export function sameTemplate(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(templateWithoutHash(a), templateWithoutHash(b));
}

/**
 * The JSON patch kubectl sends: replace spec.template with the ReplicaSet's, and the annotations
 * with the ReplicaSet's, except the revision bookkeeping, which stays the Deployment's (the
 * controller then bumps the revision itself). Ours adds the idempotency key.
 */
export function undoPatch(deployment: Deployment, rs: ReplicaSet, idempotencyKey: string): JsonPatch {
  const current = deployment.metadata?.annotations;
  const annotations: Record<string, string> = {};
  for (const key of KEPT_FROM_DEPLOYMENT) {
    const value = current?.[key];
    if (value !== undefined) annotations[key] = value;
  }
  for (const [key, value] of Object.entries(rs.metadata?.annotations ?? {})) {
    if (!KEPT_FROM_DEPLOYMENT.includes(key)) annotations[key] = value;
  }
  annotations[ROLLBACK_KEY_ANNOTATION] = idempotencyKey;
  return [
    { op: 'replace', path: '/spec/template', value: templateWithoutHash(rs.spec?.template) },
    { op: current ? 'replace' : 'add', path: '/metadata/annotations', value: annotations },
  ];
}
