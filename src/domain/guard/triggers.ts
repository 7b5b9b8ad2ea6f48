import type { DeployStrategy } from '../deploys/model';
import type { ActThresholds, Baseline, Breach, GuardSettings, GuardWindow, Observation, Signal, StrategyTriggers, TriggerBound, WarnBound } from './model';
import { judge } from './rules';

export type { ActThresholds, StrategyTriggers, TriggerBound, WarnBound } from './model';

/**
 * The rollback triggers of both runbooks (policy.yaml `rollbackTriggers`), in two levels:
 * - `act`: the rollback runbook's thresholds; a sustained breach makes the guard act (propose/auto);
 * - `warn`: the deployment runbook's stricter bounds (errors > 1 %, > 50 % slower; a canary within one
 *   point of its error-rate baseline and 10 % of its latency); a sustained crossing is a warning in the
 *   deploy announcement's thread, never an action.
 * Layers, later wins per signal: `default`, `strategies.<strategy>`, `environments.<environment>`.
 */

export type TriggerLevel = Partial<Record<Signal, TriggerBound>>;

export interface TriggerLayer {
  act?: TriggerLevel;
  warn?: TriggerLevel;
}

export interface RollbackTriggers {
  default: { act: TriggerLevel; warn: TriggerLevel };
  strategies: Partial<Record<DeployStrategy, TriggerLayer>>;
  environments: Record<string, TriggerLayer>;
  /** Triggers no metric shows (data corruption, a security hole): shown where a person decides. */
  humanOnly: string[];
}

/** The act level must be absolute (the contract's numbers); these are the fallbacks of an empty level. */
const CONTRACT: ActThresholds = {
  errorRate: { threshold: 0.05, forMs: 120_000 },
  latencyP95: { factor: 2, forMs: 300_000 },
  healthFailures: { threshold: 0.5, forMs: 60_000 },
};

function layered(triggers: RollbackTriggers, strategy: DeployStrategy | undefined, environment: string): { act: TriggerLevel; warn: TriggerLevel } {
  const layers: TriggerLayer[] = [triggers.default];
  const byStrategy = strategy ? triggers.strategies[strategy] : undefined;
  if (byStrategy) layers.push(byStrategy);
  const byEnvironment = Object.hasOwn(triggers.environments, environment) ? triggers.environments[environment] : undefined;
  if (byEnvironment) layers.push(byEnvironment);
  const act: TriggerLevel = {};
  const warn: TriggerLevel = {};
  for (const layer of layers) {
    Object.assign(act, layer.act ?? {});
    Object.assign(warn, layer.warn ?? {});
  }
  return { act, warn };
}

/** The act thresholds (for the guard's settings) and warn bounds of a deploy's strategy in an environment. */
export function resolveTriggers(triggers: RollbackTriggers, strategy: DeployStrategy | undefined, environment: string): StrategyTriggers {
  const { act, warn } = layered(triggers, strategy, environment);
  return {
    act: {
      errorRate: { threshold: act.errorRate?.above ?? CONTRACT.errorRate.threshold, forMs: act.errorRate?.for ?? CONTRACT.errorRate.forMs },
      latencyP95: { factor: act.latencyP95?.factor ?? CONTRACT.latencyP95.factor, forMs: act.latencyP95?.for ?? CONTRACT.latencyP95.forMs },
      healthFailures: { threshold: act.healthFailures?.above ?? CONTRACT.healthFailures.threshold, forMs: act.healthFailures?.for ?? CONTRACT.healthFailures.forMs },
    },
    warn: (Object.entries(warn) as [Signal, TriggerBound][]).map(([signal, bound]) => ({ signal, ...bound })),
  };
}

/** The triggers a window is judged against: its strategy's when the settings have them, else the settings' own. */
export function triggersFor(settings: GuardSettings, window: Pick<GuardWindow, 'strategy'>): StrategyTriggers {
  const byStrategy = window.strategy ? settings.triggers?.[window.strategy] : undefined;
  return byStrategy ?? { act: { errorRate: settings.errorRate, latencyP95: settings.latencyP95, healthFailures: settings.healthFailures }, warn: settings.warn ?? [] };
}

/** Whether any bound needs the error rate of the 30 min before the deploy. */
export const needsErrorBaseline = (warn: WarnBound[]) => warn.some((b) => b.signal === 'errorRate' && b.overBaseline !== undefined);

/** A bound's limit, or undefined when the baseline it is relative to is not known. */
function limitOf(bound: WarnBound, baselines: { latency?: Baseline; errorRate?: Baseline }): { limit: number; baseline?: number } | undefined {
  if (bound.above !== undefined) return { limit: bound.above };
  const baseline = (bound.signal === 'latencyP95' ? baselines.latency : baselines.errorRate)?.value;
  if (baseline === undefined || !Number.isFinite(baseline) || baseline < 0) return undefined;
  if (bound.overBaseline !== undefined) return { limit: baseline + bound.overBaseline, baseline };
  if (bound.factor !== undefined && baseline > 0) return { limit: baseline * bound.factor, baseline };
  return undefined;
}

/**
 * Sustained crossings of the warn bounds not yet noted for this window (one per signal per deploy),
 * judged with the same rule as a breach: every reading above the limit for at least `for`.
 */
export function newWarnings(
  window: GuardWindow,
  input: { warn: WarnBound[]; signals: Signal[]; observations: Partial<Record<Signal, Observation[]>>; now: number; staleAfterMs: number },
): Breach[] {
  const found: Breach[] = [];
  for (const bound of input.warn) {
    if (!input.signals.includes(bound.signal) || (window.warnings ?? []).some((w) => w.signal === bound.signal)) continue;
    const limit = limitOf(bound, { latency: window.baseline, errorRate: window.errorBaseline });
    if (!limit) continue;
    const rule = { signal: bound.signal, limit: limit.limit, forMs: bound.for };
    const verdict = judge(input.observations[bound.signal] ?? [], rule, input.now, input.staleAfterMs, window.startedAt);
    if (verdict.kind !== 'breach') continue;
    const warning: Breach = { signal: bound.signal, value: verdict.value, limit: limit.limit, since: verdict.since, at: verdict.at, forMs: bound.for };
    if (limit.baseline !== undefined) warning.baseline = limit.baseline;
    if (bound.factor !== undefined) warning.factor = bound.factor;
    if (bound.overBaseline !== undefined) warning.overBaseline = bound.overBaseline;
    found.push(warning);
  }
  return found;
}
