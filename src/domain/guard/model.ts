import { z } from 'zod';
import { DEPLOY_STRATEGIES, type DeployStrategy } from '../deploys/model';
import type { SeverityId } from '../incidents/model';

/**
 * The deploy guard: for a while after a succeeded deploy, the service's health is read at a fixed
 * interval and judged against the rollback runbook's thresholds (error rate, p95 latency against the
 * pre-deploy baseline, health-check failures). A sustained breach proposes or runs the rollback.
 */

export const SIGNALS = ['errorRate', 'latencyP95', 'healthFailures'] as const;
export const signalSchema = z.enum(SIGNALS);
export type Signal = z.infer<typeof signalSchema>;

export type GuardMode = 'propose' | 'auto';

/** Why a reading has no value: the source did not answer, or answered without data. */
export type GapKind = 'unreachable' | 'no-data';

/** One reading of a signal at `at` (ms): a value, or a gap (never treated as healthy). */
export type Observation = { at: number; value: number } | { at: number; gap: GapKind; problem: string };

/** A breach is a value strictly above `limit` in every reading for at least `forMs`. */
export interface SignalRule {
  signal: Signal;
  limit: number;
  forMs: number;
  /** For p95: the baseline the limit was derived from. */
  baseline?: number;
  factor?: number;
}

/** One service's guard, resolved from its config block and policy.yaml's defaults. */
export interface GuardSettings {
  mode: GuardMode;
  /** The service's channel (where cards and reports go when no incident is open). */
  channel: string;
  /** The environment whose deploys are watched. */
  environment: string;
  windowMs: number;
  everyMs: number;
  /** No reading for this long is a gap. */
  staleAfterMs: number;
  signals: Signal[];
  errorRate: { threshold: number; forMs: number };
  latencyP95: { factor: number; forMs: number };
  healthFailures: { threshold: number; forMs: number };
  /** Severity of the incident `auto` opens. */
  severity: SeverityId;
  /** Where readings come from, named in reports: "Prometheus http://…" or "pushed samples". */
  sourceName: string;
  /** Users (U…) who may be made reporter/commander of an incident the guard opens. */
  people: string[];
  /** policy.yaml `rollbackTriggers` resolved per strategy for this service's environment (act over the fields above). */
  triggers?: Partial<Record<DeployStrategy, StrategyTriggers>>;
  /** The deployment runbook's warn bounds when the deploy's strategy has no entry in `triggers`. */
  warn?: WarnBound[];
}

/** One signal's bound: absolute (`above`), over the pre-deploy baseline (`overBaseline` points, `factor` ×). */
export interface TriggerBound {
  above?: number;
  overBaseline?: number;
  factor?: number;
  /** How long (ms) every reading must be beyond the bound; `for` as policy.yaml writes it. */
  for: number;
}

/** The act thresholds in the guard's own shape. */
export type ActThresholds = Pick<GuardSettings, 'errorRate' | 'latencyP95' | 'healthFailures'>;

export interface WarnBound extends TriggerBound {
  signal: Signal;
}

/** What the guard judges a deploy of one strategy against: act thresholds and warn bounds. */
export interface StrategyTriggers {
  act: ActThresholds;
  warn: WarnBound[];
}

/** The p95 baseline from before the deploy; `missing` says why there is none. */
export const baselineSchema = z.object({ value: z.number().optional(), missing: z.string().optional() });
export type Baseline = z.infer<typeof baselineSchema>;

/** A sustained breach: the evidence shown on the card and in the report. */
export const breachSchema = z.object({
  signal: signalSchema,
  /** The latest reading. */
  value: z.number(),
  limit: z.number(),
  /** The first reading of the unbroken run above the limit (ms). */
  since: z.number(),
  /** When it was judged sustained (ms). */
  at: z.number(),
  forMs: z.number(),
  baseline: z.number().optional(),
  factor: z.number().optional(),
  /** A bound over the baseline by this many points (a canary's error rate). */
  overBaseline: z.number().optional(),
});
export type Breach = z.infer<typeof breachSchema>;

/** Something the guard cannot judge, reported once per deploy under its `key`. */
export const problemSchema = z.object({
  key: z.string(),
  kind: z.enum(['unreachable', 'no-data', 'no-baseline']),
  signal: signalSchema.optional(),
  since: z.number(),
  detail: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

export const WINDOW_STATES = ['watching', 'superseded', 'ended', 'expired', 'acted'] as const;

/** One deploy's watch, as stored; only its evaluation job writes it after the start. */
export const guardWindowSchema = z.object({
  deployId: z.string(),
  service: z.string(),
  environment: z.string(),
  version: z.string(),
  previousVersion: z.string().optional(),
  /** The deploy's strategy: which rollback triggers apply (absent in windows stored before it was kept). */
  strategy: z.enum(DEPLOY_STRATEGIES).optional(),
  mode: z.enum(['propose', 'auto']),
  /** When the deploy went live (ms); readings before it do not count, the baseline ends there. */
  deployedAt: z.number(),
  /** When watching started (ms): ticks are due at startedAt + n × every. */
  startedAt: z.number(),
  endsAt: z.number(),
  state: z.enum(WINDOW_STATES),
  endedBecause: z.string().optional(),
  /** The next tick due. */
  tick: z.number().int().min(0),
  baseline: baselineSchema.optional(),
  /** The error rate of the 30 min before the deploy, read only when a bound is relative to it (canary). */
  errorBaseline: baselineSchema.optional(),
  /** The first sustained breach of each signal, in order. */
  breaches: z.array(breachSchema).default([]),
  problems: z.array(problemSchema).default([]),
  /** The first sustained crossing of each signal's warn bound: said, never acted on. */
  warnings: z.array(breachSchema).optional(),
});
export type GuardWindow = z.infer<typeof guardWindowSchema>;

/** The window a service is watching now, kept apart so deploys can supersede it atomically. */
export interface WatchPointer {
  deployId: string;
  version: string;
  deployedAt: number;
}

/** How long before the deploy the p95 baseline is taken from. */
export const BASELINE_SPAN_MS = 30 * 60_000;

/** `guard-<deployId>-<tick>`: deterministic, no ':'. */
export function tickJobId(deployId: string, tick: number): string {
  return `guard-${deployId}-${tick}`;
}
