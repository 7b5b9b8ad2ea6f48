import type { Incident, SeverityId } from '../incidents/model';

/** One rung of the ladder: who is notified, and how long after the incident's start. */
export interface EscalationLevel {
  /** 1-based: level 1 is the on-call. */
  level: number;
  /** Milliseconds from the ladder's anchor (the incident's start, or its reopening). */
  after: number;
  /** Slack users (U…/W…) and user groups (S…); may be empty when nobody is configured. */
  notify: string[];
  /** The runbook template's role for a default level ("on-call", "team-lead"…). */
  role?: string;
}

export interface EscalationPolicy {
  levels: EscalationLevel[];
  /** A P0 reaches every level up to this one at once. */
  p0SkipsToLevel: number;
  /** A P0 still open reaches `level` after `after` ms (when that is sooner than the level's own time). */
  p0Unresolved?: { level: number; after: number };
  /** The level a data loss risk goes to at once. */
  dataLossLevel?: number;
  /** A notified level is pinged again this often until someone acknowledges it. */
  renotifyEvery: number;
}

/** What a service's config says (shaped like config/file.ts, so the domain needs no config import). */
export interface ServiceEscalationSettings {
  responders?: string[];
  escalation?: { after: number; notify: string[] }[];
  updateEvery?: number;
}

/** The runbook template's numbers (runbook-content/policy.yaml). All durations in ms. */
export interface EscalationDefaults {
  escalation: {
    defaultLevels: { after: number; role: string }[];
    p0SkipsToLevel: number;
    p0Unresolved?: { level: number; after: number };
    dataLossLevel?: number;
    renotifyEvery: number;
  };
  updates: { every: number };
  postmortem: { dueWithin: number; remindAfter: number; whenSeverity: readonly SeverityId[]; whenLongerThan: number };
}

/** Who did something, and when (ISO time). */
export interface Acknowledgement {
  by: string;
  at: string;
}

/**
 * Where an incident stands on its ladder. `epoch` starts at 0 and becomes the reopen event's
 * sequence when the incident is reopened: a reopened incident climbs a fresh ladder from `anchor`.
 */
export interface EscalationState {
  epoch: number;
  /** ISO time the ladder counts from; the incident's createdAt when absent. */
  anchor?: string;
  /** Level → when it was first notified in this epoch. */
  notified: Record<number, string>;
  /** Level → who acknowledged it in this epoch. */
  acks: Record<number, Acknowledgement>;
  postmortemScheduled?: Acknowledgement;
}

export const emptyEscalationState = (): EscalationState => ({ epoch: 0, notified: {}, acks: {} });

/** Why a level is being notified. */
export type EscalationReason =
  | { kind: 'opened' }
  | { kind: 'elapsed'; after: number }
  | { kind: 'severity'; severity: SeverityId }
  | { kind: 'manual'; by: string }
  | { kind: 'p0-unresolved'; after: number }
  | { kind: 'data-loss'; by: string };

/** Everything a notifier needs to tell people about a level. */
export interface LevelNotice {
  incident: Incident;
  level: EscalationLevel;
  epoch: number;
  /** 0 for the first notification, n for the n-th reminder. */
  round: number;
  reason: EscalationReason;
  latestUpdate?: string;
  now: Date;
}

export interface UpdateReminderNotice {
  incident: Incident;
  /** Since the last update (or the start, or the reopening), in ms. */
  silentFor: number;
  interval: number;
  epoch: number;
}

export interface PostmortemNotice {
  incident: Incident;
  kind: 'announcement' | 'reminder';
  dueAt: Date;
}
