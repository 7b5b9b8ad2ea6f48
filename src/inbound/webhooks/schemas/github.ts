import { z } from 'zod';
import type { DeployStatus, NewDeploy } from '../../../domain/deploys/model';
import { isoTimestamp, nonEmpty, optionalChanges, strategySchema } from './common';

/**
 * POST /webhooks/github — GitHub's `deployment_status` event (X-GitHub-Event: deployment_status).
 * Our fields ride in the deployment's `payload` (created with the Deployments API):
 *   {"version": "v1.2.3", "previousVersion": "v1.2.2", "strategy": "canary", "changes": {…}}
 * Without `version` the version is `ref` when it looks like a version tag (v1.2.3, 2.0), else the sha.
 */

/** `payload` may be an object, a JSON text or anything else (then ignored). */
const deployPayloadSchema = z.preprocess(
  (value) => {
    if (typeof value === 'string') {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return {};
      }
    }
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  },
  z.object({
    version: nonEmpty.optional(),
    previousVersion: nonEmpty.optional(),
    strategy: strategySchema.optional(),
    changes: optionalChanges,
  }),
);

const optionalUrl = z
  .string()
  .nullish()
  .transform((url) => url || undefined);

export const GITHUB_STATES = ['success', 'failure', 'error', 'inactive', 'pending', 'in_progress', 'queued', 'waiting'] as const;

export const githubSchema = z.object({
  action: z.string().optional(),
  deployment_status: z.object({
    state: z.enum(GITHUB_STATES),
    environment: z.string().optional(),
    target_url: optionalUrl,
    environment_url: optionalUrl,
    log_url: optionalUrl,
    created_at: isoTimestamp,
  }),
  deployment: z.object({
    id: z.number(),
    sha: nonEmpty,
    ref: nonEmpty,
    environment: nonEmpty,
    payload: deployPayloadSchema,
  }),
  repository: z.object({ name: nonEmpty, full_name: nonEmpty }),
  sender: z.object({ login: z.string() }).nullish(),
});

/** X-GitHub-Event: ping — sent once when the webhook is created; answer 2xx and store nothing. */
export const githubPingSchema = z.object({
  zen: z.string(),
  hook_id: z.number().optional(),
});

export type GithubDeploymentStatus = z.infer<typeof githubSchema>;

export interface GithubOptions {
  /** Maps "org/repo" to a Firebreak service; default (or when it returns undefined) the repo's name. */
  serviceForRepository?: (fullName: string) => string | undefined;
}

/** `inactive` (superseded by a newer deploy) and `waiting` (for approval) tell nothing new. */
const STATUS_FOR_STATE: Record<(typeof GITHUB_STATES)[number], DeployStatus | undefined> = {
  success: 'succeeded',
  failure: 'failed',
  error: 'failed',
  pending: 'started',
  queued: 'started',
  in_progress: 'started',
  inactive: undefined,
  waiting: undefined,
};

const VERSION_TAG = /^v?\d+(\.\d+)+/;

/** The deploy the event reports, or undefined for states that report none (inactive, waiting). */
export function normaliseGithub(event: GithubDeploymentStatus, options?: GithubOptions): NewDeploy | undefined {
  const status = STATUS_FOR_STATE[event.deployment_status.state];
  if (!status) return undefined;
  const { deployment, deployment_status: deploymentStatus, repository } = event;
  const ref = deployment.ref.replace(/^refs\/tags\//, '');
  return {
    service: options?.serviceForRepository?.(repository.full_name) ?? repository.name,
    environment: deploymentStatus.environment || deployment.environment,
    version: deployment.payload.version ?? (VERSION_TAG.test(ref) ? ref : deployment.sha),
    previousVersion: deployment.payload.previousVersion,
    strategy: deployment.payload.strategy ?? 'direct',
    status,
    timestamp: deploymentStatus.created_at,
    commit: deployment.sha,
    url: deploymentStatus.target_url ?? deploymentStatus.environment_url ?? deploymentStatus.log_url,
    actor: event.sender?.login,
    changes: deployment.payload.changes,
    source: 'github',
  };
}
