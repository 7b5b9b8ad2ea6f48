import { z } from 'zod';
import { DEPLOY_STRATEGIES } from '../deploys/model';
import { durationSchema } from '../../lib/duration';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const textSchema = z.string().trim().min(1, 'must not be empty');
const userIdSchema = z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U0ONCALL');

/** Target times a drill is measured against (milliseconds). */
export const drillTargetsSchema = z.strictObject({
  acknowledge: durationSchema,
  mitigate: durationSchema,
  resolve: durationSchema,
});
export type DrillTargets = z.output<typeof drillTargetsSchema>;

/** runbook-content/drills/<id>.yaml: a scripted incident to rehearse a runbook with. */
export const drillScenarioSchema = z.strictObject({
  id: z.string().regex(KEBAB, 'must be kebab-case, e.g. "bad-deploy"'),
  title: textSchema,
  summary: textSchema,
  /** The runbook this drill tests (runbooks/<id>.md). */
  runbook: z.string().regex(KEBAB, 'must be kebab-case'),
  service: textSchema,
  // The incident model's severities (not imported: the incident model imports this file).
  severity: z.enum(['P0', 'P1', 'P2', 'P3']).default('P2'),
  /** People paged besides the one who starts the drill. */
  participants: z.array(userIdSchema).default([]),
  deploy: z
    .strictObject({
      version: textSchema,
      previousVersion: textSchema,
      strategy: z.enum(DEPLOY_STRATEGIES),
      minutesBeforeAlert: z.number().int().nonnegative().default(5),
      changes: z
        .strictObject({
          config: z.boolean().default(false),
          dependencies: z.boolean().default(false),
          migrations: z.array(textSchema).default([]),
          flags: z.array(z.strictObject({ key: textSchema, enabled: z.boolean() })).default([]),
        })
        .default({ config: false, dependencies: false, migrations: [], flags: [] }),
    })
    .optional(),
  alerts: z
    .array(
      z.strictObject({
        name: textSchema,
        severity: z.enum(['critical', 'warning', 'info']).default('critical'),
        summary: textSchema,
        service: textSchema.optional(),
        labels: z.record(z.string(), z.string()).default({}),
      }),
    )
    .min(1, 'must list at least one alert'),
  /** Defaults to policy.yaml `drills.targets`. */
  targets: drillTargetsSchema.partial().default({}),
});
export type DrillScenario = z.output<typeof drillScenarioSchema>;

/** What marks an incident as a drill, kept on the incident itself. */
export const incidentDrillSchema = z.object({
  scenario: z.string(),
  runbook: z.string(),
  service: z.string(),
  participants: z.array(z.string()),
});
export type IncidentDrill = z.infer<typeof incidentDrillSchema>;

/** The last test of a runbook, kept per runbook. */
export const runbookTestSchema = z.object({
  runbook: z.string(),
  scenario: z.string(),
  incidentId: z.string(),
  at: z.string(),
  by: z.string(),
  result: z.enum(['passed', 'missed targets']),
  missed: z.array(z.string()).default([]),
  skippedSteps: z.number().int().nonnegative().default(0),
  /** When the next test is due, and the reminder job that says so. */
  nextDueAt: z.string(),
  reminderJobId: z.string(),
});
export type RunbookTest = z.infer<typeof runbookTestSchema>;
