import { z } from 'zod';
import { keySafe } from '../../lib/keys';

const base = { incidentId: z.string().min(1), dueAt: z.iso.datetime() };

/** What a durable timer carries: enough to recheck, when it fires, that it still applies. */
export const timerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('escalation'),
    ...base,
    epoch: z.number().int().nonnegative(),
    level: z.number().int().positive(),
    /** 0: the level's first notification; n: its n-th reminder. */
    round: z.number().int().nonnegative(),
    /** Set when someone pressed Escalate now or typed /incident escalate. */
    escalatedBy: z.string().optional(),
    /** Set when someone flagged a data loss risk (button or /incident escalate data-loss). */
    dataLoss: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('update-reminder'),
    ...base,
    epoch: z.number().int().nonnegative(),
    /** The incident's updateCount when scheduled: any later update makes this timer stale. */
    updateCount: z.number().int().nonnegative(),
    round: z.number().int().positive(),
  }),
  z.object({ kind: z.literal('postmortem-reminder'), ...base, resolvedAt: z.iso.datetime() }),
  z.object({
    kind: z.literal('statuspage-reminder'),
    ...base,
    /** How many public updates there were when scheduled: a later one makes this timer stale. */
    updates: z.number().int().positive(),
    round: z.number().int().positive(),
  }),
]);

export type Timer = z.infer<typeof timerSchema>;
export type TimerKind = Timer['kind'];
export type EscalationTimer = Extract<Timer, { kind: 'escalation' }>;
export type UpdateReminderTimer = Extract<Timer, { kind: 'update-reminder' }>;
export type PostmortemTimer = Extract<Timer, { kind: 'postmortem-reminder' }>;
export type StatusPageReminderTimer = Extract<Timer, { kind: 'statuspage-reminder' }>;

/** Job id prefixes per kind and incident; never a ':' (BullMQ forbids it in custom ids). */
export const timerPrefix = {
  escalation: (incidentId: string) => `esc-${keySafe(incidentId)}-`,
  escalationLevel: (incidentId: string, epoch: number, level: number) => `esc-${keySafe(incidentId)}-e${epoch}-l${level}`,
  updateReminder: (incidentId: string) => `upd-${keySafe(incidentId)}-`,
  postmortemReminder: (incidentId: string) => `pm-${keySafe(incidentId)}-`,
  statusPageReminder: (incidentId: string) => `sp-${keySafe(incidentId)}-`,
} as const;

/**
 * A timer's deterministic id: scheduling the same timer twice is one job, and every replica names
 * it alike. Each round of a reminder has its own id, so a fired one never blocks the next.
 */
export function timerId(timer: Timer): string {
  switch (timer.kind) {
    case 'escalation': {
      const level = timerPrefix.escalationLevel(timer.incidentId, timer.epoch, timer.level);
      return timer.round === 0 ? level : `${level}-r${timer.round}`;
    }
    case 'update-reminder':
      return `${timerPrefix.updateReminder(timer.incidentId)}e${timer.epoch}-u${timer.updateCount}-r${timer.round}`;
    case 'postmortem-reminder':
      return `${timerPrefix.postmortemReminder(timer.incidentId)}${timer.resolvedAt.replace(/\D/g, '')}`;
    case 'statuspage-reminder':
      return `${timerPrefix.statusPageReminder(timer.incidentId)}u${timer.updates}-r${timer.round}`;
  }
}

/** A step of a timer's action (one DM, the channel line, the timeline entry), for exactly-once guards. */
export function timerStep(timer: Timer, step: string): string {
  return `${timerId(timer)}-${keySafe(step)}`;
}
