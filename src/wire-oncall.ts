import type { Worker } from 'bullmq';
import type { Env } from './config/env';
import type { ConfigFile } from './config/file';
import { toRotations } from './config/oncall';
import type { TargetResolver } from './domain/escalation/ports';
import { OncallFlows } from './domain/oncall/flows';
import { PagerDutyMirror } from './domain/oncall/pagerduty-mirror';
import { OncallService } from './domain/oncall/service';
import { startOncallWorker } from './inbound/workers/oncall';
import { BullOncallJobs } from './outbound/jobs/oncall-jobs';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { ProviderSchedules } from './outbound/oncall/external-schedules';
import { PagerDutyRunner } from './outbound/oncall/pagerduty-runner';
import { SlackOncallNotifier } from './outbound/slack/oncall-notifier';
import type { SlackRefusals } from './outbound/slack/refusals';
import { RedisOncallSteps, RedisOverrideStore } from './outbound/store/oncall-store';
import type { Wiring } from './wiring';

export interface OncallWiring {
  service: OncallService;
  flows: OncallFlows;
  /** The escalation hook: on-call targets resolved when a level fires. */
  targets: TargetResolver;
  /** Responders and invitations: whoever is on call behind one target now. */
  members(target: string): Promise<string[]>;
  /** Incident event handler and acknowledgement hook mirroring incidents to PagerDuty. */
  mirror: PagerDutyMirror;
  onAcknowledged: (incident: Parameters<PagerDutyMirror['acknowledged']>[0], level: number, ack: { at: string }) => Promise<void>;
  /** The on-call worker and the first handoff job of every rotation; only in processes that run workers. */
  startWorker(): Promise<Worker>;
  close(): Promise<void>;
}

/** Rotation names each service's responders and escalation levels refer to. */
export function servicesByRotation(config: ConfigFile): Record<string, string[]> {
  const byRotation: Record<string, string[]> = {};
  for (const [name, service] of Object.entries(config.services)) {
    const targets = [...service.responders, ...(service.escalation ?? []).flatMap((level) => level.notify)];
    for (const target of targets) {
      if (!target.startsWith('rotation:')) continue;
      const rotation = target.slice('rotation:'.length);
      byRotation[rotation] = [...new Set([...(byRotation[rotation] ?? []), name])];
    }
  }
  return byRotation;
}

/** Every `pagerduty:` and `opsgenie:` target the services name, once each. */
export function externalTargets(config: ConfigFile): string[] {
  const all = Object.values(config.services).flatMap((service) => [...service.responders, ...(service.escalation ?? []).flatMap((level) => level.notify)]);
  return [...new Set(all.filter((target) => /^(pagerduty|opsgenie):/.test(target)))];
}

/** Part of the composition root: rotations, overrides, external schedules, handoff jobs, the PagerDuty mirror. */
export function wireOncall(options: Wiring & {
  env: Env;
  /** Slack refusals for good of an on-call step (a handoff line, an invite): given up, logged, counted. */
  refusals?: SlackRefusals;
}): OncallWiring {
  const { env, redis, keys, config, clock } = options;
  const logger = options.logger.child({ component: 'oncall' });
  const queue = createQueue(QUEUE_NAMES.oncall, options.queueSettings);
  const jobs = new BullOncallJobs(queue, clock);
  const steps = new RedisOncallSteps(redis, keys, options.refusals?.serviceSteps);
  const notifier = new SlackOncallNotifier(options.client);
  const external = new ProviderSchedules({
    ...{ redis, keys, clock, logger, client: options.client },
    cacheFor: config.oncall.cacheFor,
    pagerdutyToken: env.PAGERDUTY_TOKEN,
    opsgenieToken: env.OPSGENIE_TOKEN,
  });
  const service = new OncallService({ rotations: toRotations(config.oncall), overrides: new RedisOverrideStore(redis, keys), external, externalTargets: externalTargets(config), clock });
  const flows = new OncallFlows({
    oncall: service,
    incidents: options.incidents,
    notifier,
    servicesByRotation: servicesByRotation(config),
    once: (step, action) => steps.once(step, action),
    scheduleHandoff: (rotation, at) => jobs.scheduleHandoff(rotation, at),
  });
  const routingKey = (name: string) => config.services[name]?.pagerduty?.routingKey;
  const mirror = new PagerDutyMirror({ mirrored: (name) => routingKey(name) !== undefined, queue: jobs });
  const runner = new PagerDutyRunner({ incidents: options.incidents, routingKey, steps, notifier, logger });
  return {
    service,
    flows,
    targets: { resolve: (targets, context) => flows.resolveForIncident(targets, context) },
    members: (target) => service.members(target),
    mirror,
    // Slack's acknowledgement never waits on (or fails because of) PagerDuty.
    onAcknowledged: (incident, level, ack) =>
      mirror.acknowledged(incident, level, ack.at).catch((error: unknown) => logger.error({ err: error, incidentId: incident.id }, 'could not queue the PagerDuty acknowledge')),
    async startWorker() {
      const worker = startOncallWorker({ ...options.queueSettings, handler: { handoff: (r, at) => flows.handoff(r, at), pagerduty: (job, attempt) => runner.run(job, attempt) }, logger });
      await flows.scheduleNextHandoffs(clock.now());
      return worker;
    },
    close: () => queue.close(),
  };
}
