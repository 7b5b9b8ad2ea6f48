import type { Redis } from 'ioredis';
import type { Signal } from '../../domain/guard/model';
import { PUSHED_SAMPLES_KEPT_MS as KEEP_MS, type MetricBatch, type MetricSampleSink } from '../../domain/guard/ports';
import type { RedisKeys } from '../../lib/keys';

/**
 * Samples pushed to POST /webhooks/metrics: a sorted set per (service, environment, signal) by
 * time. A member is `<at>|<value>`, so a resent batch adds nothing.
 */
export class RedisMetricSamples implements MetricSampleSink {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async record(batch: MetricBatch): Promise<{ added: number }> {
    const bySignal = new Map<Signal | 'throughput', (string | number)[]>();
    for (const sample of batch.samples) {
      const args = bySignal.get(sample.signal) ?? [];
      args.push(sample.at, `${sample.at}|${sample.value}`);
      bySignal.set(sample.signal, args);
    }
    const multi = this.redis.multi();
    for (const [signal, args] of bySignal) {
      const key = this.keys.metricSamples(batch.service, batch.environment, signal);
      multi.zadd(key, ...args);
      multi.zremrangebyscore(key, '-inf', this.now() - KEEP_MS);
      multi.pexpire(key, KEEP_MS);
    }
    const results = (await multi.exec()) ?? [];
    let added = 0;
    results.forEach(([error, value], index) => {
      if (error) throw error;
      if (index % 3 === 0) added += Number(value);
    });
    return { added };
  }

  /** Samples of one signal with `from <= at <= to`, oldest first. */
  async range(service: string, environment: string, signal: Signal | 'throughput', from: number, to: number): Promise<{ at: number; value: number }[]> {
    const members = await this.redis.zrangebyscore(this.keys.metricSamples(service, environment, signal), from, to);
    return members.map((member) => {
      const [at, value] = member.split('|');
      return { at: Number(at), value: Number(value) };
    });
  }
}
