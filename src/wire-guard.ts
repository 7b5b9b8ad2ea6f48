import type { Worker } from 'bullmq';
import type { ConfigFile } from './config/file';
import { defaultBaselineQuery, defaultGuardQueries, type GuardConfig } from './config/guard';
import type { Content } from './content';
import { DEPLOY_STRATEGIES, type DeployStrategy } from './domain/deploys/model';
import { SIGNALS, type ActThresholds, type GuardSettings, type StrategyTriggers } from './domain/guard/model';
import { resolveTriggers } from './domain/guard/triggers';
import type { GuardCatalog, GuardIncidents, GuardRemediation, SignalSource } from './domain/guard/ports';
import { GuardResponder } from './domain/guard/respond';
import { DeployGuard, type GuardWatchListener } from './domain/guard/service';
import type { IncidentEvent } from './domain/incidents/events';
import type { IncidentRepository } from './domain/incidents/ports';
import type { DeployLookup } from './domain/remediation/action-ports';
import { startGuardWorker } from './inbound/workers/guard';
import { PrometheusClient, prometheusClientOptions } from './outbound/guard/prometheus';
import { PrometheusSource, PushedSamplesSource } from './outbound/guard/sources';
import { BullGuardScheduler } from './outbound/jobs/guard-ticks';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { SlackGuardNotifier } from './outbound/slack/guard-notifier';
import { RedisGuardStore } from './outbound/store/guard-store';
import { RedisMetricSamples } from './outbound/store/metric-samples';
import { RemediationOfferStore } from './outbound/store/remediation-offers';
import type { Wiring } from './wiring';

export interface GuardWiring {
  /** Deploy intake's watcher; also describes guard contexts for remediation. */
  guard: DeployGuard;
  /** Where POST /webhooks/metrics stores pushed samples. */
  samples: RedisMetricSamples;
  /** Incident event handler: the automatic rollback's report in the new incident's thread. */
  incidentReports: { handle(event: IncidentEvent): Promise<void> };
  /** The guard worker; only in processes that run workers. */
  startWorker(): Worker;
  close(): Promise<void>;
}

export interface GuardWiringOptions extends Wiring {
  repository: IncidentRepository;
  deploys: DeployLookup;
  remediation: GuardRemediation;
  fetch?: typeof fetch;
  /** Told after each evaluation (deploy announcements). */
  listener?: GuardWatchListener;
}

/** Part of the composition root: the guard's queue, store, signal sources, Slack side and worker. */
export function wireGuard(options: GuardWiringOptions): GuardWiring {
  const { redis, keys, config, content, clock } = options;
  const logger = options.logger.child({ component: 'guard' });
  const queue = createQueue(QUEUE_NAMES.guard, options.queueSettings);
  const store = new RedisGuardStore(redis, keys, { retentionMs: config.retention });
  const samples = new RedisMetricSamples(redis, keys, () => clock.now().getTime());
  const catalog = guardCatalog(config, content, (service, prometheus) => {
    if (!prometheus) return new PushedSamplesSource(samples);
    const defaults = defaultGuardQueries(service);
    const queries = { ...defaults, ...withoutBaseline(config.services[service]?.guard?.queries) };
    const baselineQuery = config.services[service]?.guard?.queries.latencyBaseline ?? defaultBaselineQuery(queries.latencyP95);
    return new PrometheusSource({ client: new PrometheusClient(prometheus, { ...prometheusClientOptions(config.services[service]?.guard?.prometheusClient), fetch: options.fetch }), queries, baselineQuery, redis, keys });
  });
  const incidents: GuardIncidents = {
    openForService: (service) => options.repository.openForService(service),
    get: (id) => options.repository.get(id),
    start: (input) => options.incidents.start(input),
    note: (id, actor, kind, text, data) => options.incidents.note(id, actor, kind, text, data),
  };
  const responder = new GuardResponder({
    store,
    catalog,
    notifier: new SlackGuardNotifier({ client: options.client, rollbackTargets: content.policy.rollbackTargets, humanOnly: content.policy.rollbackTriggers.humanOnly, offers: new RemediationOfferStore(redis, keys, config.retention) }),
    remediation: options.remediation,
    incidents,
    deploys: options.deploys,
    logger,
  });
  const guard = new DeployGuard({ store, catalog, scheduler: new BullGuardScheduler(queue, clock), responder, incidents, clock, logger, listener: options.listener });
  return {
    guard,
    samples,
    incidentReports: {
      async handle(event) {
        if (event.type === 'opened') await responder.incidentReport(event.incident.id);
      },
    },
    startWorker: () => startGuardWorker({ ...options.queueSettings, guard, logger }),
    close: () => queue.close(),
  };
}

/** A service's `guard.errorRate` / `latencyP95` / `healthFailures` over policy.yaml's act numbers. */
function withServiceOverrides(act: ActThresholds, guard: GuardConfig): ActThresholds {
  return {
    errorRate: { threshold: guard.errorRate?.threshold ?? act.errorRate.threshold, forMs: guard.errorRate?.for ?? act.errorRate.forMs },
    latencyP95: { factor: guard.latencyP95?.factor ?? act.latencyP95.factor, forMs: guard.latencyP95?.for ?? act.latencyP95.forMs },
    healthFailures: { threshold: guard.healthFailures?.threshold ?? act.healthFailures.threshold, forMs: guard.healthFailures?.for ?? act.healthFailures.forMs },
  };
}

function withoutBaseline(queries: { errorRate?: string; latencyP95?: string; healthFailures?: string } | undefined) {
  const picked: Partial<Record<(typeof SIGNALS)[number], string>> = {};
  for (const signal of SIGNALS) if (queries?.[signal]) picked[signal] = queries[signal];
  return picked;
}

/** Each service's guard settings (config over policy.yaml's defaults) and signal source, built once. */
export function guardCatalog(config: ConfigFile, content: Content, sourceFor: (service: string, prometheus: string | undefined) => SignalSource): GuardCatalog {
  const settings = new Map<string, GuardSettings | undefined>();
  const sources = new Map<string, SignalSource>();
  const policy = content.policy.guard;
  const resolve = (name: string): GuardSettings | undefined => {
    const service = config.services[name];
    const guard = service?.guard;
    if (!service || !guard || guard.mode === 'off') return undefined;
    const firstLevel = service.escalation?.[0]?.notify ?? [];
    const environment = service.environment ?? config.environment;
    // policy.yaml rollbackTriggers per strategy in the service's environment; the service's own numbers win for act.
    const triggers = Object.fromEntries(
      DEPLOY_STRATEGIES.map((strategy) => {
        const { act, warn } = resolveTriggers(content.policy.rollbackTriggers, strategy, environment);
        return [strategy, { act: withServiceOverrides(act, guard), warn }] satisfies [DeployStrategy, StrategyTriggers];
      }),
    );
    const defaults = resolveTriggers(content.policy.rollbackTriggers, undefined, environment);
    const act = withServiceOverrides(defaults.act, guard);
    return {
      mode: guard.mode,
      channel: service.channel,
      environment: service.environment ?? config.environment,
      windowMs: guard.window ?? policy.window,
      everyMs: Math.max(guard.every, 100),
      staleAfterMs: guard.staleAfter ?? Math.max(60_000, 3 * guard.every),
      signals: guard.signals ?? [...SIGNALS],
      ...act,
      triggers,
      warn: defaults.warn,
      severity: guard.severity,
      sourceName: guard.prometheus ? `Prometheus ${guard.prometheus}` : 'pushed samples (POST /webhooks/metrics)',
      people: [...firstLevel, ...service.responders].filter((id) => /^[UW]/.test(id)),
    };
  };
  return {
    settings(name) {
      if (!settings.has(name)) settings.set(name, resolve(name));
      return settings.get(name);
    },
    source(name) {
      if (!this.settings(name)) return undefined;
      let source = sources.get(name);
      if (!source) sources.set(name, (source = sourceFor(name, config.services[name]?.guard?.prometheus)));
      return source;
    },
    canRollBack: (name) => Boolean(config.services[name]?.rollback),
  };
}
