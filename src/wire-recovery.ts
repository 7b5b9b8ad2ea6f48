import type { Worker } from 'bullmq';
import { defaultBaselineQuery, defaultGuardQueries } from './config/guard';
import type { EscalateResult } from './domain/escalation/service';
import { SYSTEM_ACTOR } from './domain/incidents/model';
import type { RecoveryEscalator, RecoveryReadings } from './domain/recovery/ports';
import { RecoveryWatch } from './domain/recovery/service';
import type { AuditLog, ContextLookup, DeployLookup } from './domain/remediation/action-ports';
import { startRecoveryWorker } from './inbound/workers/recovery';
import { PrometheusClient, prometheusClientOptions } from './outbound/guard/prometheus';
import { defaultThroughputQuery, PrometheusRecoveryReadings, PushedRecoveryReadings } from './outbound/guard/recovery-readings';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { BullRecoveryScheduler } from './outbound/jobs/recovery-jobs';
import { SlackRecoveryNotifier } from './outbound/slack/recovery-notifier';
import type { SlackRefusals } from './outbound/slack/refusals';
import { RedisActionStore } from './outbound/store/action-store';
import type { RedisMetricSamples } from './outbound/store/metric-samples';
import { RedisRecoverySteps } from './outbound/store/recovery-steps';
import type { Wiring } from './wiring';

export interface RecoveryWiring {
  /** The remediation job's hook once an action succeeded; the checklist's ticks. */
  watch: RecoveryWatch;
  steps: RedisRecoverySteps;
  startWorker(): Worker;
  close(): Promise<void>;
}

export interface RecoveryWiringOptions extends Wiring {
  deploys: Pick<DeployLookup, 'get'>;
  contexts: ContextLookup;
  audit: AuditLog;
  /** The guard's pushed-sample store (POST /webhooks/metrics). */
  samples: RedisMetricSamples;
  /** The escalation engine's manual escalation, when it runs in this process. */
  escalateNow?: (incidentId: string, by: string) => Promise<EscalateResult>;
  refusals?: SlackRefusals;
  fetch?: typeof fetch;
}

/** Part of the composition root: the recovery queue, the watch over the guard's signal sources, and its worker. */
export function wireRecovery(options: RecoveryWiringOptions): RecoveryWiring {
  const { redis, keys, config, content, clock, logger } = options;
  const queue = createQueue(QUEUE_NAMES.recovery, options.queueSettings);
  // A post Slack refuses for good (a closed channel) is given up, logged and counted; the other checks go on.
  const refusals = options.refusals;
  const steps = new RedisRecoverySteps(
    redis,
    keys,
    refusals && { permanent: refusals.serviceSteps.permanent, givenUp: async ({ scope, step, code, error }) => refusals.record(code, error, { watch: scope, step }) },
  );
  const readings = new Map<string, RecoveryReadings | undefined>();
  const readingsFor = (service: string): RecoveryReadings | undefined => {
    if (!readings.has(service)) readings.set(service, recoveryReadings(options, service));
    return readings.get(service);
  };
  const escalateNow = options.escalateNow;
  const escalator: RecoveryEscalator | undefined = escalateNow && {
    async escalateNow(incidentId, reason) {
      const result = await escalateNow(incidentId, SYSTEM_ACTOR);
      logger.info({ incidentId, reason, result: result.kind }, 'recovery watch escalation');
      if (result.kind === 'escalating') return { level: result.level.level, targets: result.level.notify, role: result.level.role };
      if (result.kind === 'already') return { level: result.level, targets: [] };
      return result.kind === 'top' ? 'top' : undefined;
    },
  };
  const watch = new RecoveryWatch({
    actions: new RedisActionStore(redis, keys, { retentionMs: config.retention }),
    readings: readingsFor,
    deploys: options.deploys,
    contexts: options.contexts,
    scheduler: new BullRecoveryScheduler(queue, clock),
    steps,
    notifier: new SlackRecoveryNotifier(options.client),
    incidents: { isOpen: async (id) => (await options.incidents.find(id))?.status === 'open' },
    escalator,
    audit: options.audit,
    policy: content.policy.recovery,
    checklist: content.postRollbackChecklist,
    clock,
    logger,
  });
  return {
    watch,
    steps,
    startWorker: () => startRecoveryWorker({ ...options.queueSettings, watch, logger: logger.child({ component: 'recovery' }) }),
    close: () => queue.close(),
  };
}

/** The service's guard signal source, for the recovery watch: none without a guard (or with it off). */
function recoveryReadings(options: RecoveryWiringOptions, service: string): RecoveryReadings | undefined {
  const guard = options.config.services[service]?.guard;
  if (!guard || guard.mode === 'off') return undefined;
  if (!guard.prometheus) return new PushedRecoveryReadings(options.samples, guard.staleAfter ?? Math.max(60_000, 3 * guard.every));
  const defaults = defaultGuardQueries(service);
  const errorRate = guard.queries.errorRate ?? defaults.errorRate;
  const latencyP95 = guard.queries.latencyP95 ?? defaults.latencyP95;
  return new PrometheusRecoveryReadings({
    client: new PrometheusClient(guard.prometheus, { ...prometheusClientOptions(guard.prometheusClient), fetch: options.fetch }),
    queries: {
      errorRate,
      latencyP95,
      latencyBaseline: guard.queries.latencyBaseline ?? defaultBaselineQuery(latencyP95),
      throughput: guard.queries.throughput ?? defaultThroughputQuery(service),
    },
  });
}
