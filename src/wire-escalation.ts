import type { Worker } from 'bullmq';
import type { EscalationDeps, FireResult } from './domain/escalation/firing';
import type { TargetResolver, TimerScheduler } from './domain/escalation/ports';
import { levelName } from './domain/escalation/describe';
import { unstaffedLevels } from './domain/escalation/policy';
import { EscalationService } from './domain/escalation/service';
import type { Timer, TimerKind } from './domain/escalation/timers';
import { startTimerWorker } from './inbound/workers/timers';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { BullTimerScheduler } from './outbound/jobs/timers';
import { SlackDirectory } from './outbound/slack/directory';
import { SlackEscalationNotifier } from './outbound/slack/escalation-notifier';
import type { SlackRefusals } from './outbound/slack/refusals';
import { RedisEscalationStore } from './outbound/store/escalation-store';
import type { Wiring } from './wiring';

export interface EscalationWiring {
  service: EscalationService;
  /** The durable timers (the timers queue), for other features' reminders. */
  scheduler: TimerScheduler;
  /** Timers of `kind` are fired by `fire` instead of the escalation service (e.g. status page reminders). */
  routeTimers<K extends TimerKind>(kind: K, fire: (timer: Extract<Timer, { kind: K }>) => Promise<FireResult>): void;
  /** The timers worker; only in processes that run workers. */
  startWorker(): Worker;
  close(): Promise<void>;
}

/**
 * Part of the composition root (firebreak.ts): the timers queue, the escalation service over its
 * Redis store and Slack notifier, and the worker that fires timers.
 */
export function wireEscalation(options: Wiring & {
  /** Who is on call behind `rotation:…` targets, and the PagerDuty mirror's acknowledgement hook. */
  oncall?: Pick<EscalationDeps, 'onAcknowledged'> & { targets: TargetResolver };
  /** Steps Slack refuses for good (a closed announcements channel, a deactivated user): given up and reported. */
  refusals?: SlackRefusals;
}): EscalationWiring {
  const { redis, keys, queueSettings, config, content, clock } = options;
  for (const { service, level } of unstaffedLevels(config.services, content.policy.escalation)) {
    options.logger.warn({ service, level: level.level }, `Service ${service}: escalation ${levelName(level)} has nobody configured; reaching it will page nobody`);
  }
  const queue = createQueue(QUEUE_NAMES.timers, queueSettings);
  let directory: SlackDirectory | undefined;
  const notifier = new SlackEscalationNotifier({
    client: options.client,
    directory: () => (directory ??= new SlackDirectory(options.client(), redis, keys)),
    content,
    announcements: config.announcements,
  });
  const scheduler = new BullTimerScheduler(queue, redis, keys, clock);
  const routes = new Map<TimerKind, (timer: Timer) => Promise<FireResult>>();
  const service = new EscalationService({
    incidents: options.incidents,
    store: new RedisEscalationStore(redis, keys, options.refusals?.incidentSteps),
    scheduler,
    notifier,
    services: config.services,
    defaults: content.policy,
    clock,
    ...(options.oncall ? { targets: options.oncall.targets, onAcknowledged: options.oncall.onAcknowledged } : {}),
  });
  const handler = { fire: (timer: Timer) => (routes.get(timer.kind) ?? ((t: Timer) => service.fire(t)))(timer) };
  return {
    service,
    scheduler,
    routeTimers: (kind, fire) => routes.set(kind, fire as (timer: Timer) => Promise<FireResult>),
    startWorker: () => startTimerWorker({ ...queueSettings, handler, logger: options.logger }),
    close: () => queue.close(),
  };
}
