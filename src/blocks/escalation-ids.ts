import { z } from 'zod';

/** action_ids of the escalation surfaces (DMs, channel lines, reminders). */
export const ESCALATION_ACTIONS = {
  acknowledge: 'escalation_acknowledge',
  joinChannel: 'escalation_join_channel',
  escalateNow: 'escalation_escalate_now',
  postUpdate: 'escalation_post_update',
  dataLoss: 'escalation_data_loss',
} as const;

export const ESCALATION_BLOCKS = {
  levelActions: 'escalation_level_actions',
  reminderActions: 'escalation_reminder_actions',
  initialActions: 'incident_initial_actions',
} as const;

/** The template's level 3 trigger, as a button (escalation lines and the Initial message). */
export const DATA_LOSS_BUTTON = 'Data loss risk';

/**
 * What the escalation buttons carry: the incident, and the level and ladder (epoch) the message was
 * about, so a button from before a reopen, or an old level, is recognised as such.
 */
export const escalationButtonValueSchema = z.object({
  incidentId: z.string().min(1),
  level: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
});

export type EscalationButtonValue = z.infer<typeof escalationButtonValueSchema>;

export const escalationButtonValue = (value: EscalationButtonValue) => JSON.stringify(value);

/** The button's value parsed and checked; undefined when it is not ours or is malformed. */
export function parseEscalationButtonValue(raw: unknown): EscalationButtonValue | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = escalationButtonValueSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
