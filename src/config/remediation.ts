import { z } from 'zod';
import { durationSchema } from '../lib/duration';

/** Variables a command executor's argv may use as `{{name}}`. */
export const ROLLBACK_ARG_VARIABLES = [
  'service',
  'environment',
  'previousVersion',
  'fromVersion',
  'toVersion',
  'strategy',
  'incidentId',
  'idempotencyKey',
] as const;
export type RollbackArgVariable = (typeof ROLLBACK_ARG_VARIABLES)[number];

/** `{{ name }}` placeholders; the one pattern both the config check and the executor use. */
export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

function unknownVariables(text: string): string[] {
  const known: readonly string[] = ROLLBACK_ARG_VARIABLES;
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => !known.includes(name));
}

/** How the worker retries a failed action (BullMQ attempts and exponential backoff base). */
const retryFields = {
  attempts: z.number().int().min(1).max(50).default(5),
  backoff: durationSchema.default(2_000),
};

const headers = z.record(z.string(), z.string());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const httpRollbackSchema = z.strictObject({
  executor: z.literal('http'),
  url: httpUrl,
  secret: z.string().min(1),
  timeout: durationSchema.default(10_000),
  headers: headers.optional(),
  ...retryFields,
});

export const commandRollbackSchema = z
  .strictObject({
    executor: z.literal('command'),
    argv: z.array(z.string().min(1)).min(1),
    cwd: z.string().min(1).optional(),
    timeout: durationSchema.default(300_000),
    env: z.record(z.string(), z.string()).optional(),
    /** Exit codes that mean "try again later" (e.g. 75, EX_TEMPFAIL); every other non-zero is final. */
    transientExitCodes: z.array(z.number().int().min(1).max(255)).default([]),
    ...retryFields,
  })
  .superRefine((block, ctx) => {
    block.argv.forEach((arg, index) => {
      for (const name of unknownVariables(arg)) {
        ctx.addIssue({
          code: 'custom',
          path: ['argv', index],
          message: `unknown template variable {{${name}}}; known: ${ROLLBACK_ARG_VARIABLES.join(', ')}`,
        });
      }
    });
  });

export const kubernetesRollbackSchema = z
  .strictObject({
    executor: z.literal('kubernetes'),
    namespace: z.string().min(1),
    /** A Deployment to `rollout undo`… */
    deployment: z.string().min(1).optional(),
    /** …or an Argo Rollout to abort; exactly one of the two. */
    rollout: z.string().min(1).optional(),
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    timeout: durationSchema.default(30_000),
    ...retryFields,
  })
  .refine((block) => (block.deployment === undefined) !== (block.rollout === undefined), {
    message: 'set exactly one of deployment (rollout undo) or rollout (Argo Rollout abort)',
    path: ['deployment'],
  });

export const rollbackConfigSchema = z.discriminatedUnion('executor', [
  httpRollbackSchema,
  commandRollbackSchema,
  kubernetesRollbackSchema,
]);

export const httpFlagsSchema = z.strictObject({
  provider: z.literal('http'),
  url: httpUrl,
  token: z.string().min(1),
  /** When set, calls are signed as Standard Webhooks (as the http rollback executor's are). */
  secret: z.string().min(1).optional(),
  timeout: durationSchema.default(10_000),
  ...retryFields,
});

export const unleashFlagsSchema = z.strictObject({
  provider: z.literal('unleash'),
  url: httpUrl,
  token: z.string().min(1),
  project: z.string().min(1).default('default'),
  /** Unleash environment name; the incident's environment when unset. */
  environment: z.string().min(1).optional(),
  timeout: durationSchema.default(10_000),
  ...retryFields,
});

export const launchDarklyFlagsSchema = z.strictObject({
  provider: z.literal('launchdarkly'),
  url: httpUrl.default('https://app.launchdarkly.com'),
  token: z.string().min(1),
  project: z.string().min(1),
  environment: z.string().min(1),
  timeout: durationSchema.default(10_000),
  ...retryFields,
});

export const flagsConfigSchema = z.discriminatedUnion('provider', [
  httpFlagsSchema,
  unleashFlagsSchema,
  launchDarklyFlagsSchema,
]);

export type HttpRollbackConfig = z.infer<typeof httpRollbackSchema>;
export type CommandRollbackConfig = z.infer<typeof commandRollbackSchema>;
export type KubernetesRollbackConfig = z.infer<typeof kubernetesRollbackSchema>;
export type RollbackConfig = z.infer<typeof rollbackConfigSchema>;
export type HttpFlagsConfig = z.infer<typeof httpFlagsSchema>;
export type UnleashFlagsConfig = z.infer<typeof unleashFlagsSchema>;
export type LaunchDarklyFlagsConfig = z.infer<typeof launchDarklyFlagsSchema>;
export type FlagsConfig = z.infer<typeof flagsConfigSchema>;
