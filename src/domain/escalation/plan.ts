import type { Incident } from '../incidents/model';
import type { EscalationDefaults, EscalationPolicy, EscalationState } from './model';
import { ladderAnchor, levelDueAt, postmortemRemindAt, postmortemRequired, renotifyDueAt, updateReminderDueAt } from './policy';
import type { EscalationTimer, PostmortemTimer, UpdateReminderTimer } from './timers';

/** The first-notification timers of every level not reached yet in this epoch. */
export function ladderTimers(incident: Incident, state: EscalationState, policy: EscalationPolicy): EscalationTimer[] {
  const anchor = ladderAnchor(incident, state);
  return policy.levels
    .filter((level) => state.notified[level.level] === undefined)
    .map((level) => ({
      kind: 'escalation',
      incidentId: incident.id,
      epoch: state.epoch,
      level: level.level,
      round: 0,
      dueAt: levelDueAt(policy, level, incident.severity, anchor).toISOString(),
    }));
}

/** The timer that notifies `level` now, because someone asked for it. */
export function manualEscalationTimer(incidentId: string, epoch: number, level: number, by: string, now: Date, dataLoss = false): EscalationTimer {
  return { kind: 'escalation', incidentId, epoch, level, round: 0, escalatedBy: by, dueAt: now.toISOString(), ...(dataLoss ? { dataLoss } : {}) };
}

/** The next reminder of a notified level. */
export function renotifyTimer(timer: EscalationTimer, notifiedAt: string, every: number): EscalationTimer {
  const round = timer.round + 1;
  const { escalatedBy: _manual, dataLoss: _dataLoss, ...rest } = timer;
  return { ...rest, round, dueAt: renotifyDueAt(notifiedAt, round, every).toISOString() };
}

/** The n-th update reminder of the current silence. */
export function updateReminderTimer(incident: Incident, state: EscalationState, every: number, round = 1): UpdateReminderTimer {
  return {
    kind: 'update-reminder',
    incidentId: incident.id,
    epoch: state.epoch,
    updateCount: incident.updateCount,
    round,
    dueAt: updateReminderDueAt(incident, ladderAnchor(incident, state), every, round).toISOString(),
  };
}

/** The postmortem reminder of a just-resolved incident, when the template asks for a postmortem. */
export function postmortemTimer(incident: Incident, rules: EscalationDefaults['postmortem']): PostmortemTimer | undefined {
  if (incident.status !== 'resolved' || !incident.resolvedAt || !postmortemRequired(incident, rules)) return undefined;
  return {
    kind: 'postmortem-reminder',
    incidentId: incident.id,
    resolvedAt: incident.resolvedAt,
    dueAt: postmortemRemindAt(incident.resolvedAt, rules).toISOString(),
  };
}
