import type { ActionRecord } from '../remediation/model';
import type { PostRollbackChecklist, RecoveryJob, Verdict, ChecklistPhase } from './model';

/** Ports of the recovery watch; adapters live in outbound/. */

export type Reading = { value: number } | { missing: string };
export type SeriesReading = { values: number[] } | { missing: string };

/** Which deployment the readings are about. */
export interface WatchedService {
  service: string;
  environment: string;
}

/** The service's guard signals (Prometheus queried, or samples pushed to POST /webhooks/metrics). */
export interface RecoveryReadings {
  readonly name: string;
  /** The signal's value at `at` (the latest reading that is not stale). */
  latest(target: WatchedService, signal: 'errorRate' | 'latencyP95', at: number): Promise<Reading>;
  /** Requests per second over [from, at], oldest first. */
  throughput(target: WatchedService, from: number, at: number): Promise<SeriesReading>;
  /** p95 latency over the 30 minutes before `before` (the deploy that was rolled back). */
  baseline(target: WatchedService, before: number): Promise<Reading>;
}

export interface RecoveryScheduler {
  /** Idempotent: the job id is derived from the job, so scheduling twice is one job. */
  schedule(job: RecoveryJob, dueAt: number): Promise<void>;
}

/** Side effects done once per watch (a post, an escalation, a timeline entry), whatever the replays. */
export interface RecoverySteps {
  /** Run `action` unless the step already ran; true when it ran now. */
  once(watch: string, step: string, action: () => Promise<void>): Promise<boolean>;
  /** The first value kept under `name` wins and is returned (a check's verdict: a replay posts what was measured first). */
  keep(watch: string, name: string, value: string): Promise<string>;
  /** Ticked checklist items. */
  ticked(watch: string): Promise<string[]>;
}

/** Who got paged when an unmet target escalated. */
export interface Paged {
  level: number;
  targets: string[];
  role?: string;
}

export interface ResultView {
  record: ActionRecord;
  verdict: Verdict;
  /** How long after the action finished the check ran (the target's `within`). */
  withinMs: number;
  /** Set when this result escalated; `already` when an earlier check of the watch did. */
  escalation?: { kind: 'escalated'; paged: Paged } | { kind: 'top' } | { kind: 'already' } | { kind: 'no-incident' };
}

export interface ChecklistView {
  record: ActionRecord;
  watch: string;
  checklist: PostRollbackChecklist;
  ticked: string[];
  /** When each phase is reminded of (ms after the action finished). */
  reminders: Record<ChecklistPhase, number>;
}

export interface ReminderView {
  record: ActionRecord;
  phase: ChecklistPhase;
  title: string;
  /** The phase's items still unticked. */
  open: string[];
  afterMs: number;
}

/** What the watch shows in the remediation thread; rendering is the adapter's. */
export interface RecoveryNotifier {
  postResult(view: ResultView): Promise<void>;
  postChecklist(view: ChecklistView): Promise<void>;
  postReminder(view: ReminderView): Promise<void>;
}

export interface RecoveryIncidents {
  /** Whether the incident is open now (undefined when it is unknown). */
  isOpen(incidentId: string): Promise<boolean | undefined>;
}

/** The escalation engine's "page the next level now": who it is paging, `top` when none is left, undefined when it did not. */
export interface RecoveryEscalator {
  escalateNow(incidentId: string, reason: string): Promise<Paged | 'top' | undefined>;
}
