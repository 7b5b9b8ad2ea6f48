import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { durationSchema } from '../lib/duration';

/** The deploy guard's signals; the names used in config, pushed samples and job data. */
export const GUARD_SIGNALS = ['errorRate', 'latencyP95', 'healthFailures'] as const;
/** What POST /webhooks/metrics takes: the guard's signals, and throughput (requests/s) for the recovery watch. */
export const PUSHED_SIGNALS = [...GUARD_SIGNALS, 'throughput'] as const;

const ratio = z.number().min(0, 'a ratio between 0 and 1, e.g. 0.05').max(1, 'a ratio between 0 and 1, e.g. 0.05');

/**
 * `services.<name>.guard`: watch each succeeded deploy for `window` (default: policy.yaml's 30 min)
 * and act on a sustained breach. Thresholds and durations default to policy.yaml's `guard`.
 *
 *   guard:
 *     mode: propose                 # off | propose (card with Rollback) | auto (roll back, open the incident)
 *     prometheus: http://prometheus:9090   # without it, samples pushed to POST /webhooks/metrics
 *     window: 30m
 *     every: 15s                    # one evaluation per interval
 *     staleAfter: 1m                # no reading for this long is a gap (reported, never healthy)
 *     signals: [errorRate, latencyP95, healthFailures]
 *     queries: { errorRate: "…", latencyP95: "…", healthFailures: "…", latencyBaseline: "…", throughput: "…" }
 *     errorRate: { threshold: 0.05, for: 2m }
 *     latencyP95: { factor: 2, for: 5m }
 *     healthFailures: { threshold: 0.5, for: 1m }
 *     severity: P1                  # of the incident `auto` opens
 *     prometheusClient:             # how to reach `prometheus`
 *       bearerToken: "${PROM_TOKEN}"      # or basicAuth: { username, password }
 *       headers: { X-Scope-OrgID: team-a }
 *       caFile: /etc/firebreak/prometheus-ca.pem
 *       timeout: 5s
 */
/** Auth, headers and TLS for the Prometheus API; the CA file is read when the config loads. */
export const prometheusClientSchema = z
  .strictObject({
    bearerToken: z.string().min(1).optional(),
    basicAuth: z.strictObject({ username: z.string().min(1), password: z.string() }).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    caFile: z.string().min(1).optional(),
    timeout: durationSchema.default(5_000),
  })
  .refine((c) => !(c.bearerToken && c.basicAuth), { message: 'set bearerToken or basicAuth, not both' })
  .transform((c, ctx) => {
    let ca: Buffer | undefined;
    if (c.caFile) {
      try {
        ca = readFileSync(c.caFile);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['caFile'], message: `cannot read ${c.caFile}: ${(err as { message?: string }).message ?? String(err)}` });
        return z.NEVER;
      }
    }
    return { ...c, ca };
  });
export type PrometheusClientConfig = z.infer<typeof prometheusClientSchema>;

export const guardSchema = z.object({
  mode: z.enum(['off', 'propose', 'auto']).default('propose'),
  prometheus: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  prometheusClient: prometheusClientSchema.optional(),
  window: durationSchema.optional(),
  queries: z
    .object({
      errorRate: z.string().min(1).optional(),
      latencyP95: z.string().min(1).optional(),
      healthFailures: z.string().min(1).optional(),
      latencyBaseline: z.string().min(1).optional(),
      /** Requests per second, for the recovery watch after a rollback. */
      throughput: z.string().min(1).optional(),
    })
    .default({}),
  every: durationSchema.default(15_000),
  staleAfter: durationSchema.optional(),
  signals: z.array(z.enum(GUARD_SIGNALS)).min(1, 'name at least one signal').optional(),
  errorRate: z.object({ threshold: ratio.optional(), for: durationSchema.optional() }).optional(),
  latencyP95: z.object({ factor: z.number().positive().optional(), for: durationSchema.optional() }).optional(),
  healthFailures: z.object({ threshold: ratio.optional(), for: durationSchema.optional() }).optional(),
  severity: z.enum(['P0', 'P1', 'P2', 'P3']).default('P1'),
});

export type GuardConfig = z.infer<typeof guardSchema>;

/**
 * PromQL per signal when the service names none, selecting the service by its `service` label:
 * 5xx ratio, p95 of the request-duration histogram (seconds), share of scrape targets down.
 */
export function defaultGuardQueries(service: string): Record<(typeof GUARD_SIGNALS)[number], string> {
  const selector = (extra = '') => `{service="${service}"${extra}}`;
  return {
    errorRate: `sum(rate(http_requests_total${selector(',code=~"5.."')}[1m])) / sum(rate(http_requests_total${selector()}[1m]))`,
    latencyP95: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${selector()}[1m])))`,
    healthFailures: `1 - avg(up${selector()})`,
  };
}

/** The p95 baseline: the latency query averaged over the 30 minutes before the deploy (evaluated at its time). */
export function defaultBaselineQuery(latencyQuery: string): string {
  return `avg_over_time((${latencyQuery})[30m:1m])`;
}
