import type { Redis } from 'ioredis';
import { BASELINE_SPAN_MS, type GuardWindow, type Observation, type Signal } from '../../domain/guard/model';
import type { BaselineReading, SignalSource } from '../../domain/guard/ports';
import type { RedisKeys } from '../../lib/keys';
import type { RedisMetricSamples } from '../store/metric-samples';
import type { PrometheusClient, PromReading } from './prometheus';

/** At most this many evaluations are kept per deploy (the rules look back minutes, not hours). */
const MAX_READINGS = 2_000;
const READINGS_TTL_MS = 3 * 3600_000;

interface ReadingEntry {
  at: number;
  readings: Partial<Record<Signal, PromReading>>;
}

/**
 * Prometheus, queried at each evaluation (instant queries at the evaluation's time); the readings
 * are appended to a per-deploy list in Redis, so the rules see every evaluation of the span even
 * across restarts. The p95 baseline is the baseline query evaluated at the deploy's time.
 */
export class PrometheusSource implements SignalSource {
  readonly name: string;

  constructor(
    private readonly deps: {
      client: PrometheusClient;
      queries: Record<Signal, string>;
      baselineQuery: string;
      redis: Redis;
      keys: RedisKeys;
    },
  ) {
    this.name = `Prometheus ${deps.client.baseUrl}`;
  }

  async observe(window: GuardWindow, signals: Signal[], now: number, from: number): Promise<Partial<Record<Signal, Observation[]>>> {
    const { client, queries, redis, keys } = this.deps;
    const taken = await Promise.all(signals.map(async (signal) => [signal, await client.instant(queries[signal], now)] as const));
    const entry: ReadingEntry = { at: now, readings: Object.fromEntries(taken) };
    const key = keys.guardReadings(window.deployId);
    const results = await redis.multi().rpush(key, JSON.stringify(entry)).ltrim(key, -MAX_READINGS, -1).pexpire(key, READINGS_TTL_MS).lrange(key, 0, -1).exec();
    const raw = (results?.[3]?.[1] as string[] | undefined) ?? [];
    const entries = raw.map((line) => JSON.parse(line) as ReadingEntry).filter((e) => e.at >= from && e.at <= now);
    const observations: Partial<Record<Signal, Observation[]>> = {};
    for (const signal of signals) {
      observations[signal] = entries.flatMap((e): Observation[] => {
        const reading = e.readings[signal];
        if (!reading) return [];
        return 'value' in reading ? [{ at: e.at, value: reading.value }] : [{ at: e.at, gap: reading.gap, problem: reading.problem }];
      });
    }
    return observations;
  }

  async baseline(window: GuardWindow): Promise<BaselineReading> {
    const reading = await this.deps.client.instant(this.deps.baselineQuery, window.deployedAt);
    if ('value' in reading) return { value: reading.value };
    if (reading.gap === 'no-data') return { missing: `${this.name}: ${reading.problem} for the 30 min before the deploy` };
    if (reading.rejected) return { missing: `${this.name} rejected the baseline query: ${reading.problem}` };
    return { unreachable: reading.problem };
  }

  /** The error-rate query averaged over the 30 minutes before the deploy, evaluated at its time. */
  async errorRateBaseline(window: GuardWindow): Promise<BaselineReading> {
    const reading = await this.deps.client.instant(`avg_over_time((${this.deps.queries.errorRate})[30m:1m])`, window.deployedAt);
    if ('value' in reading) return { value: reading.value };
    if (reading.gap === 'no-data' || reading.rejected) return { missing: `${this.name}: no error-rate baseline (${reading.problem})` };
    return { unreachable: reading.problem };
  }
}

/** Samples pushed to POST /webhooks/metrics: each one is a reading; none for a while is a gap. */
export class PushedSamplesSource implements SignalSource {
  readonly name = 'pushed samples (POST /webhooks/metrics)';

  constructor(private readonly samples: RedisMetricSamples) {}

  async observe(window: GuardWindow, signals: Signal[], now: number, from: number): Promise<Partial<Record<Signal, Observation[]>>> {
    const ranges = await Promise.all(signals.map(async (signal) => [signal, await this.samples.range(window.service, window.environment, signal, from, now)] as const));
    return Object.fromEntries(ranges);
  }

  async baseline(window: GuardWindow): Promise<BaselineReading> {
    const before = await this.samples.range(window.service, window.environment, 'latencyP95', window.deployedAt - BASELINE_SPAN_MS, window.deployedAt - 1);
    if (before.length === 0) return { missing: 'no p95 latency samples were pushed for the 30 min before the deploy' };
    return { value: before.reduce((sum, s) => sum + s.value, 0) / before.length };
  }

  async errorRateBaseline(window: GuardWindow): Promise<BaselineReading> {
    const before = await this.samples.range(window.service, window.environment, 'errorRate', window.deployedAt - BASELINE_SPAN_MS, window.deployedAt - 1);
    if (before.length === 0) return { missing: 'no error-rate samples were pushed for the 30 min before the deploy' };
    return { value: before.reduce((sum, s) => sum + s.value, 0) / before.length };
  }
}
