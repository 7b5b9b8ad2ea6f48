import type { Deploy } from '../deploys/model';
import type { ActionProgress, ActionRecord, ActionSpec, ActionState, ContextRef, HealthCheckResult } from './model';
import type { FlagProvider, RollbackExecutor, RollbackStrategy } from './ports';

/** Ports of the remediation flow (click → job → executor → thread); adapters live in outbound/. */

export type ClaimResult =
  /** This click owns the action (a first click, or a new run after a final failure). */
  | { outcome: 'claimed'; record: ActionRecord }
  /** The same action was already asked for; `record` is it. */
  | { outcome: 'taken'; record: ActionRecord }
  /** Another context's action on the same target is in the way; `record` is that one. */
  | { outcome: 'conflict'; record: ActionRecord };

export interface ActionStore {
  /**
   * Atomically: unless an action on the same target blocks it (`blocking` states), create the action
   * (or start a new run of a failed one) in state queued.
   */
  claim(spec: Omit<ActionSpec, 'run'>, targetKey: string, blocking: readonly ActionState[]): Promise<ClaimResult>;
  get(id: string): Promise<ActionRecord | undefined>;
  saveProgress(id: string, run: number, progress: ActionProgress): Promise<void>;
  /** Atomically take the posting of the run's status message: true for the first to ask, false after (or for a stale run). */
  claimStatusPost(id: string, run: number, by: 'clicker' | 'worker'): Promise<boolean>;
  setStatusTs(id: string, run: number, ts: string): Promise<void>;
}

export interface ActionQueue {
  /** Idempotent: the job id is derived from the action, so enqueueing twice is one job. */
  enqueue(spec: ActionSpec): Promise<void>;
}

export interface AuditEntry {
  actor: string;
  text: string;
  data?: Record<string, unknown>;
}

/** Where clicks, refusals and job states are written: the incident timeline, or a per-context list. */
export interface AuditLog {
  record(context: ContextRef, entry: AuditEntry): Promise<void>;
}

/** Who should be paged when an action fails for good. */
export interface PageAdvice {
  /** 1-based escalation level. */
  level: number;
  /** Slack users (U…) and user groups (S…), when the service names them. */
  targets: string[];
  /** The policy's role for the level when the service has no escalation of its own. */
  role?: string;
}

/** Everything the thread shows; rendering is the adapter's business. */
export interface RemediationNotifier {
  postStatus(record: ActionRecord, now: Date): Promise<string>;
  updateStatus(record: ActionRecord, ts: string, now: Date): Promise<void>;
  postVerification(record: ActionRecord): Promise<string>;
  postAnnouncement(record: ActionRecord, status: string): Promise<string>;
  postFailure(record: ActionRecord, page: PageAdvice | undefined, escalated: boolean): Promise<string>;
}

export interface HealthProbe {
  check(url: string): Promise<HealthCheckResult>;
}

export interface EscalationLevelSettings {
  afterMs: number;
  targets: string[];
  role?: string;
}

/** The part of a service's configuration the remediation flow reads. */
export interface ServiceRemediation {
  responders: string[];
  environment: string;
  healthChecks: string[];
  rollback?: { attempts: number; backoffMs: number };
  flags?: { attempts: number; backoffMs: number };
  escalation: EscalationLevelSettings[];
}

export interface RemediationCatalog {
  service(name: string): ServiceRemediation | undefined;
  rollbackExecutor(service: string): RollbackExecutor;
  flagProvider(service: string): FlagProvider;
  /** The rollback runbook's target time for a strategy. */
  rollbackTargetMs(strategy: RollbackStrategy): number | undefined;
}

/** What a context is about: the reason given to the deployer and the announcement. */
export interface ContextInfo {
  title: string;
  incidentId?: string;
  openedAt?: string;
  channelId?: string;
}

export interface ContextLookup {
  /** `service`: the action's (an alert is known by its service and fingerprint). */
  describe(context: ContextRef, service: string): Promise<ContextInfo | undefined>;
}

export interface DeployLookup {
  get(id: string): Promise<Deploy | undefined>;
  latest(service: string, environment: string): Promise<Deploy | undefined>;
}

/** Members of a Slack user group (cached by the adapter), or whoever is on call behind `rotation:…` and the like. */
export interface GroupDirectory {
  groupMembers(groupId: string): Promise<string[]>;
}

/** The escalation engine's "page the next level now": the level it is paging, or undefined when it did not. */
export interface Escalator {
  escalateNow(incidentId: string, reason: string): Promise<PageAdvice | undefined>;
}

export interface Warner {
  warn(data: Record<string, unknown>, message: string): void;
}
