import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { version } from '../../package.json';

/**
 * Firebreak's Prometheus metrics, one registry per running instance (tests start several). Node's and
 * the process's own metrics keep their standard names (`process_*`, `nodejs_*`).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'firebreak_build_info',
    help: 'Always 1; the labels say which Firebreak and Node run',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  }).set({ version, node: process.version }, 1);
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
    webhookItems: new Counter({
      name: 'firebreak_webhook_items_total',
      help: 'Items of webhook bodies by source and outcome (accepted, unknown_service, test, heartbeat, skipped_invalid, skipped_unroutable)',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'firebreak_jobs_total',
      help: 'BullMQ job attempts finished, by queue and outcome (completed, retried, failed for good)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'firebreak_job_duration_seconds',
      help: 'Time a job attempt ran, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'firebreak_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed), read at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'firebreak_slack_api_calls_total',
      help: "Slack Web API calls by method and outcome: ok, rate_limited (429), or Slack's error code",
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
    remediations: new Counter({
      name: 'firebreak_remediation_actions_total',
      help: 'Rollback and Disable flag actions that ended, by kind and outcome (succeeded, failed)',
      labelNames: ['kind', 'outcome'] as const,
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
