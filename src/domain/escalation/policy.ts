import type { Incident, SeverityId } from '../incidents/model';
import type {
  Acknowledgement,
  EscalationDefaults,
  EscalationLevel,
  EscalationPolicy,
  EscalationReason,
  EscalationState,
  ServiceEscalationSettings,
} from './model';

/**
 * The ladder of a service. Its own `escalation` levels when it has them (sorted by `after`;
 * numbered in that order); otherwise the runbook template's levels (on-call at once, team lead
 * after 30 min, engineering manager after 60 min) where level 1 notifies the service's
 * `responders` and the higher levels notify nobody until the service configures them — they are
 * still reached, said in the channel and put on the timeline, so the gap is visible.
 */
export function resolvePolicy(service: ServiceEscalationSettings | undefined, defaults: EscalationDefaults['escalation']): EscalationPolicy {
  const configured = service?.escalation;
  const levels: EscalationLevel[] =
    configured && configured.length > 0
      ? [...configured]
          .sort((a, b) => a.after - b.after)
          .map((level, index) => ({ level: index + 1, after: level.after, notify: [...new Set(level.notify)] }))
      : defaults.defaultLevels.map((level, index) => ({
          level: index + 1,
          after: level.after,
          role: level.role,
          notify: index === 0 ? [...new Set(service?.responders ?? [])] : [],
        }));
  return {
    levels,
    p0SkipsToLevel: defaults.p0SkipsToLevel,
    renotifyEvery: defaults.renotifyEvery,
    ...(defaults.p0Unresolved ? { p0Unresolved: defaults.p0Unresolved } : {}),
    ...(defaults.dataLossLevel ? { dataLossLevel: defaults.dataLossLevel } : {}),
  };
}

/** Does severity `severity` take this level at once? */
export function skippedTo(policy: EscalationPolicy, level: EscalationLevel, severity: SeverityId): boolean {
  return severity === 'P0' && level.level <= policy.p0SkipsToLevel;
}

/** Does a still-open P0 reach this level sooner than its own time (the template's "P0 unresolved")? */
export function p0UnresolvedAfter(policy: EscalationPolicy, level: EscalationLevel, severity: SeverityId): number | undefined {
  const rule = policy.p0Unresolved;
  return severity === 'P0' && rule && rule.level === level.level && rule.after < level.after ? rule.after : undefined;
}

/** When `level` is due: `after` from the anchor, at the anchor for a P0 up to its skip level, sooner for a P0 still open. */
export function levelDueAt(policy: EscalationPolicy, level: EscalationLevel, severity: SeverityId, anchor: Date): Date {
  const after = skippedTo(policy, level, severity) ? 0 : (p0UnresolvedAfter(policy, level, severity) ?? level.after);
  return new Date(anchor.getTime() + after);
}

/** The level a data loss risk goes to: the template's (level 3), or the top of a shorter ladder. */
export function dataLossLevel(policy: EscalationPolicy): EscalationLevel | undefined {
  return policy.levels[Math.min(policy.dataLossLevel ?? 3, policy.levels.length) - 1];
}

/** Levels nobody is configured for, per service: said at start-up, so the gap is known before it matters. */
export function unstaffedLevels(services: Record<string, ServiceEscalationSettings>, defaults: EscalationDefaults['escalation']): { service: string; level: EscalationLevel }[] {
  return Object.entries(services).flatMap(([service, settings]) =>
    resolvePolicy(settings, defaults)
      .levels.filter((level) => level.notify.length === 0)
      .map((level) => ({ service, level })),
  );
}

/** Why a level fires on its timer. */
export function timerReason(policy: EscalationPolicy, level: EscalationLevel, severity: SeverityId): EscalationReason {
  if (level.after === 0) return { kind: 'opened' };
  if (skippedTo(policy, level, severity)) return { kind: 'severity', severity };
  const sooner = p0UnresolvedAfter(policy, level, severity);
  if (sooner !== undefined) return { kind: 'p0-unresolved', after: sooner };
  return { kind: 'elapsed', after: level.after };
}

/**
 * Whether reaching a level is said in the incident channel. Level 1 with no delay is the page that
 * opens the incident (its people are invited to the channel): timeline only. A level nobody is
 * configured for pages nobody: the channel of a service's incident is told who could not be paged
 * (an incident with no service has no ladder to configure: timeline only).
 */
export function announcedInChannel(level: EscalationLevel, reason: EscalationReason, service?: string): boolean {
  if (level.notify.length === 0) return service !== undefined;
  return !(level.level === 1 && reason.kind === 'opened');
}

/** The ladder's anchor: the reopening time, or the incident's start. */
export function ladderAnchor(incident: Incident, state: EscalationState): Date {
  return new Date(state.anchor ?? incident.createdAt);
}

/** The highest level reached in this epoch; 0 before level 1 is notified. */
export function currentLevel(state: EscalationState): number {
  return Object.keys(state.notified).reduce((max, level) => Math.max(max, Number(level)), 0);
}

/** The acknowledgement that silences `level`: its own, or one of a higher level. */
export function acknowledgementOf(state: EscalationState, level: number): Acknowledgement | undefined {
  const levels = Object.keys(state.acks).map(Number).filter((acked) => acked >= level).sort((a, b) => a - b);
  return levels.length > 0 ? state.acks[levels[0]!] : undefined;
}

/** The n-th reminder of a level notified at `notifiedAt`. */
export function renotifyDueAt(notifiedAt: string, round: number, every: number): Date {
  return new Date(new Date(notifiedAt).getTime() + round * every);
}

/** How often the commander should post an update: the service's `updateEvery`, else the template's. */
export function updateInterval(service: ServiceEscalationSettings | undefined, defaults: EscalationDefaults): number {
  return service?.updateEvery ?? defaults.updates.every;
}

/** When the update silence started: the last update, or the ladder's anchor if that is later. */
export function silenceStart(incident: Incident, anchor: Date): Date {
  const last = incident.lastUpdateAt ? new Date(incident.lastUpdateAt) : undefined;
  return last && last > anchor ? last : anchor;
}

/** The n-th update reminder (n ≥ 1) of the current silence. */
export function updateReminderDueAt(incident: Incident, anchor: Date, every: number, round: number): Date {
  return new Date(silenceStart(incident, anchor).getTime() + round * every);
}

/** The template's rule: a postmortem for P0/P1, or for incidents open longer than 30 min. */
export function postmortemRequired(incident: Incident, rules: EscalationDefaults['postmortem']): boolean {
  if (rules.whenSeverity.includes(incident.severity)) return true;
  const end = incident.resolvedAt ? new Date(incident.resolvedAt).getTime() : Number.NaN;
  return end - new Date(incident.createdAt).getTime() > rules.whenLongerThan;
}

export function postmortemDueAt(resolvedAt: string, rules: EscalationDefaults['postmortem']): Date {
  return new Date(new Date(resolvedAt).getTime() + rules.dueWithin);
}

export function postmortemRemindAt(resolvedAt: string, rules: EscalationDefaults['postmortem']): Date {
  return new Date(new Date(resolvedAt).getTime() + rules.remindAfter);
}
