import { BASELINE_SPAN_MS } from '../../domain/guard/model';
import type { Reading, RecoveryReadings, SeriesReading, WatchedService } from '../../domain/recovery/ports';
import type { RedisMetricSamples } from '../store/metric-samples';
import type { PrometheusClient, PromReading } from './prometheus';

/** The PromQL the recovery watch asks when the service names none: requests per second. */
export function defaultThroughputQuery(service: string): string {
  return `sum(rate(http_requests_total{service="${service}"}[1m]))`;
}

const fromProm = (reading: PromReading): Reading => ('value' in reading ? { value: reading.value } : { missing: reading.problem });

/**
 * The recovery watch's readings from Prometheus, with the guard's queries and client: instant
 * queries at the check's time; throughput at three points over the span; the p95 baseline is the
 * guard's baseline query evaluated when the rolled-back deploy went live.
 */
export class PrometheusRecoveryReadings implements RecoveryReadings {
  readonly name: string;

  constructor(
    private readonly deps: {
      client: PrometheusClient;
      queries: { errorRate: string; latencyP95: string; throughput: string; latencyBaseline: string };
    },
  ) {
    this.name = `Prometheus ${deps.client.baseUrl}`;
  }

  async latest(_target: WatchedService, signal: 'errorRate' | 'latencyP95', at: number): Promise<Reading> {
    return fromProm(await this.deps.client.instant(this.deps.queries[signal], at));
  }

  async throughput(_target: WatchedService, from: number, at: number): Promise<SeriesReading> {
    const times = [from, from + (at - from) / 2, at].map(Math.round);
    const readings = await Promise.all(times.map((time) => this.deps.client.instant(this.deps.queries.throughput, time)));
    const values: number[] = [];
    for (const reading of readings) {
      if (!('value' in reading)) return { missing: reading.problem };
      values.push(reading.value);
    }
    return { values };
  }

  async baseline(_target: WatchedService, before: number): Promise<Reading> {
    return fromProm(await this.deps.client.instant(this.deps.queries.latencyBaseline, before));
  }
}

/** The recovery watch's readings from samples pushed to POST /webhooks/metrics. */
export class PushedRecoveryReadings implements RecoveryReadings {
  readonly name = 'pushed samples (POST /webhooks/metrics)';

  constructor(
    private readonly samples: RedisMetricSamples,
    /** A sample older than this at the check is stale (the guard's `staleAfter`). */
    private readonly staleAfterMs: number,
  ) {}

  async latest(target: WatchedService, signal: 'errorRate' | 'latencyP95', at: number): Promise<Reading> {
    const recent = await this.samples.range(target.service, target.environment, signal, at - this.staleAfterMs, at);
    const last = recent.at(-1);
    return last ? { value: last.value } : { missing: `no ${signal} sample pushed for ${target.service} in the ${this.staleAfterMs / 1000} s before the check` };
  }

  async throughput(target: WatchedService, from: number, at: number): Promise<SeriesReading> {
    const samples = await this.samples.range(target.service, target.environment, 'throughput', from, at);
    if (samples.length === 0) return { missing: `no throughput sample pushed for ${target.service} in the ${(at - from) / 1000} s before the check` };
    return { values: samples.map((s) => s.value) };
  }

  async baseline(target: WatchedService, before: number): Promise<Reading> {
    const samples = await this.samples.range(target.service, target.environment, 'latencyP95', before - BASELINE_SPAN_MS, before - 1);
    if (samples.length === 0) return { missing: 'no p95 latency samples were pushed for the 30 min before the deploy' };
    return { value: samples.reduce((sum, s) => sum + s.value, 0) / samples.length };
  }
}
