import { z } from 'zod';
import { DIAGNOSIS_PATTERNS } from '../domain/correlation/model';
import { drillTargetsSchema } from '../domain/drills/model';
import { DEFAULT_RECOVERY_POLICY, recoveryPolicySchema } from '../domain/recovery/model';
import { severityIdSchema, type SeverityId } from '../domain/incidents/model';
import { durationSchema } from '../lib/duration';
import { guardPolicySchema, rollbackTriggersSchema } from './rollback-triggers';

/** Schemas for the YAML in runbook-content/; durations come out as milliseconds. */

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const kebabIdSchema = z.string().regex(KEBAB, 'must be kebab-case, e.g. "deployment-rollback"');
const textSchema = z.string().trim().min(1, 'must not be empty');

export { SEVERITY_IDS, severityIdSchema, type SeverityId } from '../domain/incidents/model';

const severityEntrySchema = z.strictObject({ label: textSchema, definition: textSchema });

/** severities.yaml: one entry per level, each given its id. */
export const severitiesSchema = z
  .strictObject({ P0: severityEntrySchema, P1: severityEntrySchema, P2: severityEntrySchema, P3: severityEntrySchema })
  .transform((levels) => {
    const withId = (id: SeverityId) => ({ id, ...levels[id] });
    return { P0: withId('P0'), P1: withId('P1'), P2: withId('P2'), P3: withId('P3') };
  });
export type Severity = z.output<typeof severitiesSchema>[SeverityId];

/** checklists/*.yaml: items with unique ids. */
export const checklistSchema = z
  .array(z.strictObject({ id: kebabIdSchema, text: textSchema }))
  .min(1, 'must list at least one item')
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate id "${item.id}"` });
      seen.add(item.id);
    });
  });
export type ChecklistItem = z.output<typeof checklistSchema>[number];

/** The front matter of runbooks/<id>.md. */
export const frontMatterSchema = z.strictObject({
  id: kebabIdSchema,
  title: textSchema,
  whenToUse: textSchema,
  symptoms: z.array(textSchema).min(1, 'must list at least one symptom'),
  timeToResolve: textSchema.optional(),
  related: z.array(kebabIdSchema).default([]),
});
export type FrontMatter = z.output<typeof frontMatterSchema>;

export interface RunbookSection {
  heading: string;
  body: string;
}

export interface Runbook extends FrontMatter {
  /** The Markdown after the front matter. */
  body: string;
  /** The text of every `- [ ]` line, in order. */
  steps: string[];
  /** The `## ` sections, in order. */
  sections: RunbookSection[];
}

export { DIAGNOSIS_PATTERNS, type DiagnosisPattern } from '../domain/correlation/model';
export { DEPLOY_STRATEGIES, type DeployStrategy } from '../domain/deploys/model';


const escalationSchema = z
  .strictObject({
    defaultLevels: z
      .array(z.strictObject({ after: durationSchema, role: textSchema }))
      .min(1, 'must list at least one level'),
    p0SkipsToLevel: z.number().int().min(1),
    p0Unresolved: z.strictObject({ level: z.number().int().min(1), after: durationSchema }).optional(),
    dataLossLevel: z.number().int().min(1).optional(),
    renotifyEvery: durationSchema,
  })
  .superRefine((escalation, ctx) => {
    const { defaultLevels, p0SkipsToLevel } = escalation;
    if (p0SkipsToLevel > defaultLevels.length) {
      const message = `level ${p0SkipsToLevel} does not exist; there are ${defaultLevels.length} levels`;
      ctx.addIssue({ code: 'custom', path: ['p0SkipsToLevel'], message });
    }
    defaultLevels.forEach((level, index) => {
      const previous = defaultLevels[index - 1];
      if (previous && level.after < previous.after) {
        const message = 'levels must be in order of their delay';
        ctx.addIssue({ code: 'custom', path: ['defaultLevels', index, 'after'], message });
      }
    });
  });

/** policy.yaml: every threshold and reading the product takes from the runbooks. */
export const policySchema = z.strictObject({
  correlation: z
    .strictObject({ strong: durationSchema, possible: durationSchema })
    .refine((window) => window.strong <= window.possible, {
      path: ['possible'],
      message: 'must not be shorter than strong',
    }),
  quickDiagnosis: z.array(
    z.strictObject({ pattern: z.enum(DIAGNOSIS_PATTERNS), reading: textSchema, likelyCause: textSchema }),
  ),
  notARegression: z.array(textSchema),
  rollbackTargets: z.strictObject({
    'blue-green': durationSchema,
    canary: durationSchema,
    rolling: durationSchema,
    direct: durationSchema,
  }),
  successCriteria: z.array(textSchema).min(1, 'must list at least one criterion'),
  /** The guard's watch after each deploy; what it judges against is `rollbackTriggers`. */
  guard: guardPolicySchema,
  rollbackTriggers: rollbackTriggersSchema,
  /** How each strategy is undone, in the deployment runbook's words: the announcements' rollback plan. */
  rollbackPlans: z
    .strictObject({ 'blue-green': textSchema, canary: textSchema, rolling: textSchema, direct: textSchema })
    .default({
      'blue-green': 'switch traffic back to the previous colour',
      canary: 'move all traffic off the canary',
      rolling: 'deploy the previous version again',
      direct: 'deploy the previous version again',
    }),
  escalation: escalationSchema,
  updates: z.strictObject({ every: durationSchema }),
  statusPage: z.strictObject({ updateEvery: durationSchema }).default({ updateEvery: 30 * 60_000 }),
  postmortem: z.strictObject({
    dueWithin: durationSchema,
    remindAfter: durationSchema,
    whenSeverity: z.array(severityIdSchema),
    whenLongerThan: durationSchema,
  }),
  /** No longer read: the Initial message promises the update cadence (`updates.every`). Accepted so older files load. */
  initialEtaMinutes: z.number().int().positive().optional(),
  /** Drills: how often each runbook should be tested, and the target times a drill is measured against. */
  drills: z
    .strictObject({ testEvery: durationSchema.default(90 * 86_400), targets: drillTargetsSchema })
    .default({ testEvery: 90 * 86_400_000, targets: { acknowledge: 5 * 60_000, mitigate: 15 * 60_000, resolve: 30 * 60_000 } }),
  /** The recovery watch after a rollback or flag-off, and the post-rollback checklist's reminders. */
  recovery: recoveryPolicySchema.default(DEFAULT_RECOVERY_POLICY),
}).transform((policy) => {
  // The act level's defaults as the guard section they replaced: the 5 % line is also the debug guide's "roll back first".
  const act = policy.rollbackTriggers.default.act;
  const guard = {
    window: policy.guard.window,
    errorRate: { threshold: act.errorRate.above ?? 0.05, for: act.errorRate.for },
    latencyP95: { factor: act.latencyP95.factor ?? 2, for: act.latencyP95.for },
    healthFailures: { threshold: act.healthFailures.above ?? 0.5, for: act.healthFailures.for },
  };
  return { ...policy, guard };
});
export type Policy = z.output<typeof policySchema>;
