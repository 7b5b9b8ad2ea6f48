import { z } from 'zod';
import { durationSchema } from '../../lib/duration';
import { keySafe } from '../../lib/keys';

/**
 * The recovery watch: after a rollback or a flag switched off by Firebreak succeeds, the rollback
 * runbook's recovery targets are checked at their times with the service's guard signals, and the
 * post-rollback checklist is posted with a reminder per phase.
 */

export const RECOVERY_CHECKS = ['throughput', 'latencyP95', 'errorRate'] as const;
export type RecoveryCheck = (typeof RECOVERY_CHECKS)[number];

export const CHECKLIST_PHASES = ['validation', 'documentation', 'rootCause'] as const;
export type ChecklistPhase = (typeof CHECKLIST_PHASES)[number];

const ratio = z.number().min(0, 'a ratio between 0 and 1, e.g. 0.01').max(1, 'a ratio between 0 and 1, e.g. 0.01');

/** policy.yaml `recovery:` (durations in ms once parsed). */
export const recoveryPolicySchema = z
  .strictObject({
    errorRate: z.strictObject({ below: ratio, within: durationSchema }),
    latencyP95: z.strictObject({ ofBaseline: z.number().min(1, 'at least 1 (the baseline itself)'), within: durationSchema }),
    throughput: z.strictObject({ tolerance: ratio, over: durationSchema, within: durationSchema }),
    checklistReminders: z.strictObject({ validation: durationSchema, documentation: durationSchema, rootCause: durationSchema }),
  })
  .superRefine((policy, ctx) => {
    if (policy.throughput.over <= 0) ctx.addIssue({ code: 'custom', path: ['throughput', 'over'], message: 'must be longer than 0' });
  });
export type RecoveryPolicy = z.output<typeof recoveryPolicySchema>;

/** The runbook's numbers, for content written before the recovery watch existed. */
export const DEFAULT_RECOVERY_POLICY: RecoveryPolicy = {
  errorRate: { below: 0.01, within: 5 * 60_000 },
  latencyP95: { ofBaseline: 1.1, within: 3 * 60_000 },
  throughput: { tolerance: 0.1, over: 60_000, within: 2 * 60_000 },
  checklistReminders: { validation: 15 * 60_000, documentation: 3_600_000, rootCause: 24 * 3_600_000 },
};

const itemSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case, e.g. "error-rate-back"'),
  text: z.string().trim().min(1, 'must not be empty'),
});
const phaseSchema = z.strictObject({ title: z.string().trim().min(1, 'must not be empty'), items: z.array(itemSchema).min(1, 'must list at least one item').max(10, 'at most 10 items (Slack shows 10 checkboxes)') });

/** checklists/post-rollback.yaml: three phases, item ids unique across them. */
export const postRollbackChecklistSchema = z
  .strictObject({ validation: phaseSchema, documentation: phaseSchema, rootCause: phaseSchema })
  .superRefine((checklist, ctx) => {
    const seen = new Set<string>();
    for (const phase of CHECKLIST_PHASES) {
      checklist[phase].items.forEach((item, index) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [phase, 'items', index, 'id'], message: `duplicate id "${item.id}"` });
        seen.add(item.id);
      });
    }
  });
export type PostRollbackChecklist = z.output<typeof postRollbackChecklistSchema>;

/** A job of the watch: one recovery check, or one checklist reminder, of one action's run. */
export const recoveryJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('check'), actionId: z.string().min(1), run: z.number().int().min(1), check: z.enum(RECOVERY_CHECKS) }),
  z.object({ kind: z.literal('reminder'), actionId: z.string().min(1), run: z.number().int().min(1), phase: z.enum(CHECKLIST_PHASES) }),
]);
export type RecoveryJob = z.infer<typeof recoveryJobSchema>;

/** One watch per action run: `rollback-incident-INC-7-<deploy>` or `…-run2`. */
export function watchId(actionId: string, run: number): string {
  return run === 1 ? actionId : `${actionId}-run${run}`;
}

/** `rcv-<watch>-errorRate` / `rcv-<watch>-remind-validation`: deterministic, no ':'. */
export function recoveryJobId(job: RecoveryJob): string {
  const what = job.kind === 'check' ? job.check : `remind-${job.phase}`;
  return keySafe(`rcv-${watchId(job.actionId, job.run)}-${what}`);
}

/** What one check found, fixed the first time it is measured so a replay posts the same. */
export const verdictSchema = z.object({
  check: z.enum(RECOVERY_CHECKS),
  outcome: z.enum(['recovered', 'not-recovered', 'no-data']),
  /** The measured value (error ratio, p95 seconds, throughput spread ratio). */
  value: z.number().optional(),
  /** The target it was held against (same unit). */
  target: z.number().optional(),
  /** For p95: the baseline; for throughput: the mean rate. */
  reference: z.number().optional(),
  /** Why there is no verdict (no data, no baseline), in plain words. */
  detail: z.string().optional(),
  /** Where the readings came from. */
  source: z.string(),
  at: z.number(),
});
export type Verdict = z.infer<typeof verdictSchema>;
