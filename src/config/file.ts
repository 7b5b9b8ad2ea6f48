import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { durationSchema } from '../lib/duration';
import { ConfigError, type Issue } from '../lib/errors';
import { toIssues } from '../lib/zod-issues';
import { alertsConfigSchema, argocdConfigSchema, environmentAliasesSchema } from './alerts';
import { guardSchema } from './guard';
import { ONCALL_TARGET_PATTERN, oncallSchema, pagerdutyServiceSchema, rotationReferenceIssues } from './oncall';
import { flagsConfigSchema, rollbackConfigSchema } from './remediation';
import { statusPageConfigSchema, statusPageReferenceIssues } from './status-page';

const slackChannel = z.string().regex(/^(#[a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{6,})$/, 'a channel like "#checkout-alerts" or a channel id');
/** A Slack user (U…/W…) or user group (S…) id, or who is on call (`rotation:<name>`, `pagerduty:<id>`, `opsgenie:<name>`). */
const slackTarget = z
  .string()
  .refine((v) => /^[UWS][A-Z0-9]{2,}$/.test(v) || ONCALL_TARGET_PATTERN.test(v), 'a Slack user id (U…), user group id (S…), rotation:<name>, pagerduty:<schedule id> or opsgenie:<schedule name>');

const escalationLevelSchema = z.object({
  after: durationSchema,
  notify: z.array(slackTarget).min(1, 'name at least one user or user group'),
});

export const serviceSchema = z.object({
  channel: slackChannel,
  /** Where this service's deploys are announced (default: the top-level `deployAnnouncements`; neither: none). */
  deployChannel: slackChannel.optional(),
  runbook: z.string().default('recent-deployment-issue'),
  environment: z.string().optional(),
  dependsOn: z.array(z.string()).default([]),
  responders: z.array(slackTarget).default([]),
  escalation: z.array(escalationLevelSchema).optional(),
  updateEvery: durationSchema.optional(),
  healthChecks: z.array(z.url()).default([]),
  rollback: rollbackConfigSchema.optional(),
  flags: flagsConfigSchema.optional(),
  guard: guardSchema.optional(),
  pagerduty: pagerdutyServiceSchema.optional(),
});

/**
 * Tables looked up with words from outside (a webhook's service, a repository name) have no
 * prototype: `constructor` or `__proto__` is simply not there.
 */
function lookupTable<T>(table: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, table);
}

export const configFileSchema = z
  .object({
    announcements: slackChannel.optional(),
    /** Deploy announcements of every service without a `deployChannel` of its own. */
    deployAnnouncements: slackChannel.optional(),
    environment: z.string().default('production'),
    retention: durationSchema.default(30 * 86_400_000),
    alerts: alertsConfigSchema,
    environmentAliases: environmentAliasesSchema,
    argocd: argocdConfigSchema,
    github: z.object({ repositories: z.record(z.string(), z.string()).default({}).transform(lookupTable) }).default({ repositories: {} }),
    services: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'service names: lowercase letters, digits, - and _'), serviceSchema)
      .default({})
      .transform(lookupTable),
    statusPage: statusPageConfigSchema.optional(),
    oncall: oncallSchema,
  });

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;

/** Replace `${VAR}` in every string of the parsed document; a variable that is not set is an issue. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[], issues: Issue[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) {
        issues.push({ path: path.join('.'), message: `environment variable ${name} is not set` });
        return '';
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, [...path, String(i)], issues));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], issues)]));
  }
  return value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * References between sections (dependsOn, github.repositories). Checked on the raw document so they
 * are reported together with schema problems elsewhere in the file.
 */
function crossReferenceIssues(document: unknown): Issue[] {
  if (!isRecord(document)) return [];
  const services = isRecord(document.services) ? document.services : {};
  const issues: Issue[] = [];
  for (const [name, service] of Object.entries(services)) {
    const dependsOn = isRecord(service) && Array.isArray(service.dependsOn) ? service.dependsOn : [];
    dependsOn.forEach((dependency, index) => {
      if (typeof dependency !== 'string' || !(dependency in services) || dependency === name)
        issues.push({ path: `services.${name}.dependsOn.${index}`, message: `"${String(dependency)}" is not another configured service` });
    });
  }
  const repositories = isRecord(document.github) && isRecord(document.github.repositories) ? document.github.repositories : {};
  for (const [repository, service] of Object.entries(repositories)) {
    if (typeof service !== 'string' || !(service in services))
      issues.push({ path: `github.repositories.${repository}`, message: `"${String(service)}" is not a configured service` });
  }
  const applications = isRecord(document.argocd) && isRecord(document.argocd.applications) ? document.argocd.applications : {};
  for (const [application, service] of Object.entries(applications)) {
    if (typeof service !== 'string' || !(service in services))
      issues.push({ path: `argocd.applications.${application}`, message: `"${String(service)}" is not a configured service` });
  }
  const catchAll = isRecord(document.alerts) ? document.alerts.catchAll : undefined;
  if (catchAll !== undefined && (typeof catchAll !== 'string' || !(catchAll in services)))
    issues.push({ path: 'alerts.catchAll', message: `"${String(catchAll)}" is not a configured service` });
  issues.push(...statusPageReferenceIssues(document));
  return issues;
}

/** Parse config text (YAML); throws ConfigError listing every problem with its path. */
export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigError(source, document.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message })));
  }
  const issues: Issue[] = [];
  const substituted = substituteEnv(document.toJS() ?? {}, env, [], issues);
  const parsed = configFileSchema.safeParse(substituted);
  if (!parsed.success) issues.push(...toIssues(parsed.error));
  issues.push(...crossReferenceIssues(substituted), ...rotationReferenceIssues(substituted));
  if (issues.length > 0 || !parsed.success) throw new ConfigError(source, issues);
  return parsed.data;
}

export interface LoadedConfigFile {
  config: ConfigFile;
  path: string;
  /** false when the default path does not exist and Firebreak runs with no services. */
  found: boolean;
}

/** Read the config file; an explicitly named file must exist, the default one may be absent. */
export function loadConfigFile(path: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfigFile {
  const resolved = path ?? './firebreak.yaml';
  if (!existsSync(resolved)) {
    if (path) throw new ConfigError(`FIREBREAK_CONFIG (${path})`, [{ path: 'FIREBREAK_CONFIG', message: `file ${path} does not exist` }]);
    return { config: parseConfigText('{}', resolved, env), path: resolved, found: false };
  }
  return { config: parseConfigText(readFileSync(resolved, 'utf8'), resolved, env), path: resolved, found: true };
}

/** Each service's runbook must exist in runbook-content/. */
export function checkRunbooks(config: ConfigFile, source: string, runbookIds: string[]): void {
  const issues = Object.entries(config.services)
    .filter(([, service]) => !runbookIds.includes(service.runbook))
    .map(([name, service]) => ({ path: `services.${name}.runbook`, message: `no runbook "${service.runbook}" in runbook-content/runbooks (known: ${runbookIds.join(', ')})` }));
  if (issues.length > 0) throw new ConfigError(source, issues);
}
