import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { jobTelemetry } from '../../lib/tracing';

/** Every BullMQ queue Firebreak uses. */
export const QUEUE_NAMES = {
  incidentEvents: 'incident-events',
  alertDigests: 'alert-digests',
  /** Escalation levels, reminders of them, update and postmortem reminders (delayed jobs). */
  timers: 'timers',
  /** Rollback and Disable flag actions, one job per action (deterministic id). */
  remediation: 'remediation',
  /** Deploy-guard evaluations, one delayed job per tick (`guard-<deployId>-<tick>`). */
  guard: 'guard',
  /** Deploy announcements: `da-<deployId>`, guard warnings `daw-<deployId>-<signal>`, the watch's end `dac-<deployId>`. */
  deployAnnouncements: 'announcements',
  /** Status page publications, one job per person's click (`spp-<incident>-<view id>`). */
  statusPage: 'status-page',
  /** "Runbook due for a test" reminders, one delayed job per runbook test (`drill-due-<runbook>-<at>`). */
  drillReminders: 'drill-reminders',
  /** Recovery checks and post-rollback checklist reminders after a rollback or flag-off (`rcv-<action>-<check>`). */
  recovery: 'recovery',
  /** On-call handoffs (`handoff-<rotation>-<ms>`) and PagerDuty events (`pd-<incident>-<action>-<occurrence>`). */
  oncall: 'oncall',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * Completed jobs are kept a day so a deterministic job id still deduplicates a late retry;
 * failed ones a week, for the audit. 15 exponential attempts from 1 s span about 9 hours, so a long
 * Slack outage delays messages but does not drop them.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 15,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Every worker's options start here. After a lost Redis connection BullMQ waits `runRetryDelay`
 * (15 s by default) before trying again; a second is plenty and lets a shutdown finish promptly.
 */
export const WORKER_DEFAULTS = {
  runRetryDelay: 1000,
  /** bullmq-otel while tracing runs (read as each worker spreads these options), else none. */
  get telemetry() {
    return jobTelemetry();
  },
} as const;

export interface QueueSettings {
  /** For workers: retries forever (maxRetriesPerRequest: null), as BullMQ requires. */
  connection: ConnectionOptions;
  /** For producers: fails fast when Redis is down, so an HTTP request can answer 503 instead of hanging. */
  producer?: ConnectionOptions;
  prefix: string;
}

export function createQueue(name: QueueName, settings: QueueSettings): Queue {
  const queue = new Queue(name, { connection: settings.producer ?? settings.connection, prefix: settings.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS, telemetry: jobTelemetry() });
  // Connection errors are reported by the connection's own listener; without this BullMQ prints them raw.
  queue.on('error', () => undefined);
  return queue;
}
