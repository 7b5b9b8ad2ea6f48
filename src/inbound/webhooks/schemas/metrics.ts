import { z } from 'zod';
import { GUARD_SIGNALS } from '../../../config/guard';
import type { MetricBatch } from '../../../domain/guard/ports';
import { ValidationError } from '../../../lib/errors';
import { toIssues } from '../../../lib/zod-issues';
import { isoTimestamp, nonEmpty } from './common';

/**
 * POST /webhooks/metrics — samples for the deploy guard, from teams without Prometheus:
 *   {"service": "checkout", "environment": "production",
 *    "samples": [{"signal": "errorRate", "value": 0.07, "at": "2026-11-22T10:02:00Z"},
 *                {"signal": "latencyP95", "value": 0.42, "at": "2026-11-22T10:02:00Z"},
 *                {"signal": "healthFailures", "value": 0.0, "at": "2026-11-22T10:02:00Z"}]}
 * errorRate and healthFailures are ratios (0–1); latencyP95 is in seconds. `environment` defaults
 * to the service's guarded environment; at most 10 000 samples per body.
 */
export const metricsSchema = z.object({
  service: nonEmpty,
  environment: nonEmpty.optional(),
  samples: z
    .array(
      z.object({
        signal: z.enum(GUARD_SIGNALS),
        value: z.number().finite().min(0, 'must not be negative'),
        at: isoTimestamp,
      }),
    )
    .min(1, 'send at least one sample')
    .max(10_000, 'at most 10000 samples per body'),
});

/** Validate a metrics body; throws ValidationError with every issue. */
export function parseMetrics(body: unknown, defaultEnvironment: (service: string) => string): MetricBatch {
  const parsed = metricsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(toIssues(parsed.error));
  const { service, environment, samples } = parsed.data;
  return {
    service,
    environment: environment ?? defaultEnvironment(service),
    samples: samples.map((s) => ({ signal: s.signal, value: s.value, at: Date.parse(s.at) })),
  };
}
