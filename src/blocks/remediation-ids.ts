import { z } from 'zod';

/** action_ids of the remediation buttons (alert cards, incident threads). */
export const REMEDIATION_ACTIONS = {
  rollback: 'remediation_rollback',
  disableFlag: 'remediation_disable_flag',
} as const;

/**
 * What a Rollback / Disable flag button carries (its `value`, at most 2000 chars): enough to find the
 * deploy again; everything else is re-read from the store when the button is pressed.
 */
export const remediationButtonValueSchema = z.object({
  service: z.string(),
  deployId: z.string(),
  /** The alert card's fingerprint or the incident id this button belongs to. */
  context: z.object({ kind: z.enum(['alert', 'incident', 'guard']), id: z.string() }),
  flagKey: z.string().optional(),
});

export type RemediationButtonValue = z.infer<typeof remediationButtonValueSchema>;
