import { z } from 'zod';
import { DEPLOY_STRATEGIES } from '../domain/deploys/model';
import type { RollbackTriggers, TriggerBound } from '../domain/guard/triggers';
import { durationSchema } from '../lib/duration';

/** policy.yaml `rollbackTriggers`: the rollback triggers of both runbooks, in one place (see the file's comments). */

const ratio = z.number().min(0, 'a ratio between 0 and 1, e.g. 0.05').max(1, 'a ratio between 0 and 1, e.g. 0.05');
const toBound = (b: { above?: number; overBaseline?: number; factor?: number; for: number }): TriggerBound => {
  const bound: TriggerBound = { for: b.for };
  if (b.above !== undefined) bound.above = b.above;
  if (b.overBaseline !== undefined) bound.overBaseline = b.overBaseline;
  if (b.factor !== undefined) bound.factor = b.factor;
  return bound;
};

/** errorRate: `above` a ratio, or (warn only) `overBaseline` points over the pre-deploy error rate. */
const errorRateBound = (level: 'act' | 'warn') =>
  z
    .strictObject({ above: ratio.optional(), overBaseline: ratio.optional(), for: durationSchema })
    .superRefine((b, ctx) => {
      if ((b.above === undefined) === (b.overBaseline === undefined)) {
        ctx.addIssue({ code: 'custom', path: [], message: 'set either above (a ratio, e.g. 0.05) or overBaseline (points over the baseline, e.g. 0.01)' });
      } else if (level === 'act' && b.overBaseline !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['overBaseline'], message: 'the act level is absolute (above); bounds over the baseline belong under warn' });
      }
    })
    .transform(toBound);
const latencyBound = z.strictObject({ factor: z.number().positive('a factor of the baseline, e.g. 2'), for: durationSchema }).transform(toBound);
const healthBound = z.strictObject({ above: ratio, for: durationSchema }).transform(toBound);

const levelSchema = (level: 'act' | 'warn') =>
  z.strictObject({ errorRate: errorRateBound(level).optional(), latencyP95: latencyBound.optional(), healthFailures: healthBound.optional() });
const layerSchema = z.strictObject({ act: levelSchema('act').optional(), warn: levelSchema('warn').optional() });

export const rollbackTriggersSchema = z.strictObject({
  default: z.strictObject({
    act: z.strictObject({ errorRate: errorRateBound('act'), latencyP95: latencyBound, healthFailures: healthBound }),
    warn: levelSchema('warn').default({}),
  }),
  strategies: z
    .strictObject(Object.fromEntries(DEPLOY_STRATEGIES.map((s) => [s, layerSchema.optional()])) as Record<(typeof DEPLOY_STRATEGIES)[number], z.ZodOptional<typeof layerSchema>>)
    .default({}),
  environments: z.record(z.string(), layerSchema).default({}),
  humanOnly: z.array(z.string().trim().min(1, 'must not be empty')).default([]),
}) satisfies z.ZodType<RollbackTriggers, unknown>;

/** policy.yaml `guard`: only the watch's length now; its thresholds moved to `rollbackTriggers`. */
export const guardPolicySchema = z.looseObject({ window: durationSchema }).superRefine((guard, ctx) => {
  for (const key of Object.keys(guard)) {
    if (key === 'window') continue;
    const moved = ['errorRate', 'latencyP95', 'healthFailures'].includes(key);
    ctx.addIssue({ code: 'custom', path: [key], message: moved ? `moved to rollbackTriggers.default.act.${key} (one place for every rollback trigger)` : `unknown key "${key}"` });
  }
});
