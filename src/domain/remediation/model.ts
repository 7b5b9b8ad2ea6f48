import { z } from 'zod';
import { keySafe } from '../../lib/keys';

/** A rollback of a suspect deploy, or a feature flag switched off, asked for from Slack and run as a job. */

export const REMEDIATION_KINDS = ['rollback', 'disable-flag'] as const;
export type RemediationKind = (typeof REMEDIATION_KINDS)[number];

/** queued → running (→ retrying → running…) → succeeded | failed. */
export const ACTION_STATES = ['queued', 'running', 'retrying', 'succeeded', 'failed'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

export const FINAL_STATES: readonly ActionState[] = ['succeeded', 'failed'];
export const IN_FLIGHT_STATES: readonly ActionState[] = ['queued', 'running', 'retrying'];

const strategySchema = z.enum(['blue-green', 'canary', 'rolling', 'direct']);

/** The alert card, incident or deploy-guard proposal a button belongs to. */
export const contextRefSchema = z.object({ kind: z.enum(['alert', 'incident', 'guard']), id: z.string().min(1) });
export type ContextRef = z.infer<typeof contextRefSchema>;

/** Where the status message and everything after it is posted: a channel, in a thread when there is one. */
export const threadSchema = z.object({ channel: z.string().min(1), threadTs: z.string().optional() });
export type Thread = z.infer<typeof threadSchema>;

/** What was asked for, fixed at the click; the job's data. */
export const actionSpecSchema = z.object({
  /** Deterministic per (context, action, target): the dedupe key. */
  id: z.string(),
  /** 1, then 2… when a responder asks again after a final failure. */
  run: z.number().int().min(1),
  kind: z.enum(REMEDIATION_KINDS),
  service: z.string(),
  environment: z.string(),
  deployId: z.string().optional(),
  /** Rollback: the suspect version and the one to go back to. */
  fromVersion: z.string().optional(),
  toVersion: z.string().optional(),
  strategy: strategySchema.optional(),
  flagKey: z.string().optional(),
  context: contextRefSchema,
  incidentId: z.string().optional(),
  actor: z.string(),
  requestedAt: z.string(),
  reason: z.string(),
  thread: threadSchema,
  retry: z.object({ attempts: z.number().int().min(1), backoffMs: z.number().int().min(0) }),
});
export type ActionSpec = z.infer<typeof actionSpecSchema>;

export const healthCheckResultSchema = z.object({
  url: z.string(),
  ok: z.boolean(),
  status: z.number().int().optional(),
  error: z.string().optional(),
});
export type HealthCheckResult = z.infer<typeof healthCheckResultSchema>;

/** How far the action got; written by the worker that holds the job. */
export const actionProgressSchema = z.object({
  state: z.enum(ACTION_STATES),
  attempt: z.number().int().min(0).default(0),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** The last error, in plain words. */
  error: z.string().optional(),
  errorDetail: z.string().optional(),
  nextRetryAt: z.string().optional(),
  result: z.string().optional(),
  output: z.string().optional(),
  verification: z.object({ passed: z.boolean(), checks: z.array(healthCheckResultSchema) }).optional(),
  verificationTs: z.string().optional(),
  announcementTs: z.string().optional(),
  failureTs: z.string().optional(),
  /** Set once the rollback, over its runbook target time, escalated the incident one level. */
  slowEscalated: z.boolean().optional(),
  /** Set once a succeeded rollback was written into the deploy history. */
  historyRecorded: z.boolean().optional(),
});
export type ActionProgress = z.infer<typeof actionProgressSchema>;

export interface ActionRecord {
  spec: ActionSpec;
  progress: ActionProgress;
  /** The one status message, once posted. */
  statusTs?: string;
}

/** `rollback-incident-INC-7-<deployId>`: one action per context, action and target (no ':'). */
export function remediationActionId(kind: RemediationKind, context: ContextRef, target: string): string {
  const verb = kind === 'rollback' ? 'rollback' : 'flag';
  return keySafe(`${verb}-${context.kind}-${context.id}-${target}`);
}

/**
 * One action target across contexts: a deploy is rolled back once whichever card or thread asks; a
 * flag is switched off by one action at a time.
 */
export function remediationTargetKey(spec: Pick<ActionSpec, 'kind' | 'service' | 'environment' | 'deployId' | 'flagKey'>): string {
  return spec.kind === 'rollback'
    ? keySafe(`rollback-${spec.deployId ?? spec.service}`)
    : keySafe(`flag-${spec.service}-${spec.environment}-${spec.flagKey ?? ''}`);
}

/** Which states of another context's action on the same target make a new click a duplicate. */
export function blockingStates(kind: RemediationKind): readonly ActionState[] {
  return kind === 'rollback' ? ['queued', 'running', 'retrying', 'succeeded'] : IN_FLIGHT_STATES;
}

/** The same on every attempt and after a crash, new for a new run: the far side dedupes on it. */
export function idempotencyKey(spec: Pick<ActionSpec, 'id' | 'run'>): string {
  return spec.run === 1 ? spec.id : `${spec.id}-run${spec.run}`;
}

/** Exponential backoff from `baseMs`, never sooner than the far side's Retry-After, at most 10 minutes. */
export function retryDelayMs(attemptsMade: number, baseMs: number, retryAfterMs?: number): number {
  const exponential = Math.round(2 ** Math.max(0, attemptsMade - 1) * baseMs);
  return Math.min(Math.max(exponential, retryAfterMs ?? 0), 600_000);
}

/** "rollback of checkout v1.2.3 → v1.2.2" / "disabling flag new-checkout in production". */
export function describeAction(spec: ActionSpec): string {
  return spec.kind === 'rollback'
    ? `rollback of ${spec.service} ${spec.fromVersion ?? '?'} → ${spec.toVersion ?? '?'}`
    : `disabling flag ${spec.flagKey ?? '?'} of ${spec.service} in ${spec.environment}`;
}
