import type { Incident } from '../incidents/model';
import type { Acknowledgement, EscalationState, LevelNotice, PostmortemNotice, UpdateReminderNotice } from './model';
import type { Timer } from './timers';

/** Durable timers (BullMQ delayed jobs in production). */
export interface TimerScheduler {
  /**
   * Make the timer due at `timer.dueAt` (now when that is past). Scheduling a pending timer again
   * moves it; a timer that is already firing or has fired is left alone.
   */
  schedule(timer: Timer): Promise<void>;
  /** Remove the incident's pending timers whose ids start with one of `prefixes` (all when absent), but not `except`. */
  cancel(incidentId: string, options?: { prefixes?: string[]; except?: string[] }): Promise<number>;
}

/** Where each incident stands on its ladder; every write is safe to repeat and to race. */
export interface EscalationStore {
  get(incidentId: string): Promise<EscalationState>;
  /** Start a fresh ladder (reopen) unless one with this epoch or a later one exists; returns the state. */
  restart(incidentId: string, epoch: number, anchor: string): Promise<EscalationState>;
  /** Record that a level was reached; the first time wins and is returned. */
  markNotified(incidentId: string, epoch: number, level: number, at: string): Promise<string>;
  /** The first acknowledgement of a level wins; `first` says whether it was this one. */
  acknowledge(incidentId: string, epoch: number, level: number, ack: Acknowledgement): Promise<{ ack: Acknowledgement; first: boolean }>;
  markPostmortemScheduled(incidentId: string, ack: Acknowledgement): Promise<{ ack: Acknowledgement; first: boolean }>;
  /**
   * Run `action` unless the step already ran (or is running elsewhere). A failed action releases
   * the step so a retry runs it again; a finished one is remembered for days.
   */
  once(incidentId: string, step: string, action: () => Promise<void>): Promise<boolean>;
}

/** Telling people (Slack in production). */
export interface EscalationNotifier {
  /** User groups expanded to their members; users as they are; no duplicates. */
  expand(targets: string[]): Promise<string[]>;
  directMessage(userId: string, notice: LevelNotice): Promise<void>;
  /** "Escalated to level 2: @lead — unresolved after 30 minutes" in the incident channel. */
  escalationLine(notice: LevelNotice): Promise<void>;
  acknowledged(incident: Incident, level: number, ack: Acknowledgement): Promise<void>;
  updateReminder(notice: UpdateReminderNotice): Promise<void>;
  postmortem(notice: PostmortemNotice): Promise<void>;
  invite(channelId: string, userId: string): Promise<void>;
}

/** Who is on call behind `rotation:`, `pagerduty:` and `opsgenie:` targets at `at`; other targets stay as they are. */
export interface TargetResolver {
  resolve(targets: string[], context: { incident: Incident; at: Date }): Promise<string[]>;
}
