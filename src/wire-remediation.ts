import type { Worker } from 'bullmq';
import type { ConfigFile } from './config/file';
import type { Content } from './content';
import type { AlertTracker } from './domain/alerts/ports';
import type { NewDeploy } from './domain/deploys/model';
import type { EscalateResult } from './domain/escalation/service';
import { SYSTEM_ACTOR, type Incident } from './domain/incidents/model';
import type { ContextInfo, ContextLookup, DeployLookup, Escalator, RemediationCatalog, ServiceRemediation } from './domain/remediation/action-ports';
import { PermanentActionError } from './domain/remediation/errors';
import type { ActionRecord } from './domain/remediation/model';
import type { FlagProvider, RollbackExecutor } from './domain/remediation/ports';
import { RemediationRequests } from './domain/remediation/requests';
import { RemediationService } from './domain/remediation/service';
import { startRemediationWorkers } from './inbound/workers/remediation';
import { HttpHealthProbe } from './outbound/executors/health-probe';
import { createFlagProvider, createRollbackExecutor, type ExecutorDeps } from './outbound/executors';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { BullRemediationQueue } from './outbound/jobs/remediation-queue';
import { SlackDirectory } from './outbound/slack/directory';
import { RemediationOffer } from './outbound/slack/remediation-offer';
import type { SlackRefusals } from './outbound/slack/refusals';
import { SlackRemediationNotifier } from './outbound/slack/remediation-notifier';
import { RedisActionStore } from './outbound/store/action-store';
import { RemediationAuditLog, type IncidentNotes } from './outbound/store/remediation-audit';
import type { Wiring } from './wiring';

export interface RemediationWiring {
  /** The click side, for Slack listeners. */
  requests: RemediationRequests;
  /** The job side, for the worker. */
  service: RemediationService;
  audit: RemediationAuditLog;
  /** What a context (incident, alert card, guard card) is about. */
  contexts: ContextLookup;
  /** Incident event handler: Rollback / Disable flag offered in a new incident's thread. */
  offer: RemediationOffer;
  /** The remediation workers; only in processes that run workers. */
  startWorkers(timing?: { lockDuration?: number; stalledInterval?: number }): Worker[];
  close(): Promise<void>;
}

export interface RemediationWiringOptions extends Omit<Wiring, 'incidents'> {
  incidents: IncidentNotes & { get(id: string): Promise<Incident> };
  /** For an alert card: the incident open for its service, if any. */
  openIncidentFor(service: string): Promise<Incident | undefined>;
  deploys: DeployLookup & { record(deploy: NewDeploy): Promise<unknown> };
  alerts: AlertTracker;
  /** The escalation engine's manual escalation, when it runs in this process. */
  escalateNow?: (incidentId: string, by: string) => Promise<EscalateResult>;
  executorDeps?: ExecutorDeps;
  /** A deploy-guard context (its id is the deploy's): the guard's headline and the incident it belongs to. */
  describeGuard?: (deployId: string) => Promise<ContextInfo | undefined>;
  /** Whoever is on call behind a `rotation:`/`pagerduty:`/`opsgenie:` responder, at the click. */
  oncallMembers?: (target: string) => Promise<string[]>;
  /** Slack refusals for good of the offer in a new incident's thread: given up and reported. */
  refusals?: SlackRefusals;
  /** A succeeded action, verified: the recovery watch starts. */
  afterSuccess?: (record: ActionRecord) => Promise<void>;
}

/** Part of the composition root: the remediation queue, store, Slack thread, executors, and worker. */
export function wireRemediation(options: RemediationWiringOptions): RemediationWiring {
  const { redis, keys, config, content, clock, logger } = options;
  const queue = createQueue(QUEUE_NAMES.remediation, options.queueSettings);
  const store = new RedisActionStore(redis, keys, { retentionMs: config.retention });
  const audit = new RemediationAuditLog({ incidents: options.incidents, redis, keys, clock, retentionMs: config.retention });
  const notifier = new SlackRemediationNotifier({ client: options.client, content });
  const catalog = remediationCatalog(config, content, { logger: logger.child({ component: 'executor' }), ...options.executorDeps });
  const contexts = contextLookup(options);
  let directory: SlackDirectory | undefined;
  const groups = { groupMembers: (id: string) => (directory ??= new SlackDirectory(options.client(), redis, keys, options.oncallMembers)).expand([id]) };
  const escalateNow = options.escalateNow;
  const escalator: Escalator | undefined = escalateNow && {
    async escalateNow(incidentId) {
      const result = await escalateNow(incidentId, SYSTEM_ACTOR);
      if (result.kind === 'escalating') return { level: result.level.level, targets: result.level.notify, role: result.level.role };
      return result.kind === 'already' ? { level: result.level, targets: [] } : undefined;
    },
  };
  const requests = new RemediationRequests({ catalog, deploys: options.deploys, store, queue: new BullRemediationQueue(queue), audit, directory: groups, contexts, notifier, clock });
  const service = new RemediationService({ catalog, store, notifier, audit, probe: new HttpHealthProbe(), contexts, clock, logger, escalator, history: options.deploys, afterSuccess: options.afterSuccess });
  return {
    requests,
    service,
    audit,
    contexts,
    offer: new RemediationOffer({ client: options.client, redis, keys, config, content, deploys: options.deploys, incidents: options.incidents, stepOptions: options.refusals?.incidentSteps }),
    startWorkers: (timing = {}) => startRemediationWorkers({ ...options.queueSettings, service, logger, ...timing }),
    close: () => {
      requests.close();
      return queue.close();
    },
  };
}

/** Service settings, executors (built once per service) and runbook targets, from config and content. */
export function remediationCatalog(config: ConfigFile, content: Content, executorDeps: ExecutorDeps): RemediationCatalog {
  const rollbacks = new Map<string, RollbackExecutor>();
  const flags = new Map<string, FlagProvider>();
  const missing = (service: string, block: string) => new PermanentActionError(`${service} has no ${block} block in the config any more`);
  const defaultLevels = content.policy.escalation.defaultLevels.map((level) => ({ afterMs: level.after, targets: [], role: level.role }));
  return {
    service(name): ServiceRemediation | undefined {
      const service = config.services[name];
      if (!service) return undefined;
      return {
        responders: service.responders,
        environment: service.environment ?? config.environment,
        healthChecks: service.healthChecks,
        rollback: service.rollback && { attempts: service.rollback.attempts, backoffMs: service.rollback.backoff },
        flags: service.flags && { attempts: service.flags.attempts, backoffMs: service.flags.backoff },
        escalation: service.escalation?.map((level) => ({ afterMs: level.after, targets: level.notify })) ?? defaultLevels,
      };
    },
    rollbackExecutor(name) {
      const block = config.services[name]?.rollback;
      if (!block) throw missing(name, 'rollback');
      let executor = rollbacks.get(name);
      if (!executor) rollbacks.set(name, (executor = createRollbackExecutor(block, executorDeps)));
      return executor;
    },
    flagProvider(name) {
      const block = config.services[name]?.flags;
      if (!block) throw missing(name, 'flags');
      let provider = flags.get(name);
      if (!provider) flags.set(name, (provider = createFlagProvider(block, executorDeps)));
      return provider;
    },
    rollbackTargetMs: (strategy) => content.policy.rollbackTargets[strategy],
  };
}

/** An incident's title and age; an alert's name, when it started, and the incident open for its service. */
function contextLookup(options: RemediationWiringOptions): ContextLookup {
  return {
    async describe(context, service) {
      if (context.kind === 'incident') {
        const incident = await options.incidents.get(context.id).catch(() => undefined);
        return incident && { title: `${incident.id}: ${incident.title}`, incidentId: incident.id, openedAt: incident.createdAt, channelId: incident.channelId };
      }
      if (context.kind === 'guard') return options.describeGuard?.(context.id);
      if (context.kind !== 'alert') return undefined;
      const alert = await options.alerts.get(service, context.id);
      if (!alert) return undefined;
      const incident = await options.openIncidentFor(alert.service);
      return {
        title: `${alert.name}${alert.summary ? `: ${alert.summary}` : ''}`,
        incidentId: incident?.id,
        openedAt: incident?.createdAt ?? alert.firstSeen,
        channelId: incident?.channelId,
      };
    },
  };
}
