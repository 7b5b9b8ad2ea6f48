import { z } from 'zod';
import { ConfigError } from '../lib/errors';
import { toIssues } from '../lib/zod-issues';
import { tracingEnvShape } from './tracing';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Every environment variable Firebreak reads (documented in .env.example). */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), 'must be an app-level token starting with xapp-'),
  SLACK_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/.+\/api\/$/.test(v), 'must be a URL ending in /api/'),
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  FIREBREAK_CONFIG: optionalText,
  /** Where runbook-content/ is read from (a mounted volume in a container); default: the one shipped. */
  FIREBREAK_CONTENT_DIR: optionalText,
  /** `web` serves Slack and webhooks and enqueues; `worker` runs queues and timers; `all` does both. */
  FIREBREAK_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  FIREBREAK_DATA_DIR: z.string().default('./.data'),
  FIREBREAK_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('fb'),
  WEBHOOK_TOKEN: optionalText,
  GITHUB_WEBHOOK_SECRET: optionalText,
  /** On SIGTERM: seconds /readyz answers 503 while HTTP keeps serving, before the listener closes. */
  FIREBREAK_DRAIN_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(300).default(5)),
  FIREBREAK_SANDBOX: optionalText.refine((v) => v === undefined || v === '0' || v === '1', 'must be 1 (sandbox on) or 0 (off)'),
  /** REST API key for `pagerduty:<schedule id>` targets. */
  PAGERDUTY_TOKEN: optionalText,
  /** API integration key for `opsgenie:<schedule name>` targets. */
  OPSGENIE_TOKEN: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** OpenTelemetry tracing (off unless an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp is set): src/config/tracing.ts. */
  ...tracingEnvShape,
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new ConfigError('environment', toIssues(parsed.error));
  return parsed.data;
}

/** What is missing for Slack to work, by variable name; empty when Slack is fully configured. */
export function missingSlackVariables(env: Env): string[] {
  const missing: string[] = [];
  if (!env.SLACK_BOT_TOKEN) missing.push('SLACK_BOT_TOKEN');
  if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) missing.push('SLACK_SIGNING_SECRET');
  return missing;
}
