import Mustache, { type TemplateSpans } from 'mustache';
import { renderMarkup, type Mrkdwn } from '../blocks/mrkdwn';

/** Which placeholders each message template may use, and which it must use. */
interface TemplateSpec {
  readonly allowed: readonly string[];
  readonly required: readonly string[];
}

export const TEMPLATES = {
  'slack-initial': {
    allowed: ['service', 'title', 'severity', 'severityLabel', 'impact', 'commander', 'channel', 'reporter', 'etaMinutes', 'suspect'],
    required: ['service', 'title', 'severity', 'impact', 'commander'],
  },
  'slack-update': {
    allowed: ['service', 'title', 'severity', 'status', 'rootCause', 'actionTaken', 'nextUpdate', 'author'],
    required: ['service', 'status', 'actionTaken', 'nextUpdate'],
  },
  'slack-resolution': {
    allowed: ['service', 'title', 'severity', 'startedAt', 'resolvedAt', 'duration', 'rootCause', 'userImpact', 'followUp', 'commander'],
    required: ['service', 'startedAt', 'resolvedAt', 'duration', 'rootCause', 'userImpact', 'followUp'],
  },
  'statuspage-investigating': { allowed: ['service', 'updateInterval'], required: ['service'] },
  'statuspage-identified': { allowed: ['service', 'expectedResolution'], required: ['expectedResolution'] },
  'statuspage-resolved': { allowed: ['service'], required: [] },
  'rollback-announcement': {
    allowed: ['service', 'fromVersion', 'toVersion', 'reason', 'status', 'incidentLink', 'actor', 'strategy'],
    required: ['service', 'fromVersion', 'toVersion', 'reason', 'status'],
  },
  'deploy-started': {
    allowed: ['service', 'version', 'previousVersion', 'environment', 'strategy', 'actor', 'link', 'rollbackPlan', 'rollbackTarget', 'onCall', 'watch', 'humanOnly'],
    required: ['service', 'version', 'environment'],
  },
  'deploy-succeeded': {
    allowed: ['service', 'version', 'previousVersion', 'environment', 'strategy', 'actor', 'link', 'duration', 'rollbackPlan', 'rollbackTarget', 'onCall', 'watch', 'humanOnly'],
    required: ['service', 'version', 'environment'],
  },
  'deploy-failed': {
    allowed: ['service', 'version', 'previousVersion', 'environment', 'strategy', 'actor', 'link', 'duration', 'onCall'],
    required: ['service', 'version', 'environment'],
  },
  'deploy-rolled-back': {
    allowed: ['service', 'version', 'previousVersion', 'environment', 'strategy', 'actor', 'link', 'reason', 'onCall'],
    required: ['service', 'version', 'reason'],
  },
  'deploy-warning': { allowed: ['service', 'version', 'crossing', 'actLimit', 'humanOnly'], required: ['service', 'version', 'crossing'] },
  'deploy-watch-closed': {
    allowed: ['service', 'version', 'environment', 'window', 'quiet', 'warned', 'breached', 'action', 'unjudged', 'endedEarly'],
    required: ['service', 'version', 'window', 'breached'],
  },
  announcement: {
    allowed: ['service', 'title', 'severity', 'channel', 'commander'],
    required: ['title', 'severity', 'channel'],
  },
  'escalation-dm': {
    allowed: ['level', 'title', 'severity', 'service', 'age', 'commander', 'latestUpdate', 'channel', 'reason'],
    required: ['level', 'title', 'severity', 'channel'],
  },
  'escalation-channel': { allowed: ['level', 'targets', 'reason', 'age'], required: ['level', 'targets', 'reason'] },
  'update-reminder': { allowed: ['commander', 'sinceLastUpdate', 'interval'], required: ['commander', 'sinceLastUpdate'] },
  'postmortem-reminder': {
    allowed: ['commander', 'title', 'dueAt', 'severity'],
    required: ['commander', 'dueAt'],
  },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateId = keyof typeof TEMPLATES;
export const TEMPLATE_IDS = Object.keys(TEMPLATES) as TemplateId[];

/**
 * The values a template is rendered with; undefined makes `{{#x}}…{{/x}}` sections vanish. Strings
 * are outside text and always escaped; markup (mentions, channel links) is passed as Mrkdwn.
 */
export type TemplateVars = Record<string, string | number | Mrkdwn | undefined>;

export function isTemplateId(name: string): name is TemplateId {
  return Object.hasOwn(TEMPLATES, name);
}

/** Token types that read a variable: {{x}}, {{{x}}} and {{&x}}, {{#x}}, {{^x}}. */
const READS_VARIABLE = new Set(['name', '&', '#', '^']);

interface TemplateTags {
  variables: string[];
  partials: string[];
  /** Variables read with {{{x}}} or {{&x}}: refused, values are always escaped. */
  unescaped: string[];
}

/** The variables (root names: `a` for `{{a.b}}`) and partials a template uses; throws on bad syntax. */
export function templateTags(text: string): TemplateTags {
  const variables = new Set<string>();
  const partials = new Set<string>();
  const unescaped = new Set<string>();
  const visit = (spans: TemplateSpans): void => {
    for (const [type, name, , , children] of spans) {
      if (type === '>') partials.add(name);
      if (type === '&') unescaped.add(name);
      const root = name.split('.')[0];
      if (READS_VARIABLE.has(type) && root) variables.add(root);
      if (Array.isArray(children)) visit(children);
    }
  };
  visit(Mustache.parse(text));
  return { variables: [...variables], partials: [...partials], unescaped: [...unescaped] };
}

/** Every problem with a template's text, as messages; empty when it is fine. */
export function checkTemplate(id: TemplateId, text: string): string[] {
  let tags: TemplateTags;
  try {
    tags = templateTags(text);
  } catch (error) {
    return [`invalid mustache: ${error instanceof Error ? error.message : String(error)}`];
  }
  const spec: TemplateSpec = TEMPLATES[id];
  return [
    ...tags.partials.map((name) => `partials are not supported ({{> ${name}}})`),
    ...tags.unescaped.map((name) => `{{{${name}}}} / {{&${name}}} would insert the value unescaped; use {{${name}}}`),
    ...tags.variables
      .filter((name) => !spec.allowed.includes(name))
      .map((name) => `unknown placeholder {{${name}}}; allowed: ${spec.allowed.join(', ')}`),
    ...spec.required
      .filter((name) => !tags.variables.includes(name))
      .map((name) => `missing placeholder {{${name}}}`),
  ];
}

/** Renders for Slack mrkdwn: every string value escaped for mrkdwn (&, <, >), Mrkdwn as it is; ends trimmed. */
export function renderTemplate(text: string, vars: TemplateVars): Mrkdwn {
  // Mustache calls `escape` for every {{x}}; {{{x}}} and {{&x}} are refused when the content loads.
  return renderMarkup((escape) => Mustache.render(text, vars, {}, { escape }).trim());
}
