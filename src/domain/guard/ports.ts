import type { Deploy } from '../deploys/model';
import type { Incident } from '../incidents/model';
import type { StartIncidentInput } from '../incidents/service';
import type { Click, RequestOutcome } from '../remediation/requests';
import type { Breach, GuardSettings, GuardWindow, Observation, Problem, Signal, WatchPointer } from './model';

/** Ports of the deploy guard; adapters live in outbound/. */

export interface GuardStore {
  window(deployId: string): Promise<GuardWindow | undefined>;
  saveWindow(window: GuardWindow): Promise<void>;
  /** The deploy `service` is watching now. */
  watching(service: string): Promise<WatchPointer | undefined>;
  /** Atomically make `pointer` the watched deploy unless a later deploy holds it; false when one does. */
  claimWatch(service: string, pointer: WatchPointer): Promise<boolean>;
  /** Stop watching `deployId`, if it is still the one watched. */
  releaseWatch(service: string, deployId: string): Promise<void>;
  /** A step done for a deploy (a card posted, a report sent): its value, `posting` while under way. */
  step(deployId: string, step: string): Promise<string | undefined>;
  /** Claim a step so two jobs never both do it; false when it is taken or done (a claim left by a dead process lapses). */
  claimStep(deployId: string, step: string): Promise<boolean>;
  finishStep(deployId: string, step: string, value: string): Promise<void>;
  /** Give a claimed step up (it failed) so a later job tries again. */
  releaseStep(deployId: string, step: string): Promise<void>;
}

export type BaselineReading = { value: number } | { missing: string } | { unreachable: string };

/** Where readings come from: Prometheus queried at each tick, or samples pushed to the webhook. */
export interface SignalSource {
  readonly name: string;
  /** Each signal's readings from `from` to `now`, oldest first (a polled source takes one now). */
  observe(window: GuardWindow, signals: Signal[], now: number, from: number): Promise<Partial<Record<Signal, Observation[]>>>;
  /** p95 latency over the 30 minutes before the deploy. */
  baseline(window: GuardWindow): Promise<BaselineReading>;
  /** The error rate over the 30 minutes before the deploy (bounds relative to it: a canary's). */
  errorRateBaseline?(window: GuardWindow): Promise<BaselineReading>;
}

export interface GuardCatalog {
  /** Undefined when the service has no guard (or it is off). */
  settings(service: string): GuardSettings | undefined;
  source(service: string): SignalSource | undefined;
  /** Whether a rollback executor is configured: the button and `auto` need one. */
  canRollBack(service: string): boolean;
}

/** Evaluations as durable jobs with deterministic ids. */
export interface GuardScheduler {
  schedule(deployId: string, tick: number, dueAt: number): Promise<void>;
}

export interface Posted {
  channel: string;
  ts: string;
}

/** Whether the card can offer Rollback, or why not. */
export type RollbackOffer = { kind: 'button' } | { kind: 'unavailable'; reason: string } | { kind: 'superseded'; because: string };

export interface GuardView {
  window: GuardWindow;
  deploy: Deploy | undefined;
  breaches: Breach[];
}

export interface AutoReportView extends GuardView {
  /** The incident the rollback belongs to. */
  incidentId?: string;
  severity: string;
  outcome: { kind: 'queued' | 'already'; by?: string } | { kind: 'not-started'; reason: string };
  /** Where the rollback's status thread is, for the incident report. */
  rollbackThread?: Posted;
}

/** What the guard shows in Slack; rendering is the adapter's. */
export interface GuardNotifier {
  postProposal(channel: string, view: GuardView, offer: RollbackOffer): Promise<Posted>;
  updateProposal(posted: Posted, view: GuardView, offer: RollbackOffer): Promise<void>;
  postRollbackReport(channel: string, view: AutoReportView): Promise<Posted>;
  updateRollbackReport(posted: Posted, view: AutoReportView): Promise<void>;
  postIncidentReport(channel: string, threadTs: string, view: AutoReportView): Promise<Posted>;
  /** Gaps and a missing baseline, several at once when they come together. */
  postProblems(channel: string, window: GuardWindow, problems: Problem[], sourceName: string): Promise<Posted>;
}

/** The system's own request on the remediation path the button takes (its worker posts the status message). */
export interface GuardRemediation {
  requestAsSystem(click: Omit<Click, 'actor'>): Promise<RequestOutcome>;
}

export interface GuardIncidents {
  openForService(service: string): Promise<Incident | undefined>;
  get(id: string): Promise<Incident | undefined>;
  start(input: StartIncidentInput): Promise<{ incident: Incident; created: boolean }>;
  note(id: string, actor: string, kind: string, text: string, data?: Record<string, unknown>): Promise<void>;
}

export interface GuardLogger {
  warn(data: Record<string, unknown>, message: string): void;
  info(data: Record<string, unknown>, message: string): void;
}

/** Samples pushed to POST /webhooks/metrics by teams without Prometheus. */
export interface MetricSample {
  /** A guard signal, or throughput (requests/s) for the recovery watch. */
  signal: Signal | 'throughput';
  value: number;
  /** ms */
  at: number;
}

/** Pushed samples are kept this long: a guard window plus the baseline span before the deploy, with room. */
export const PUSHED_SAMPLES_KEPT_MS = 3 * 3600_000;
/** A pushed sample may be dated at most this far ahead of Firebreak's clock (the sender's clock may run fast). */
export const PUSHED_SAMPLES_MAX_AHEAD_MS = 5 * 60_000;

export interface MetricBatch {
  service: string;
  environment: string;
  samples: MetricSample[];
}

export interface MetricSampleSink {
  /** Store the samples (a resend stores nothing new); how many were new. */
  record(batch: MetricBatch): Promise<{ added: number }>;
}
