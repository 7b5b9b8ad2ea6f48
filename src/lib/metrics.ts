import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Firebreak's Prometheus metrics, one registry per running instance (tests start several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'firebreak_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'firebreak_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'code'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'firebreak_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inboundEvents: new Counter({
      name: 'firebreak_inbound_events_total',
      help: 'Deploys and alerts accepted, by source and outcome (stored, duplicate, invalid)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'firebreak_jobs_total',
      help: 'BullMQ jobs finished, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    slackFailedForGood: new Counter({
      name: 'firebreak_slack_failed_for_good_total',
      help: 'Slack effects (posts, updates, topics, invites, uploads) given up because Slack refused them for good, by Slack error',
      labelNames: ['error'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
