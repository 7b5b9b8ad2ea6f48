import { z } from 'zod';
import { PUSHED_SIGNALS } from '../../../config/guard';
import { PUSHED_SAMPLES_KEPT_MS, PUSHED_SAMPLES_MAX_AHEAD_MS, type MetricBatch } from '../../../domain/guard/ports';
import { ValidationError, type Issue } from '../../../lib/errors';
import { humanDuration } from '../../../lib/human-duration';
import { toIssues } from '../../../lib/zod-issues';
import { isoTimestamp, nonEmpty } from './common';

/**
 * POST /webhooks/metrics — samples for the deploy guard, from teams without Prometheus:
 *   {"service": "checkout", "environment": "production",
 *    "samples": [{"signal": "errorRate", "value": 0.07, "at": "2026-11-22T10:02:00Z"},
 *                {"signal": "latencyP95", "value": 0.42, "at": "2026-11-22T10:02:00Z"},
 *                {"signal": "healthFailures", "value": 0.0, "at": "2026-11-22T10:02:00Z"}]}
 * errorRate and healthFailures are ratios (0–1); latencyP95 is in seconds; throughput (requests/s, read by
 * the recovery watch after a rollback) is optional. `environment` defaults
 * to the service's guarded environment; at most 10 000 samples per body.
 */
export const metricsSchema = z.object({
  service: nonEmpty,
  environment: nonEmpty.optional(),
  samples: z
    .array(
      z.object({
        signal: z.enum(PUSHED_SIGNALS),
        value: z.number().finite().min(0, 'must not be negative'),
        at: isoTimestamp,
      }),
    )
    .min(1, 'send at least one sample')
    .max(10_000, 'at most 10000 samples per body'),
});

export interface Skipped {
  index: number;
  reason: string;
}

/**
 * Validate a metrics body. Samples dated outside what the store keeps (older than its retention, or
 * ahead of `now` by more than the allowed skew) would be thrown away: they are skipped with the
 * reason, and when none is left the body is refused. Throws ValidationError with every issue.
 */
export function parseMetrics(
  body: unknown,
  defaultEnvironment: (service: string) => string,
  now: number,
): { batch: MetricBatch; skipped: Skipped[] } {
  const parsed = metricsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(toIssues(parsed.error));
  const { service, environment, samples } = parsed.data;
  const from = now - PUSHED_SAMPLES_KEPT_MS;
  const to = now + PUSHED_SAMPLES_MAX_AHEAD_MS;
  const range = `accepted: ${new Date(from).toISOString()} to ${new Date(to).toISOString()} (samples are kept ${humanDuration(PUSHED_SAMPLES_KEPT_MS)}, at most ${humanDuration(PUSHED_SAMPLES_MAX_AHEAD_MS)} ahead)`;
  const kept: MetricBatch['samples'] = [];
  const outside: Issue[] = [];
  const skipped: Skipped[] = [];
  samples.forEach((sample, index) => {
    const at = Date.parse(sample.at);
    if (at >= from && at <= to) {
      kept.push({ signal: sample.signal, value: sample.value, at });
      return;
    }
    const reason = `${sample.at} is ${at < from ? 'too old' : 'in the future'}; ${range}`;
    outside.push({ path: `samples.${index}.at`, message: reason });
    skipped.push({ index, reason });
  });
  if (kept.length === 0) throw new ValidationError(outside);
  return { batch: { service, environment: environment ?? defaultEnvironment(service), samples: kept }, skipped };
}
